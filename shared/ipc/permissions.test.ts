import { describe, expect, it } from 'vitest';
import { requestChannels, type RequestChannel } from './channels';
import { channelPermissions } from './permissions';

const channels = Object.keys(requestChannels) as RequestChannel[];

describe('channelPermissions', () => {
  it('has a rule for every request channel and none for a channel that does not exist', () => {
    const missing = channels.filter((channel) => !Object.hasOwn(channelPermissions, channel));
    expect(missing, 'add a rule to shared/ipc/permissions.ts for each of these').toEqual([]);
    const extra = Object.keys(channelPermissions).filter(
      (channel) => !Object.hasOwn(requestChannels, channel),
    );
    expect(extra).toEqual([]);
  });

  it('lets the admin call everything', () => {
    for (const channel of channels) expect(channelPermissions[channel].roles, channel).toContain('admin');
  });

  it('keeps annotators from exporting, deleting, importing, adjudicating and managing accounts', () => {
    const refused: RequestChannel[] = [
      'datasets.export',
      'datasets.import',
      'datasets.remove',
      'datasets.copy',
      'checkpoints.import',
      'checkpoints.remove',
      'benchmarks.delete',
      'trainingRuns.remove',
      'review.adjudicate',
      'review.acceptAgreeing',
      'review.examples',
      'review.agreement',
      'review.teamAgreement',
      'team.addUser',
      'team.removeUser',
      'team.resetUser',
      'team.setOverlap',
      'labels.update',
      'settings.update',
    ];
    for (const channel of refused)
      expect(channelPermissions[channel].roles, channel).not.toContain('annotator');
  });

  it('holds every channel that names an example and an author to the annotator’s own work', () => {
    for (const channel of channels) {
      const shape = (requestChannels[channel].request as { shape?: Record<string, unknown> }).shape;
      const inner =
        shape ??
        (requestChannels[channel].request as { _def?: { schema?: { shape?: Record<string, unknown> } } })._def
          ?.schema?.shape;
      if (!inner || !('exampleId' in inner) || !channelPermissions[channel].roles.includes('annotator'))
        continue;
      expect(channelPermissions[channel].ownWork, channel).toBe(true);
    }
  });
});
