/**
 * Wraps the handlers of every channel that writes annotations, statuses or labels so that a request naming
 * a read-only dataset (electron/services/readOnlyDatasets.ts), directly (`datasetId`) or through its
 * examples (`exampleId`, `exampleIds`), is refused before the handler runs. Every `annotations.*` channel is
 * a write, including ones added later; the other namespaces' writes are listed.
 */
import type { RequestChannel } from '../../shared/ipc';
import type { ReadOnlyDatasets } from '../services/readOnlyDatasets';
import type { Handlers } from './handlers';

const otherWriteChannels: readonly string[] = [
  'examples.setStatus',
  'labels.update',
  'review.adjudicate',
  'review.acceptAgreeing',
];

export function isGuardedChannel(channel: string): boolean {
  return channel.startsWith('annotations.') || otherWriteChannels.includes(channel);
}

export function protectReadOnlyDatasets(handlers: Handlers, readOnly: ReadOnlyDatasets): Handlers {
  const wrapped: Record<string, unknown> = { ...handlers };
  for (const channel of Object.keys(handlers) as RequestChannel[]) {
    if (!isGuardedChannel(channel)) continue;
    const handler = handlers[channel] as (payload: unknown, context?: unknown) => unknown;
    wrapped[channel] = (payload: unknown, context?: unknown) => {
      const request = (payload ?? {}) as { datasetId?: unknown; exampleId?: unknown; exampleIds?: unknown };
      if (typeof request.datasetId === 'string') readOnly.assertWritableDataset(request.datasetId, channel);
      if (typeof request.exampleId === 'number') readOnly.assertWritableExample(request.exampleId, channel);
      if (Array.isArray(request.exampleIds))
        for (const id of request.exampleIds)
          if (typeof id === 'number') readOnly.assertWritableExample(id, channel);
      return handler(payload, context);
    };
  }
  return wrapped as Handlers;
}
