/**
 * Security defaults applied to the session and every web contents: CSP/COOP/COEP headers, no
 * permissions, no navigation away from the app, no new windows, no <webview>.
 */
import type { Session, WebContents } from 'electron';
import { isAppUrl } from '../ipc/sender';
import { securityHeaders } from '../security/csp';
import { electronContentSecurityPolicy } from './windowOptions';

export function applySessionSecurity(session: Session): void {
  const headers = securityHeaders(electronContentSecurityPolicy);
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...details.responseHeaders };
    // Our own pages get the full set; anything else (there should be nothing) is at least CSP-locked.
    for (const [name, value] of Object.entries(
      isAppUrl(details.url) ? headers : { 'Content-Security-Policy': headers['Content-Security-Policy'] },
    )) {
      for (const existing of Object.keys(responseHeaders)) {
        if (existing.toLowerCase() === name.toLowerCase()) delete responseHeaders[existing];
      }
      responseHeaders[name] = [value];
    }
    callback({ responseHeaders });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
  // No remote content: refuse every request that is not the app's own origin or devtools.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed =
      isAppUrl(details.url) ||
      details.url.startsWith('devtools:') ||
      details.url.startsWith('blob:') ||
      details.url.startsWith('data:');
    callback({ cancel: !allowed });
  });
}

export function applyWebContentsSecurity(contents: WebContents, openExternal: (url: string) => void): void {
  // The renderer routes by hash (no navigation event); any real navigation is refused.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation etc. open in the person's browser, never inside the app.
    if (url.startsWith('https://')) openExternal(url);
    return { action: 'deny' };
  });
}
