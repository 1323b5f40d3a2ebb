/**
 * Sender checks: only the app's own pages may call the main side. In Electron the caller's frame URL
 * must be on the app's origin; anything else (a navigated-away frame, an iframe, devtools-injected
 * page, file:// elsewhere) is refused.
 */
import { appOrigin } from './channels';

export function isAppUrl(url: string | null | undefined, origin: string = appOrigin): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // URL.origin is "null" for non-special schemes like app:, so compare protocol + host instead.
  const expected = new URL(origin);
  return (
    parsed.protocol === expected.protocol &&
    parsed.host === expected.host &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
