/**
 * The handler registry both transports use: one function per request channel of shared/ipc/.
 * Handlers receive an already validated payload; the mapped type makes a missing channel a type error,
 * and a unit test checks the same at run time.
 */
import type { WebContents } from 'electron';
import type { PickPathRequest, RequestChannel, RequestOf, ResponseOf, TeamUser } from '../../shared/ipc';
import type { BenchmarkRunRecord } from '../../shared/benchmark/report';
import { exportLibraryCheckpoint } from '../onnx/exportLibraryCheckpoint';
import { saveReportFile } from '../services/benchmarkReports';
import { ServiceError } from '../services/errors';
import { ReadOnlyDatasets } from '../services/readOnlyDatasets';
import { teamAgreement } from '../services/team/teamAgreement';
import type { Services } from '../services/services';
import { createGoldHandlers } from './goldHandlers';
import { protectReadOnlyDatasets } from './readOnlyGuard';

/** Who made the request, as far as the transport knows. */
export interface RequestContext {
  /** Electron: the web contents that sent it (already checked to show the app's page); absent in serve mode. */
  sender?: WebContents;
  /** Team server: the logged-in account (the permission table was checked before the handler runs). */
  user?: TeamUser;
}

export type Handler<C extends RequestChannel> = (
  payload: RequestOf<C>,
  context?: RequestContext,
) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { [C in RequestChannel]: Handler<C> };

/** Shows a native file dialog for the request's sender; resolves with the chosen path, or null when cancelled. */
export type PathPicker = (request: PickPathRequest, context: RequestContext) => Promise<string | null>;

/** What only some hosts can do: the Electron main process passes these, the serve host does not. */
export interface HostCapabilities {
  pickPath?: PathPicker;
}

export const noDialogsMessage =
  'File dialogs exist only in the desktop app; type the path (an absolute path on the machine running the host).';

export function createHandlers(services: Services, host: HostCapabilities = {}): Handlers {
  // Writes go through services.writes: a dataset import holds a write transaction open across event-loop
  // turns, and a direct write would busy-wait on it synchronously (freezing the loop the import needs).
  const trainingRuns = services.trainingRuns;
  // Every write naming a read-only dataset (a builtin benchmark gold set) is refused (readOnlyGuard.ts).
  return protectReadOnlyDatasets(
    createAllHandlers(services, host, trainingRuns),
    new ReadOnlyDatasets(services.db),
  );
}

