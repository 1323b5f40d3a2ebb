/**
 * The example list: virtualized (only the rows on screen exist in the DOM) and paged from the
 * store (only the pages near the viewport are fetched), so 100,000 sentences scroll smoothly.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { SettingsStore } from '../../state/settings';
import { liveSuggestions } from './spans';
import { AnnotateStore } from './store';

const rowHeight = 52;

export function ExampleList() {
  const total = AnnotateStore.use((s) => s.total);
  const position = AnnotateStore.use((s) => s.position);
  const examples = AnnotateStore.use((s) => s.examples);
  AnnotateStore.use((s) => s.listVersion); // re-render when pages arrive or rows change
  const goTo = AnnotateStore.use((s) => s.goTo);
  const author = SettingsStore.use((s) => s.settings.annotatorName);
  const checkpointId = AnnotateStore.use((s) => (s.model.state === 'none' ? null : s.model.checkpointId));
  const ensureRange = AnnotateStore.use((s) => s.ensureRange);
  const scroller = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total > 0) ensureRange(first, last);
  }, [ensureRange, first, last, total]);

  useEffect(() => {
    if (total > 0) virtualizer.scrollToIndex(position, { align: 'auto' });
  }, [position, total, virtualizer]);

  return (
    <div
      className="example-list"
      ref={scroller}
      data-testid="example-list"
      aria-label="Examples"
      role="listbox"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((row) => {
          const example = examples.get(row.index);
          const active = row.index === position;
          const suggested = example ? liveSuggestions(example.modelSpans, author, checkpointId).length : 0;
          return (
            <div
              key={row.key}
              role="option"
              aria-selected={active}
              className={active ? 'example-row active' : 'example-row'}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: rowHeight,
                transform: `translateY(${row.start}px)`,
              }}
              onClick={() => void goTo(row.index)}
              data-testid="example-row"
            >
              {example ? (
                <>
                  <span className={`status-dot status-${example.status}`} title={example.status} />
                  <span className="example-row-text">
                    <span className="example-row-index">#{example.index + 1}</span> {example.text}
                  </span>
                  <span className="example-row-meta">
                    {example.spans.length} span{example.spans.length === 1 ? '' : 's'}
                    {suggested > 0 && ` · ${suggested} suggested`}
                  </span>
                </>
              ) : (
                <span className="example-row-text muted">Loading #{row.index + 1}…</span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
