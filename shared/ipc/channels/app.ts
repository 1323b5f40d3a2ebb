import type { AppInfo } from '../records/settings';
import { none } from './primitives';

export const appChannels = {
  'app.info': { request: none, response: {} as AppInfo },
} as const;
