/**
 * The team server's check on every request (issue 17), after zod validation and before the handler: the
 * channel's rule in shared/ipc/permissions.ts for the session's role, `author` taken from the session
 * (never from the payload), an annotator held to examples their queue handed them or they already edited,
 * and an annotator's view of examples cut to their own work (no other annotator's spans or decisions).
 */
import {
  IpcError,
  permissionOf,
  type AnnotationSpan,
  type ExamplePage,
  type ExampleView,
  type RequestChannel,
  type TeamUser,
} from '../../shared/ipc';
import type { TaskRouter } from '../services/team/taskRouter';

/** Throws IpcError('forbidden') when the account's role may not call the channel. */
export function admitTeamRequest(channel: RequestChannel, user: TeamUser): void {
  const rule = permissionOf(channel);
  if (!rule.roles.includes(user.role)) {
    throw new IpcError(
      'forbidden',
      `${user.name} (${user.role}) may not call "${channel}"; it needs the role ${rule.roles.join(' or ')}.`,
      channel,
    );
  }
}

/** The payload the handler gets: `author` set to the account's name. Throws IpcError('forbidden'). */
export function authorizeTeamRequest(
  channel: RequestChannel,
  payload: unknown,
  user: TeamUser,
  router: Pick<TaskRouter, 'isAssigned'>,
): unknown {
  admitTeamRequest(channel, user);
  const rule = permissionOf(channel);
  if (typeof payload !== 'object' || payload === null) return payload;
  const request = payload as Record<string, unknown>;
  let rewritten = 'author' in request ? { ...request, author: user.name } : request;
  // An annotator's list is their own queue: what it handed them and what they edited.
  if (channel === 'examples.list' && user.role === 'annotator') {
    const filter = (request.filter ?? {}) as Record<string, unknown>;
    rewritten = { ...rewritten, filter: { ...filter, assignedTo: user.name } };
  }
  if (rule.ownWork && user.role === 'annotator' && typeof request.exampleId === 'number') {
    if (!router.isAssigned(request.exampleId, user.name)) {
      throw new IpcError(
        'forbidden',
        `Example ${request.exampleId} is not in ${user.name}'s queue; take the next example from the queue.`,
        channel,
      );
    }
  }
  return rewritten;
}

/** What an annotator may see of a response: their own annotator spans and decisions, gold, model spans. */
export function filterTeamResponse(channel: RequestChannel, result: unknown, user: TeamUser): unknown {
  if (user.role !== 'annotator' || result === null || typeof result !== 'object') return result;
  if (channel === 'examples.list') {
    const page = result as ExamplePage;
    return { ...page, items: page.items.map((item) => ownView(item, user.name)) };
  }
  if (isExampleView(result)) return ownView(result, user.name);
  return result;
}

function isExampleView(value: object): value is ExampleView {
  return 'spans' in value && 'modelSpans' in value && 'datasetId' in value;
}

function ownView(example: ExampleView, name: string): ExampleView {
  const own = (span: AnnotationSpan) => span.source !== 'annotator' || span.author === name;
  const spans = example.spans.filter(own);
  // Their own status: done when they marked it done, whoever else did.
  const mine = spans.some((span) => span.source === 'annotator');
  const status = example.submittedBy?.includes(name) ? 'done' : mine ? 'in-progress' : 'unannotated';
  return {
    ...example,
    status,
    submittedBy: example.submittedBy?.filter((author) => author === name),
    spans,
    modelSpans: example.modelSpans.map((span) => withOwnDecisions(span, name)),
    undoAuthors: example.undoAuthors?.filter((author) => author === name),
    redoAuthors: example.redoAuthors?.filter((author) => author === name),
    canUndo: example.undoAuthors ? example.undoAuthors.includes(name) : example.canUndo,
    canRedo: example.redoAuthors ? example.redoAuthors.includes(name) : example.canRedo,
  };
}

function withOwnDecisions(span: AnnotationSpan, name: string): AnnotationSpan {
  if (!span.decisions) return span;
  return { ...span, decisions: span.decisions.filter((d) => d.author === name) };
}
