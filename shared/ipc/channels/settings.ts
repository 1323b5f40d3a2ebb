import { settingsSchema, type Settings } from '../records/settings';
import { none } from './primitives';

export const settingsChannels = {
  'settings.get': { request: none, response: {} as Settings },
  'settings.update': { request: settingsSchema.partial().strict(), response: {} as Settings },
} as const;
