/**
 * The handlers of issue 12's "gold is protected" channels: copying a dataset, Annotate's remembered place,
 * label mappings per (checkpoint, dataset), and what checkpoints were trained on. createHandlers spreads
 * them into the registry.
 */
import { AnnotateSessionStore } from '../services/annotateSession';
import { LabelMappingStore } from '../services/labelMappings';
import type { Services } from '../services/services';
import { trainedOn } from '../services/trainedOn';
import type { Handlers } from './handlers';

type GoldChannel =
  | 'datasets.copy'
  | 'annotateSession.get'
  | 'annotateSession.save'
  | 'labelMappings.get'
  | 'labelMappings.save'
  | 'checkpoints.trainedOn';

export function createGoldHandlers(services: Services): Pick<Handlers, GoldChannel> {
  const session = new AnnotateSessionStore(services.db, services.settings);
  const mappings = new LabelMappingStore(services.settings, services.datasetStore);
  return {
    'datasets.copy': (request) => services.writes.run(() => services.datasetStore.copy(request)),
    'annotateSession.get': () => session.get(),
    'annotateSession.save': (patch) => services.writes.run(() => session.save(patch)),
    'labelMappings.get': ({ checkpointId, datasetId }) => mappings.get(checkpointId, datasetId),
    'labelMappings.save': ({ checkpointId, datasetId, mapping }) =>
      services.writes.run(() => mappings.save(checkpointId, datasetId, mapping)),
    'checkpoints.trainedOn': ({ ids }) =>
      trainedOn(
        {
          findCheckpoint: (id) => services.checkpoints.find(id),
          trainingRuns: () => services.trainingRuns.list(),
        },
        ids,
      ),
  };
}
