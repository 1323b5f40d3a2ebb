/**
 * What the model saw and where it looked: the tokens with their spans in the text, and one layer's
 * and head's attention probabilities as a heat map (row = the token attending, column = the token
 * attended to).
 */
import { useEffect, useRef, useState } from 'react';
import { SelectField, type SelectOption } from '../../components/SelectField';
import type { InspectResponse } from '../../inference/common/protocol';

/** Options 0..count-1, shown 1-based (layers, heads). */
function numberedOptions(count: number): SelectOption[] {
  return Array.from({ length: count }, (_, k) => ({ value: String(k), label: String(k + 1) }));
}

function TokenChips({ inspected }: { inspected: InspectResponse }) {
  return (
    <ol className="pg-tokens" data-testid="playground-tokens">
      {inspected.tokens.map((token, k) => {
        const span = inspected.offsets[k];
        return (
          <li
            key={k}
            className={span ? 'pg-token' : 'pg-token pg-token-special'}
            data-start={span?.[0]}
            data-end={span?.[1]}
            title={span ? `characters ${span[0]}–${span[1]} (UTF-16)` : 'added special token'}
          >
            <span className="pg-token-text">{token}</span>
            <span className="pg-token-index">{k}</span>
          </li>
        );
      })}
    </ol>
  );
}

export function AttentionInspector({ inspected }: { inspected: InspectResponse }) {
  const layers = inspected.attentions.length;
  const heads = inspected.attentions[0]?.shape[1] ?? 0;
  const n = inspected.tokens.length;
  const [layer, setLayer] = useState(Math.max(0, layers - 1));
  const [head, setHead] = useState(0);
  const [hover, setHover] = useState<{ from: number; to: number; value: number } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const cell = Math.max(6, Math.min(22, Math.floor(520 / Math.max(1, n))));
  const shownLayer = Math.min(layer, layers - 1);
  const shownHead = Math.min(head, heads - 1);

  const valueAt = (from: number, to: number) =>
    inspected.attentions[shownLayer]?.data[(shownHead * n + from) * n + to] ?? 0;

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    const attention = inspected.attentions[shownLayer];
    if (!context || !attention) return;
    const offset = shownHead * n * n;
    let max = 0;
    for (let i = 0; i < n * n; i++) max = Math.max(max, attention.data[offset + i]);
    context.clearRect(0, 0, n * cell, n * cell);
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        const value = attention.data[offset + from * n + to];
        context.fillStyle = `rgba(194, 65, 12, ${max > 0 ? value / max : 0})`;
        context.fillRect(to * cell, from * cell, cell, cell);
      }
    }
  }, [inspected, shownLayer, shownHead, n, cell]);

  if (layers === 0) return <TokenChips inspected={inspected} />;
  return (
    <div className="pg-inspector">
      <TokenChips inspected={inspected} />
      {inspected.truncated && (
        <p className="muted small">The text was truncated to {n} tokens for this view.</p>
      )}
      <div className="pg-row">
        <SelectField
          id="pg-layer"
          label="Layer"
          value={String(shownLayer)}
          options={numberedOptions(layers)}
          onChange={(value) => setLayer(Number(value))}
        />
        <SelectField
          id="pg-head"
          label="Head"
          value={String(shownHead)}
          options={numberedOptions(heads)}
          onChange={(value) => setHead(Number(value))}
        />
        <p className="muted small pg-hover" aria-live="polite">
          {hover
            ? `${inspected.tokens[hover.from]} → ${inspected.tokens[hover.to]}: ${(hover.value * 100).toFixed(1)}%`
            : 'Point at a cell: row = token attending, column = token attended to.'}
        </p>
      </div>
      <canvas
        ref={canvas}
        className="pg-heatmap"
        width={n * cell}
        height={n * cell}
        data-testid="playground-attention"
        aria-label={`Attention of layer ${shownLayer + 1}, head ${shownHead + 1} over ${n} tokens`}
        onMouseMove={(event) => {
          const box = event.currentTarget.getBoundingClientRect();
          const to = Math.floor(((event.clientX - box.left) / box.width) * n);
          const from = Math.floor(((event.clientY - box.top) / box.height) * n);
          if (from >= 0 && from < n && to >= 0 && to < n) setHover({ from, to, value: valueAt(from, to) });
        }}
        onMouseLeave={() => setHover(null)}
      />
    </div>
  );
}
