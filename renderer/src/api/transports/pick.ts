/** Chooses the transport at start-up: the Electron bridge when present, else the serve host. */
import type { Transport } from '../../../../shared/ipc';
import { electronTransport } from './electron';
import { serveTransport, stripTokenFromAddressBar, type ConnectionState } from './serve';

export interface PickedTransport {
  kind: 'electron' | 'serve';
  transport: Transport;
}

export function pickTransport(onConnectionChange?: (state: ConnectionState) => void): PickedTransport {
  const electron = electronTransport();
  if (electron) return { kind: 'electron', transport: electron };
  stripTokenFromAddressBar(window.location, window.history);
  return { kind: 'serve', transport: serveTransport({ origin: window.location.origin, onConnectionChange }) };
}
