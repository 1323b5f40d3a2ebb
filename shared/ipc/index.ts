/**
 * The one IPC contract between the main side (Electron main process or the serve-mode host)
 * and the renderer. Every request channel maps a zod-validated request to a response type;
 * every event channel is pushed from main to renderer. Both transports (Electron IPC and the
 * HTTP/WebSocket host) carry exactly this map, so the UI never knows which one it runs on.
 *
 * Where things are: records/ (the records both sides share, by feature), channels/ (one file per
 * namespace, merged into the one `requestChannels` map), events.ts (main → renderer), envelope.ts
 * (IpcResult, IpcError, parseRequest, unwrapIpcResult), transport.ts (the Transport interface).
 * Import from here ('shared/ipc'), not from the files inside.
 */
export * from './records/annotateSession';
export * from './records/annotations';
export * from './records/benchmarkRuns';
export * from './records/checkpoints';
export * from './records/datasets';
export * from './records/dialogs';
export * from './records/review';
export * from './records/settings';
export * from './records/trainingRuns';
export * from './records/team';
export { requestChannels, type RequestChannel, type RequestOf, type ResponseOf } from './channels';
export * from './events';
export * from './envelope';
export * from './transport';
export { channelPermissions, permissionOf, type ChannelPermission } from './permissions';
