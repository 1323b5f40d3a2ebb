/**
 * The inference worker: a dedicated module worker that owns tfjs. The UI thread talks to it only
 * through the typed protocol (protocol.ts) via client.ts; long work never runs on the UI thread.
 */
import { selectBackend } from './backends';
import type { BackendStatus } from '../common/backendSelection';
import { createModelHandlers } from './modelHandlers';
import { createBenchmarkHandlers } from './benchmarkHandlers';
import { createTrainHandlers } from './trainHandlers';
import { serveWorkerRequests, type MessageEndpoint, type WorkerHandlers } from '../common/rpc';

let current: BackendStatus | null = null;
// Backend switches are serialised: a second init waits for the first to finish.
let queue: Promise<unknown> = Promise.resolve();
const models = createModelHandlers();
const benchmarks = createBenchmarkHandlers(models.registry);

/** Methods that stop work: they answer at once, never behind a backend switch. */
const stopMethods = new Set(['cancel', 'trainStop']);

/**
 * Model, benchmark and training work waits for a backend start or switch in flight: a load sent
 * right after the page opened must not reach tfjs before its backend is initialised.
 */
function afterBackendSwitch<H extends Partial<WorkerHandlers>>(group: H): H {
  const wrapped: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(group)) {
    const run = handler as (payload: unknown, context: unknown) => unknown;
    wrapped[method] = stopMethods.has(method)
      ? run
      : async (payload: unknown, context: unknown) => {
          await queue;
          return run(payload, context);
        };
  }
  return wrapped as H;
}

const handlers: WorkerHandlers = {
  init: ({ preference }, context) => {
    const run = queue.then(async () => {
      // Tensors belong to the backend that made them: a switch drops every loaded model (the UI
      // loads them again on demand, on the new backend), once the work using them has finished.
      await models.registry.idle();
      models.registry.unloadAll();
      current = await selectBackend(preference);
      context.announceBackend(current);
      return current;
    });
    queue = run.catch(() => undefined);
    return run;
  },
  status: () => current,
  ...afterBackendSwitch(models.handlers),
  ...afterBackendSwitch(benchmarks.handlers),
  ...afterBackendSwitch(createTrainHandlers()),
  // Benchmark runs keep their own jobs; a cancel for any other id goes to the model jobs (loads, pipelines).
  cancel: (request, context) =>
    benchmarks.cancel(request.jobId) ? { cancelled: true } : models.handlers.cancel(request, context),
};

serveWorkerRequests(self as unknown as MessageEndpoint, handlers);
