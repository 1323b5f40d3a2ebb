/**
 * Electron IPC channel names. Kept free of imports so the sandboxed preload bundle stays tiny
 * (it must not pull zod or the services in).
 */
export const requestIpcChannel = 'nezha:request';
export const eventIpcChannel = 'nezha:event';

/** The app's own pages and checkpoint files are served from this origin (custom `app:` protocol). */
export const appScheme = 'app';
export const appHost = 'nezha';
export const appOrigin = `${appScheme}://${appHost}`;