function createAllHandlers(
  services: Services,
  host: HostCapabilities,
  trainingRuns: Services['trainingRuns'],
): Handlers {
  return {
    ...createGoldHandlers(services),
    'app.info': () => services.appInfo(),
    'settings.get': () => services.settings.get(),
    'settings.update': (patch) => services.writes.run(() => services.settings.update(patch)),
    'checkpoints.list': () => services.checkpoints.list(),
    'checkpoints.get': ({ id }) => services.checkpoints.get(id),
    'checkpoints.import': ({ path, name }) =>
      services.writes.run(() => services.checkpoints.import(path, name)),
    'checkpoints.exportOnnx': (request) => exportLibraryCheckpoint(services, request),
    'checkpoints.remove': ({ id }) => services.writes.run(() => services.checkpoints.remove(id)),
    'datasets.list': () => services.datasetStore.list(),
    'datasets.remove': ({ id }) => services.writes.run(() => services.datasetStore.remove(id)),
    'datasets.get': ({ id }) => services.datasetStore.get(id),
    'datasets.import': (request) => services.writes.run(() => services.datasetStore.import(request)),
    'datasets.export': (request) => services.datasetStore.export(request),
    'datasets.stats': ({ id }) => services.datasetStore.stats(id),
    'jobs.cancel': ({ jobId }) => ({ cancelled: services.jobs.cancel(jobId) }),
    'examples.list': (request) => services.datasetStore.listExamples(request),
    'examples.get': ({ exampleId }) => services.datasetStore.getExample(exampleId),
    'examples.setStatus': (request) => services.writes.run(() => services.annotations.setStatus(request)),
    'labels.list': ({ datasetId }) => services.datasetStore.listLabels(datasetId),
    'labels.update': ({ datasetId, labels }) =>
      services.writes.run(() => services.datasetStore.updateLabels(datasetId, labels)),
    'annotations.apply': (request) => services.writes.run(() => services.annotations.apply(request)),
    'annotations.undo': ({ exampleId, author }) =>
      services.writes.run(() => services.annotations.undo(exampleId, author)),
    'annotations.redo': ({ exampleId, author }) =>
      services.writes.run(() => services.annotations.redo(exampleId, author)),
    'annotations.saveModelPredictions': (request) =>
      services.writes.run(() => services.annotations.saveModelPredictions(request)),
    'annotations.acceptModel': (request) =>
      services.writes.run(() => services.annotations.acceptModel(request)),
    'annotations.rejectModel': (request) =>
      services.writes.run(() => services.annotations.rejectModel(request)),
    'review.authors': ({ datasetId }) => services.review.authors(datasetId),
    'review.agreement': (pair) => services.review.agreement(pair),
    'review.teamAgreement': ({ datasetId }) => teamAgreement(services.db, datasetId),
    'review.examples': (request) =>
      services.review.examples({ ...request, offset: request.offset ?? 0, limit: request.limit ?? 50 }),
    'review.adjudicate': (request) => services.writes.run(() => services.review.adjudicate(request)),
    'review.acceptAgreeing': (request) => services.writes.run(() => services.review.acceptAgreeing(request)),
    'benchmarks.prepareData': ({ datasetId }) => {
      // The UI gets what the file is, not where it lies on disk.
      const { file: _file, ...prepared } = services.benchmarkData.prepare(datasetId);
      return prepared;
    },
    'benchmarks.open': (request) => services.writes.run(() => services.benchmarkRuns.open(request)),
    'benchmarks.savePredictions': ({ runId, predictions }) =>
      services.writes.run(() => {
        services.benchmarkRuns.savePredictions(runId, predictions);
        return { done: services.benchmarkRuns.get(runId).done };
      }),
    // The store validates the record field by field (parseBenchmarkRunRecord) before it is kept.
    'benchmarks.finish': ({ runId, record }) =>
      services.writes.run(() =>
        services.benchmarkRuns.finish(runId, record as unknown as BenchmarkRunRecord),
      ),
    'benchmarks.stop': ({ runId, status, error }) =>
      services.writes.run(() => services.benchmarkRuns.stop(runId, status, error)),
    'benchmarks.list': (filter) => services.benchmarkRuns.list(filter ?? {}),
    'benchmarks.predictions': ({ runId, offset, limit }) =>
      services.benchmarkRuns.predictions(runId, { offset, limit }),
    'benchmarks.delete': ({ runId }) =>
      services.writes.run(() => {
        services.benchmarkRuns.delete(runId);
        return { deleted: true };
      }),
    'benchmarks.saveReport': ({ path, content }) => saveReportFile(path, content),
    'dialogs.pick': async (request, context = {}) => {
      if (!host.pickPath) throw new ServiceError('bad-request', noDialogsMessage);
      return { path: await host.pickPath(request, context) };
    },
    // A single-user host has no login: its one person is the admin (team.session says team: false).
    'team.session': (_request, context = {}) => ({
      team: context.user !== undefined,
      user: context.user ?? null,
    }),
    'team.users': () => services.team.accounts.list(),
    'team.addUser': ({ name, role, password }) =>
      services.writes.run(() => services.team.accounts.add(name, role, password)),
    'team.removeUser': ({ name }) => services.writes.run(() => services.team.accounts.remove(name)),
    'team.resetUser': ({ name, password, role }) =>
      services.writes.run(() => services.team.accounts.reset(name, password, role)),
    'team.setOverlap': ({ datasetId, overlap }) =>
      services.writes.run(() => services.team.router.setOverlap(datasetId, overlap)),
    'team.next': ({ datasetId, author }) =>
      services.writes.run(() => services.team.router.next(datasetId, author)),
    'team.release': ({ exampleId, author }) =>
      services.writes.run(() => services.team.router.release(exampleId, author)),
    'team.progress': ({ datasetId }) => services.team.router.progress(datasetId),
    'trainingRuns.save': ({ run }) => trainingRuns.save(run),
    'trainingRuns.list': () => trainingRuns.list(),
    'trainingRuns.get': ({ runId }) => trainingRuns.get(runId),
    'trainingRuns.remove': ({ runId }) => trainingRuns.remove(runId),
    'trainingRuns.learningCurve': ({ checkpointId }) => trainingRuns.learningCurve(checkpointId),
    'trainingRuns.publish': ({ runId, name }) =>
      services.writes.run(() => trainingRuns.publish(runId, name, services.checkpoints)),
  };
}
