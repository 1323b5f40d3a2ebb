import { describe, expect, it } from 'vitest';
import type { AnnotationSpan, ExampleView, TeamUser } from '../../shared/ipc';
import { authorizeTeamRequest, filterTeamResponse } from './teamGuard';

const annotator: TeamUser = { id: 'u1', name: 'alice', role: 'annotator' };
const reviewer: TeamUser = { id: 'u2', name: 'rita', role: 'reviewer' };
const router = { isAssigned: (exampleId: number, name: string) => exampleId === 7 && name === 'alice' };

function span(id: number, source: AnnotationSpan['source'], author: string | null): AnnotationSpan {
  return {
    id,
    start: 0,
    end: 1,
    label: 'PER',
    source,
    author,
    score: null,
    checkpointId: null,
    createdAt: '',
  };
}

describe('teamGuard', () => {
  it('refuses a channel the role may not call, naming the roles it needs', () => {
    expect(() => authorizeTeamRequest('datasets.remove', { id: 'd' }, annotator, router)).toThrow(
      /alice \(annotator\) may not call "datasets.remove"; it needs the role admin/,
    );
    expect(() => authorizeTeamRequest('review.adjudicate', {}, annotator, router)).toThrow(
      /forbidden|may not/,
    );
    expect(
      authorizeTeamRequest('review.adjudicate', { exampleId: 3, author: 'x' }, reviewer, router),
    ).toEqual({
      exampleId: 3,
      author: 'rita',
    });
  });

  it('takes the author from the session, never from the payload', () => {
    expect(
      authorizeTeamRequest('annotations.apply', { exampleId: 7, author: 'bob', ops: [] }, annotator, router),
    ).toEqual({
      exampleId: 7,
      author: 'alice',
      ops: [],
    });
  });

  it('holds an annotator to examples their queue handed them', () => {
    expect(() => authorizeTeamRequest('examples.get', { exampleId: 8 }, annotator, router)).toThrow(
      /Example 8 is not in alice's queue/,
    );
    // A reviewer reads anyone's example.
    expect(authorizeTeamRequest('examples.get', { exampleId: 8 }, reviewer, router)).toEqual({
      exampleId: 8,
    });
  });

  it("cuts another annotator's spans and decisions out of what an annotator sees", () => {
    const model = {
      ...span(4, 'model', null),
      decisions: [
        { author: 'alice', decision: 'accepted' },
        { author: 'bob', decision: 'rejected' },
      ],
    } as AnnotationSpan;
    const example = {
      id: 7,
      datasetId: 'd',
      spans: [span(1, 'gold', null), span(2, 'annotator', 'alice'), span(3, 'annotator', 'bob')],
      modelSpans: [model],
      undoAuthors: ['alice', 'bob'],
      redoAuthors: ['bob'],
      canUndo: true,
      canRedo: true,
    } as unknown as ExampleView;
    const seen = filterTeamResponse('examples.get', example, annotator) as ExampleView;
    expect(seen.spans.map((s) => s.id)).toEqual([1, 2]);
    expect(seen.modelSpans[0]!.decisions).toEqual([{ author: 'alice', decision: 'accepted' }]);
    expect(seen).toMatchObject({ undoAuthors: ['alice'], redoAuthors: [], canUndo: true, canRedo: false });
    expect(filterTeamResponse('examples.get', example, reviewer)).toBe(example);
    const page = filterTeamResponse(
      'examples.list',
      { total: 1, offset: 0, items: [example] },
      annotator,
    ) as {
      items: ExampleView[];
    };
    expect(page.items[0]!.spans).toHaveLength(2);
  });
});
