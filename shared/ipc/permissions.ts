/**
 * Who may call each request channel on a team server (issue 17): one rule per channel, next to the channel
 * definitions. The mapped type makes a new channel without a rule a type error, and permissions.test.ts
 * checks the same at run time. A single-user host (desktop, plain serve) skips the table: its one person
 * is the admin.
 *
 * - `roles`: the roles allowed to call it at all.
 * - `ownWork`: for an annotator, the request may only touch their own work: `author` is the session's
 *   name (always, for every role), and an example they name must be one their queue handed them (leased)
 *   or one they already edited. Reviewers and admins review everyone's work.
 */
import type { RequestChannel } from './channels';
import type { TeamRole } from './records/team';

export interface ChannelPermission {
  roles: readonly TeamRole[];
  ownWork?: boolean;
}

const everyone: ChannelPermission = { roles: ['admin', 'reviewer', 'annotator'] };
const annotating: ChannelPermission = { roles: ['admin', 'reviewer', 'annotator'], ownWork: true };
const reviewing: ChannelPermission = { roles: ['admin', 'reviewer'] };
const adminOnly: ChannelPermission = { roles: ['admin'] };

export const channelPermissions: { readonly [C in RequestChannel]: ChannelPermission } = {
  'app.info': everyone,
  'settings.get': everyone,
  // The team server's settings are everyone's (the default backend, the theme): the admin's to change.
  'settings.update': adminOnly,
  'checkpoints.list': everyone,
  'checkpoints.get': everyone,
  'checkpoints.trainedOn': everyone,
  'checkpoints.import': adminOnly,
  'checkpoints.exportOnnx': adminOnly,
  'checkpoints.remove': adminOnly,
  'datasets.list': everyone,
  'datasets.get': everyone,
  'datasets.stats': everyone,
  'datasets.import': adminOnly,
  'datasets.export': adminOnly,
  'datasets.remove': adminOnly,
  'datasets.copy': adminOnly,
  'jobs.cancel': everyone,
  // An annotator's pages and examples come back with only their own spans (the host filters them).
  'examples.list': everyone,
  'examples.get': annotating,
  'examples.setStatus': annotating,
  'labels.list': everyone,
  'labels.update': adminOnly,
  'annotations.apply': annotating,
  'annotations.undo': annotating,
  'annotations.redo': annotating,
  'annotations.saveModelPredictions': annotating,
  'annotations.acceptModel': annotating,
  'annotations.rejectModel': annotating,
  'annotateSession.get': everyone,
  'annotateSession.save': everyone,
  'labelMappings.get': everyone,
  'labelMappings.save': reviewing,
  'review.authors': reviewing,
  'review.agreement': reviewing,
  'review.teamAgreement': reviewing,
  'review.examples': reviewing,
  'review.adjudicate': reviewing,
  'review.acceptAgreeing': reviewing,
  'benchmarks.prepareData': everyone,
  'benchmarks.list': everyone,
  'benchmarks.predictions': everyone,
  'benchmarks.open': reviewing,
  'benchmarks.savePredictions': reviewing,
  'benchmarks.finish': reviewing,
  'benchmarks.stop': reviewing,
  'benchmarks.delete': adminOnly,
  // Writes a file on the server's disk.
  'benchmarks.saveReport': adminOnly,
  'trainingRuns.list': everyone,
  'trainingRuns.get': everyone,
  'trainingRuns.learningCurve': everyone,
  'trainingRuns.save': adminOnly,
  'trainingRuns.remove': adminOnly,
  'trainingRuns.publish': adminOnly,
  'dialogs.pick': adminOnly,
  'team.session': everyone,
  'team.users': adminOnly,
  'team.addUser': adminOnly,
  'team.removeUser': adminOnly,
  'team.resetUser': adminOnly,
  'team.setOverlap': reviewing,
  'team.next': annotating,
  'team.release': annotating,
  'team.progress': everyone,
};

export function permissionOf(channel: RequestChannel): ChannelPermission {
  return channelPermissions[channel];
}
