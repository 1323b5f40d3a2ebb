/**
 * How each pipeline's result reads: entities highlighted in the text with a table, ranked label
 * bars, the answer marked in its context, fill-mask candidates per [MASK], choice scores, and the
 * next-sentence probability.
 */
import type {
  Answer,
  Entity,
  FillMaskResult,
  LabelScore,
  MultipleChoiceResult,
} from '../../../../shared/pipelines';
import type { PipelineResult } from '../../inference/common/protocol';
import type { PlaygroundInputs } from './inputs';
import { segmentText, typeColorSlot } from './segments';

const percent = (score: number) => `${(score * 100).toFixed(1)}%`;

function ScoreBar({
  label,
  score,
  best,
  testId,
}: {
  label: string;
  score: number;
  best?: boolean;
  testId?: string;
}) {
  const width = Math.max(0, Math.min(1, score));
  return (
    <li className={best ? 'pg-bar pg-bar-best' : 'pg-bar'} data-testid={testId}>
      <span className="pg-bar-label">{label}</span>
      <span className="pg-bar-track" aria-hidden="true">
        <span className="pg-bar-fill" style={{ width: `${width * 100}%` }} />
      </span>
      <span className="pg-bar-value mono">{percent(score)}</span>
    </li>
  );
}

export function EntitiesResult({ text, entities }: { text: string; entities: Entity[] }) {
  const segments = segmentText(
    text,
    entities.map((e) => ({ ...e, start: e.startUtf16, end: e.endUtf16 })),
  );
  const types = [...new Set(entities.map((e) => e.type))].sort();
  return (
    <div className="pg-result" data-testid="playground-entities">
      <p className="pg-highlighted" data-testid="playground-highlighted">
        {segments.map((segment) =>
          segment.span ? (
            <mark
              key={segment.start}
              className={`pg-entity pg-color-${typeColorSlot(segment.span.type)}`}
              data-start={segment.start}
              data-end={segment.end}
              data-type={segment.span.type}
              title={`${segment.span.type} · ${percent(segment.span.score)}`}
            >
              {segment.text}
              <span className="pg-entity-type">{segment.span.type}</span>
            </mark>
          ) : (
            <span key={segment.start}>{segment.text}</span>
          ),
        )}
      </p>
      {types.length > 0 && (
        <p className="pg-legend">
          {types.map((type) => (
            <span key={type} className={`pg-legend-item pg-color-${typeColorSlot(type)}`}>
              {type}
            </span>
          ))}
        </p>
      )}
      {entities.length === 0 ? (
        <p className="muted">No entities found.</p>
      ) : (
        <table className="table pg-table" data-testid="playground-entity-table">
          <thead>
            <tr>
              <th>Type</th>
              <th>Text</th>
              <th>Characters</th>
              <th>Score</th>
            </tr>
          </thead>
          <tbody>
            {entities.map((entity) => (
              <tr
                key={`${entity.startUtf16}-${entity.endUtf16}`}
                data-start-utf16={entity.startUtf16}
                data-end-utf16={entity.endUtf16}
              >
                <td>
                  <span className={`pg-type pg-color-${typeColorSlot(entity.type)}`}>{entity.type}</span>
                </td>
                <td className="pg-entity-text">{entity.text}</td>
                <td className="mono">
                  {entity.start}–{entity.end}
                </td>
                <td className="mono">{percent(entity.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function LabelsResult({ labels, regression }: { labels: LabelScore[]; regression: boolean }) {
  if (regression && labels.length === 1) {
    return (
      <div className="pg-result" data-testid="playground-labels">
        <p>
          Predicted value: <strong className="mono">{labels[0].score.toFixed(4)}</strong>
        </p>
      </div>
    );
  }
  return (
    <ul className="pg-bars" data-testid="playground-labels">
      {labels.map((label, k) => (
        <ScoreBar key={label.index} label={label.label} score={label.score} best={k === 0} />
      ))}
    </ul>
  );
}

export function AnswersResult({ context, answers }: { context: string; answers: Answer[] }) {
  const best = answers[0];
  const segments = best ? segmentText(context, [{ start: best.startUtf16, end: best.endUtf16 }]) : [];
  return (
    <div className="pg-result" data-testid="playground-answers">
      {best && best.answer !== '' ? (
        <p className="pg-highlighted">
          {segments.map((segment) =>
            segment.span ? (
              <mark key={segment.start} className="pg-answer" data-testid="playground-answer">
                {segment.text}
              </mark>
            ) : (
              <span key={segment.start}>{segment.text}</span>
            ),
          )}
        </p>
      ) : (
        <p className="muted">The model finds no answer in the context.</p>
      )}
      <ol className="pg-nbest">
        {answers.map((answer) => (
          <li key={`${answer.startUtf16}-${answer.endUtf16}`}>
            <strong>{answer.answer || '(no answer)'}</strong>{' '}
            <span className="muted mono">
              {percent(answer.score)} · characters {answer.start}–{answer.end}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function FillMaskView({ fill }: { fill: FillMaskResult }) {
  return (
    <div className="pg-result pg-masks" data-testid="playground-fill-mask">
      {fill.wholeWords.map((word) => (
        <section key={`w${word.tokenIndices.join(',')}`} className="pg-mask">
          <h3>Whole word ({word.tokenIndices.length} masks)</h3>
          <ul className="pg-bars">
            {word.candidates.map((c, k) => (
              <ScoreBar key={c.text} label={c.text} score={c.score} best={k === 0} />
            ))}
          </ul>
        </section>
      ))}
      {fill.masks.map((mask, m) => (
        <section key={mask.tokenIndex} className="pg-mask">
          <h3>[MASK] {m + 1}</h3>
          <ul className="pg-bars">
            {mask.candidates.map((c, k) => (
              <ScoreBar key={c.tokenId} label={c.tokenStr} score={c.score} best={k === 0} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

export function ChoicesResult({ choices, result }: { choices: string[]; result: MultipleChoiceResult }) {
  return (
    <ul className="pg-bars" data-testid="playground-choices">
      {result.scores.map((score, k) => (
        <ScoreBar key={k} label={choices[k] ?? `Choice ${k + 1}`} score={score} best={k === result.best} />
      ))}
    </ul>
  );
}

/** The result of a run, read with the inputs it ran on. */
export function PipelineResultView({
  result,
  inputs,
  regression,
}: {
  result: PipelineResult;
  inputs: PlaygroundInputs;
  regression: boolean;
}) {
  switch (result.task) {
    case 'token-classification':
      return <EntitiesResult text={inputs.text} entities={result.entities[0] ?? []} />;
    case 'text-classification':
      return <LabelsResult labels={result.labels[0] ?? []} regression={regression} />;
    case 'question-answering':
      return <AnswersResult context={inputs.context} answers={result.answers[0] ?? []} />;
    case 'fill-mask':
      return result.fills[0] ? <FillMaskView fill={result.fills[0]} /> : null;
    case 'multiple-choice': {
      const choices = inputs.choices
        .split('\n')
        .map((c) => c.trim())
        .filter(Boolean);
      return result.choices[0] ? <ChoicesResult choices={choices} result={result.choices[0]} /> : null;
    }
    case 'next-sentence': {
      const p = result.pairs[0]?.isNextProbability ?? 0;
      return (
        <ul className="pg-bars" data-testid="playground-next-sentence">
          <ScoreBar label="B follows A" score={p} best={p >= 0.5} />
          <ScoreBar label="B is unrelated" score={1 - p} best={p < 0.5} />
        </ul>
      );
    }
  }
}
