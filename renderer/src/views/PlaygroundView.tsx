import { useEffect, useRef, useState } from 'react';
import type { CheckpointRecord } from '../../../shared/ipc';
import { EmptyState } from '../components/EmptyState';
import { PlaygroundIcon } from '../components/icons';
import { backendLabel, type BackendStatus } from '../inference/common/backendSelection';
import { loadRequestFor } from '../inference/ui/models';
import type {
  InspectResponse,
  LoadedModelInfo,
  RunPipelineResponse,
  WorkerProgress,
} from '../inference/common/protocol';
import { tasksForArchitecture } from '../../../shared/nezha/modelClasses';
import { TASK_LABELS, type PipelineTask } from '../../../shared/nezha/tasks';
import { formatBytes } from '../lib/format';
import { newJobId } from '../lib/jobId';
import { LibraryStore } from '../state/library';
import { useRouter } from '../state/router';
import { useRuntime } from '../state/runtime';
import { useServices } from '../state/services';
import { buildRequest, inspectedText, SAMPLE_INPUTS, type PlaygroundInputs } from './playground/inputs';
import { AttentionInspector } from './playground/Inspector';
import { PipelineResultView } from './playground/Results';
import { TaskInputs } from './playground/TaskInputs';
import './playground/playground.css';
import { names } from './requirements';
import { SelectField } from '../components/SelectField';

export function PlaygroundView() {
  const { api } = useServices();
  const navigate = useRouter((s) => s.navigate);
  const { checkpoints, refreshCheckpoints } = LibraryStore.use();
  const { backend, backendError } = useRuntime();
  useEffect(() => {
    void refreshCheckpoints();
  }, [api, refreshCheckpoints]);

  const runnable = checkpoints.filter((c) => tasksForArchitecture(c.architecture).length > 0);
  if (runnable.length === 0 || !backend) {
    return (
      <div className="view" data-testid="view-playground">
        <header className="view-header">
          <h1>Playground</h1>
        </header>
        <EmptyState
          icon={<PlaygroundIcon />}
          title="Try a checkpoint on your own text"
          testId="playground-empty"
          requirements={[
            {
              label: 'A checkpoint with a task head',
              met: runnable.length > 0,
              detail:
                runnable.length > 0
                  ? names(runnable)
                  : checkpoints.length > 0
                    ? `${names(checkpoints)}: bare encoders with no task head; import a fine-tuned or MLM checkpoint.`
                    : 'Import a NEZHA checkpoint folder.',
              action: { label: 'Go to Checkpoints', onClick: () => navigate('checkpoints') },
            },
            {
              label: 'A running inference backend',
              met: backend !== null,
              detail: backend
                ? `${backendLabel(backend)}: ${backend.reason}`
                : (backendError ?? 'The inference worker is still starting.'),
            },
          ]}
        >
          <p>
            Type or paste Chinese text (例如：“哪吒在陈塘关长大。”) and see the entities a
            token-classification head finds, masked-word predictions, answers, or the scores of a
            classification head, with timings for the backend in use.
          </p>
        </EmptyState>
      </div>
    );
  }
  return <Playground checkpoints={runnable} backend={backend} />;
}

type Phase = 'idle' | 'loading' | 'running';

interface Outcome {
  response: RunPipelineResponse;
  model: LoadedModelInfo;
  inputs: PlaygroundInputs;
  /** Tokens and attention of the main text; null when the inspection failed (the result still shows). */
  inspected: InspectResponse | null;
}

/** The worker holder the Playground loads under: one model, the last one run. */
const playgroundHolder = 'playground';

