/**
 * The handler registry both transports use: one function per request channel of shared/ipc.ts.
 * Handlers receive an already validated payload; the mapped type makes a missing channel a type error,
 * and a unit test checks the same at run time.
 */
import type { RequestChannel, RequestOf, ResponseOf } from '../../shared/ipc';
import { ServiceError } from '../services/errors';
import type { Services } from '../services/services';

export type Handler<C extends RequestChannel> = (
  payload: RequestOf<C>,
) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { [C in RequestChannel]: Handler<C> };

export function createHandlers(services: Services): Handlers {
  return {
    'app.info': () => services.appInfo(),
    'settings.get': () => services.settings.get(),
    'settings.update': (patch) => services.settings.update(patch),
    'checkpoints.list': () => services.checkpoints.list(),
    'checkpoints.get': ({ id }) => services.checkpoints.get(id),
    'checkpoints.import': ({ path, name }) => services.checkpoints.import(path, name),
    'checkpoints.remove': ({ id }) => services.checkpoints.remove(id),
    'datasets.list': () => services.datasets.list(),
    'datasets.remove': ({ id }) => services.datasets.remove(id),
    'datasets.get': () => notBuiltYet('datasets.get'),
    'datasets.import': () => notBuiltYet('datasets.import'),
    'datasets.export': () => notBuiltYet('datasets.export'),
    'datasets.stats': () => notBuiltYet('datasets.stats'),
    'jobs.cancel': () => notBuiltYet('jobs.cancel'),
    'examples.list': () => notBuiltYet('examples.list'),
    'examples.get': () => notBuiltYet('examples.get'),
    'examples.setStatus': () => notBuiltYet('examples.setStatus'),
    'labels.list': () => notBuiltYet('labels.list'),
    'labels.update': () => notBuiltYet('labels.update'),
    'annotations.apply': () => notBuiltYet('annotations.apply'),
    'annotations.undo': () => notBuiltYet('annotations.undo'),
    'annotations.redo': () => notBuiltYet('annotations.redo'),
    'annotations.saveModelPredictions': () => notBuiltYet('annotations.saveModelPredictions'),
    'annotations.acceptModel': () => notBuiltYet('annotations.acceptModel'),
    'annotations.rejectModel': () => notBuiltYet('annotations.rejectModel'),
  };
}

// Interim: channels of the dataset store whose services are being built (issue 5).
function notBuiltYet(channel: string): never {
  throw new ServiceError('failed', `"${channel}" is not available yet in this build.`);
}
