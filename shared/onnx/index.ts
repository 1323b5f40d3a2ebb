export * from './exportNezha';
export * from './nezhaGraph';
export { decodeModel } from './proto';
