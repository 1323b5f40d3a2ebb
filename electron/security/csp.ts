/**
 * The one Content-Security-Policy and the security headers, used by the Electron main process
 * (app:// pages) and the serve host (http://127.0.0.1:PORT). No remote origins anywhere: the app
 * works offline and loads nothing from the network.
 */

export interface CspOptions {
  /** Extra connect-src sources, e.g. the serve host's `ws://127.0.0.1:PORT` for the events socket. */
  connectSrc?: string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    // 'wasm-unsafe-eval' lets the tfjs WASM backend compile its module; plain eval stays forbidden.
    // blob: because each WASM pthread worker importScripts() the backend's JS from a blob: URL that
    // tfjs builds itself (threaded-SIMD build); without it the thread pool fails to start.
    ['script-src', ["'self'", "'wasm-unsafe-eval'", 'blob:']],
    // The tfjs WASM backend starts its thread pool from blob: URLs.
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", ...(options.connectSrc ?? [])]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    // Inline styles only (React style props, CSS-in-JS); inline scripts stay forbidden.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['font-src', ["'self'", 'data:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/**
 * Headers for every response of the app's own pages. COOP + COEP make the page cross-origin
 * isolated, which SharedArrayBuffer (WASM threads) requires.
 */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}