function Playground({ checkpoints, backend }: { checkpoints: CheckpointRecord[]; backend: BackendStatus }) {
  const { api, inference } = useServices();
  const [checkpointId, setCheckpointId] = useState(checkpoints[0].id);
  const checkpoint = checkpoints.find((c) => c.id === checkpointId) ?? checkpoints[0];
  const tasks = tasksForArchitecture(checkpoint.architecture);
  const [chosenTask, setTask] = useState<PipelineTask>(tasks[0]);
  const task = tasks.includes(chosenTask) ? chosenTask : tasks[0];
  const [inputs, setInputs] = useState<PlaygroundInputs>(SAMPLE_INPUTS);
  const [phase, setPhase] = useState<Phase>('idle');
  const [loadProgress, setLoadProgress] = useState<WorkerProgress | null>(null);
  const [runProgress, setRunProgress] = useState<WorkerProgress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const jobRef = useRef<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // Leaving the Playground lets the worker unload its model (least recently used first, under the budget).
  useEffect(
    () => () => void inference.call('release', { holder: playgroundHolder }).catch(() => undefined),
    [inference],
  );

  const built = buildRequest(task, inputs);

  async function run() {
    if (!('request' in built)) return;
    const jobId = newJobId('playground');
    jobRef.current = jobId;
    setError(null);
    setPhase('loading');
    setLoadProgress(null);
    setRunProgress(null);
    const snapshot = inputs;
    try {
      const model = await inference.call(
        'load',
        {
          ...loadRequestFor(checkpoint, (id, file) => api.checkpointFileUrl(id, file), `${jobId}-load`),
          holder: playgroundHolder,
        },
        { onProgress: (p) => mounted.current && setLoadProgress(p) },
      );
      if (!mounted.current || jobRef.current !== jobId) return;
      setPhase('running');
      const response = await inference.call(
        'runPipeline',
        { id: checkpoint.id, request: built.request, jobId },
        { onProgress: (p) => mounted.current && setRunProgress(p) },
      );
      if (!mounted.current || jobRef.current !== jobId) return;
      const inspected = await inference
        .call('inspect', { id: checkpoint.id, ...inspectedText(task, snapshot) })
        .catch(() => null);
      if (!mounted.current || jobRef.current !== jobId) return;
      setOutcome({ response, model, inputs: snapshot, inspected });
    } catch (caught) {
      if (!mounted.current || jobRef.current !== jobId) return;
      const message = (caught as Error).message;
      setError(/Cancelled/.test(message) ? 'Cancelled.' : message);
    } finally {
      if (mounted.current && jobRef.current === jobId) {
        jobRef.current = null;
        setPhase('idle');
      }
    }
  }

  function cancel() {
    const jobId = jobRef.current;
    if (!jobId) return;
    void inference.call('cancel', { jobId: `${jobId}-load` }).catch(() => {});
    void inference.call('cancel', { jobId }).catch(() => {});
  }

  const busy = phase !== 'idle';
  const loadFraction =
    loadProgress && loadProgress.total ? Math.min(1, loadProgress.done / loadProgress.total) : null;

  return (
    <div className="view" data-testid="view-playground">
      <header className="view-header">
        <div>
          <h1>Playground</h1>
          <p className="muted">
            Run a checkpoint on your own text in the inference worker, on{' '}
            <span data-testid="playground-backend">{backendLabel(backend)}</span>.
          </p>
        </div>
      </header>

      <section className="panel pad pg-form" aria-label="Playground input">
        <div className="pg-row">
          <SelectField
            id="pg-checkpoint"
            label="Checkpoint"
            value={checkpoint.id}
            disabled={busy}
            options={checkpoints.map((c) => ({ value: c.id, label: c.name }))}
            onChange={(value) => {
              setCheckpointId(value);
              setOutcome(null);
            }}
          />
          <SelectField
            id="pg-task"
            label="Task"
            value={task}
            disabled={busy}
            options={tasks.map((t) => ({ value: t, label: TASK_LABELS[t] }))}
            onChange={(value) => {
              setTask(value as PipelineTask);
              setOutcome(null);
            }}
          />
          <p className="muted small pg-model-facts">
            {checkpoint.architecture ?? 'NezhaModel'} · hidden {checkpoint.hiddenSize} ·{' '}
            {checkpoint.numLayers} layers · {formatBytes(checkpoint.sizeBytes)}
          </p>
        </div>

        <div className="pg-inputs">
          <TaskInputs
            task={task}
            inputs={inputs}
            disabled={busy}
            onChange={(patch) => setInputs((current) => ({ ...current, ...patch }))}
          />
        </div>

        <div className="pg-actions">
          <button
            className="button button-primary"
            disabled={busy || !('request' in built)}
            onClick={() => void run()}
            data-testid="playground-run"
          >
            {phase === 'loading' ? 'Loading…' : phase === 'running' ? 'Running…' : 'Run'}
          </button>
          {busy && (
            <button className="button" onClick={cancel} data-testid="playground-cancel">
              Cancel
            </button>
          )}
          {'problem' in built && <span className="muted">{built.problem}</span>}
          {phase === 'loading' && (
            <div className="pg-progress" data-testid="playground-load-progress">
              <progress max={1} value={loadFraction ?? undefined} aria-label={`Loading ${checkpoint.name}`} />
              <span className="muted small">
                Loading {checkpoint.name}
                {loadProgress && loadProgress.total
                  ? `: ${formatBytes(loadProgress.done)} of ${formatBytes(loadProgress.total)}, ${loadProgress.tensors ?? 0} tensors`
                  : '…'}
              </span>
            </div>
          )}
          {phase === 'running' && runProgress && runProgress.total !== null && runProgress.total > 1 && (
            <span className="muted small">
              {runProgress.done} / {runProgress.total} windows
            </span>
          )}
        </div>
        {error && (
          <p className="callout callout-error" role="alert" data-testid="playground-error">
            {error}
          </p>
        )}
      </section>

      {outcome && (
        <section className="panel pad pg-output" aria-label="Result" data-testid="playground-result">
          <p className="muted small" data-testid="playground-timing">
            {TASK_LABELS[outcome.response.result.task]} in {outcome.response.ms.toFixed(1)} ms on{' '}
            {outcome.response.backend.toUpperCase()} · model loaded in {outcome.model.loadMs.toFixed(0)} ms (
            {outcome.model.tensorCount} tensors, {formatBytes(outcome.model.weightBytes)})
            {outcome.model.missingKeys.length > 0 &&
              ` · ${outcome.model.missingKeys.length} head weights missing from the checkpoint were initialised randomly`}
          </p>
          <PipelineResultView
            result={outcome.response.result}
            inputs={outcome.inputs}
            regression={outcome.model.labels.length === 1}
          />
        </section>
      )}
      {outcome?.inspected && (
        <details className="panel pad pg-output" data-testid="playground-inspector">
          <summary>
            Tokens and attention ({outcome.inspected.tokens.length} tokens,{' '}
            {outcome.inspected.attentions.length} layers)
          </summary>
          <AttentionInspector inspected={outcome.inspected} />
        </details>
      )}
    </div>
  );
}
