/**
 * Every request channel, merged from one file per namespace: `request` is the zod schema the main side
 * validates against; `response` is a phantom type carrier (never validated: main is trusted, the renderer
 * is not). A new channel goes into its namespace's file; a new namespace gets a file and a line here.
 */
import type { z } from 'zod';
import { annotateSessionChannels } from './annotateSession';
import { annotationsChannels } from './annotations';
import { appChannels } from './app';
import { benchmarksChannels } from './benchmarks';
import { checkpointsChannels } from './checkpoints';
import { datasetsChannels } from './datasets';
import { dialogsChannels } from './dialogs';
import { examplesChannels } from './examples';
import { jobsChannels } from './jobs';
import { labelMappingsChannels } from './labelMappings';
import { labelsChannels } from './labels';
import { reviewChannels } from './review';
import { settingsChannels } from './settings';
import { teamChannels } from './team';
import { trainingRunsChannels } from './trainingRuns';

export const requestChannels = {
  ...appChannels,
  ...settingsChannels,
  ...checkpointsChannels,
  ...datasetsChannels,
  ...jobsChannels,
  ...examplesChannels,
  ...labelsChannels,
  ...annotationsChannels,
  ...reviewChannels,
  ...benchmarksChannels,
  ...trainingRunsChannels,
  ...dialogsChannels,
  ...annotateSessionChannels,
  ...labelMappingsChannels,
  ...teamChannels,
} as const;

export type RequestChannel = keyof typeof requestChannels;
export type RequestOf<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = (typeof requestChannels)[C]['response'];
