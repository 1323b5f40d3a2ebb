/** Main → renderer events: services emit, each transport forwards to its connected renderers. */
import type { EventChannel, EventPayloads } from '../../shared/ipc';

export type EventListener = <C extends EventChannel>(channel: C, payload: EventPayloads[C]) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<C extends EventChannel>(channel: C, payload: EventPayloads[C]): void {
    for (const listener of this.listeners) {
      try {
        listener(channel, payload);
      } catch (error) {
        // One broken forwarder (e.g. a closed socket) must not stop the others.
        console.error(`Event listener failed on "${channel}":`, error);
      }
    }
  }

  /** Returns the function that removes the listener. */
  listen(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
