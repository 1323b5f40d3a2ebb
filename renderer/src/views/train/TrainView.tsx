/**
 * The Train view: pick a checkpoint, a dataset and a task, set the training settings (HF Trainer defaults
 * shown), start, and watch the loss and dev-metric curves, throughput and ETA live; pause, cancel, and
 * resume a saved run (also after a restart). The result lands in the checkpoint library.
 */
import { useEffect, useMemo, useState } from 'react';
import type { BenchmarkRunSummary, TrainingRunRecord } from '../../../../shared/ipc';
import type { TrainingSettings, TrainingTask } from '../../../../shared/training';
import { LibraryStore } from '../../state/library';
import { useRouter } from '../../state/router';
import { useRuntime } from '../../state/runtime';
import { useServices } from '../../state/services';
import { backendLabel } from '../../inference/common/backendSelection';
import { DevChart, LossChart } from './TrainCharts';
import { datasetFits, TASK_OPTIONS } from './trainingData';
import { benchmarkGoldIds, trainingDatasetChoice } from './trainingDataset';
import { DEFAULT_RUN_OPTIONS, defaultSettings, TrainStore, type RunOptions } from './trainStore';
import './train.css';
import { SelectField } from '../../components/SelectField';

type NumberKey = {
  [K in keyof TrainingSettings]: TrainingSettings[K] extends number ? K : never;
}[keyof TrainingSettings];

const SETTING_FIELDS: { key: NumberKey; label: string; step: string; hint?: string }[] = [
  { key: 'learningRate', label: 'Learning rate', step: 'any', hint: '5e-5 (base), 2e-5 (large)' },
  { key: 'epochs', label: 'Epochs', step: '1' },
  { key: 'maxSteps', label: 'Max steps (0 = epochs)', step: '1' },
  { key: 'batchSize', label: 'Batch size', step: '1', hint: '16 or 32' },
  { key: 'gradientAccumulationSteps', label: 'Gradient accumulation', step: '1' },
  { key: 'warmupRatio', label: 'Warmup ratio', step: 'any' },
  { key: 'weightDecay', label: 'Weight decay', step: 'any' },
  { key: 'maxGradNorm', label: 'Max grad norm', step: 'any' },
  { key: 'seed', label: 'Seed', step: '1' },
  { key: 'evalEverySteps', label: 'Evaluate every N steps (0 = epoch)', step: '1' },
  { key: 'earlyStoppingPatience', label: 'Early-stopping patience (0 = off)', step: '1' },
];

const OPTION_FIELDS: { key: Exclude<keyof RunOptions, 'withNextSentence'>; label: string; step: string }[] = [
  { key: 'maxLength', label: 'Max sequence length', step: '1' },
  { key: 'devFraction', label: 'Dev fraction', step: 'any' },
  { key: 'saveEverySteps', label: 'Save state every N steps', step: '1' },
];

/** One numeric setting: label, input (id train-<key>), its hint as the tooltip. */
function NumberField(props: {
  field: { key: string; label: string; step: string; hint?: string };
  value: number;
  disabled: boolean;
  onChange(value: number): void;
}) {
  const { field } = props;
  return (
    <div className="field">
      <label htmlFor={`train-${field.key}`}>{field.label}</label>
      <input
        id={`train-${field.key}`}
        className="input"
        type="number"
        step={field.step}
        min={0}
        value={props.value}
        title={field.hint}
        disabled={props.disabled}
        onChange={(e) => props.onChange(Number(e.target.value))}
      />
    </div>
  );
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function TrainView() {
  const { api } = useServices();
  const navigate = useRouter((s) => s.navigate);
  const { checkpoints, datasets, refreshCheckpoints, refreshDatasets } = LibraryStore.use();
  const backend = useRuntime((s) => s.backend);
  // The whole run's state: the view shows nearly all of it, and it changes together.
  const train = TrainStore.use();
  const [runs, setRuns] = useState<TrainingRunRecord[]>([]);
  const [task, setTask] = useState<TrainingTask>('token-classification');
  const [checkpointId, setCheckpointId] = useState('');
  const [datasetId, setDatasetId] = useState('');
  const [settings, setSettings] = useState<TrainingSettings>(defaultSettings('token-classification'));
  const [options, setOptions] = useState<RunOptions>(DEFAULT_RUN_OPTIONS);
  const [name, setName] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  const [benchmarkRuns, setBenchmarkRuns] = useState<BenchmarkRunSummary[]>([]);
  useEffect(() => {
    api.benchmarks
      .list({})
      .then(setBenchmarkRuns)
      .catch(() => undefined);
  }, [api]);

  const refreshRuns = () =>
    api.trainingRuns
      .list()
      .then(setRuns)
      .catch(() => undefined);
  useEffect(() => {
    void refreshCheckpoints();
    void refreshDatasets();
    void refreshRuns();
  }, [api]);
  useEffect(() => {
    if (['training', 'paused', 'finished', 'cancelled', 'failed'].includes(train.phase)) {
      void refreshRuns();
      if (train.phase === 'finished') void refreshCheckpoints();
    }
  }, [train.phase]);

  const fitting = useMemo(() => datasets.filter((d) => datasetFits(task, d)), [datasets, task]);
  const checkpoint = checkpoints.find((c) => c.id === checkpointId) ?? checkpoints[0];
  const goldIds = useMemo(() => benchmarkGoldIds(datasets, benchmarkRuns), [datasets, benchmarkRuns]);
  // Never a benchmark's gold set by default: the person picks one on purpose (trainingDataset.ts).
  const dataset = trainingDatasetChoice(fitting, datasetId, goldIds);
  const busy = ['preparing', 'training', 'pausing', 'cancelling', 'saving'].includes(train.phase);
  const defaultName = checkpoint && dataset ? `${checkpoint.name} · ${dataset.name} (${task})` : '';

  const start = () => {
    setFormError(null);
    if (!checkpoint) return setFormError('Import a checkpoint first (Checkpoints view).');
    if (!dataset && fitting.length > 0)
      return setFormError(
        'Pick a dataset: every dataset that fits this task is a benchmark’s gold set, so none is chosen for you.',
      );
    if (!dataset)
      return setFormError(
        `No dataset fits ${task}: import one as ${TASK_OPTIONS.find((t) => t.task === task)?.datasetTask} in the Datasets view.`,
      );
    for (const field of SETTING_FIELDS) {
      const value = settings[field.key];
      if (!Number.isFinite(value) || value < 0) return setFormError(`${field.label} must be a number ≥ 0.`);
    }
    if (settings.batchSize < 1 || settings.gradientAccumulationSteps < 1)
      return setFormError('Batch size and gradient accumulation must be at least 1.');
    if (options.maxLength < 8 || options.devFraction < 0 || options.devFraction >= 1)
      return setFormError('Max sequence length must be at least 8 and the dev fraction in [0, 1).');
    void train.start({
      id: `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      name: name.trim() || defaultName,
      checkpoint,
      dataset,
      settings: { ...settings, task },
      options,
    });
  };

  const latest = train.latest;
  const total = latest?.totalSteps ?? 0;

  return (
    <div className="view" data-testid="view-train">
      <header className="view-header">
        <div>
          <h1>Train</h1>
          <p className="muted">
            Fine-tune a NEZHA head on a dataset, or continue MLM pretraining with whole word masking, in the
            inference worker on {backend ? backendLabel(backend) : 'the backend it picks'}.
          </p>
        </div>
      </header>

      <section className="panel pad train-form" aria-label="Training settings">
        <div className="train-row">
          <SelectField
            id="train-checkpoint"
            label="Checkpoint"
            value={checkpoint?.id ?? ''}
            disabled={busy}
            options={checkpoints.map((c) => ({ value: c.id, label: c.name }))}
            onChange={setCheckpointId}
          />
          <SelectField
            id="train-task"
            label="Task"
            value={task}
            disabled={busy}
            options={TASK_OPTIONS.map((t) => ({ value: t.task, label: t.label }))}
            onChange={(value) => {
              const next = value as TrainingTask;
              setTask(next);
              setSettings((s) => ({ ...s, task: next }));
            }}
          />
          <SelectField
            id="train-dataset"
            label="Dataset"
            value={dataset?.id ?? ''}
            disabled={busy}
            options={[
              ...(dataset || fitting.length === 0
                ? []
                : [{ value: '', label: 'Pick a dataset (the others are benchmark gold)' }]),
              ...fitting.map((d) => ({
                value: d.id,
                label: `${d.name} (${d.exampleCount})${goldIds.has(d.id) ? ' · benchmark gold' : ''}`,
              })),
            ]}
            onChange={setDatasetId}
          />
          <div className="field grow">
            <label htmlFor="train-name">Result name</label>
            <input
              id="train-name"
              className="input"
              value={name}
              placeholder={defaultName}
              disabled={busy}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
        </div>

        <div className="train-settings">
          {SETTING_FIELDS.map((field) => (
            <NumberField
              key={field.key}
              field={field}
              value={settings[field.key]}
              disabled={busy}
              onChange={(value) => setSettings((s) => ({ ...s, [field.key]: value }))}
            />
          ))}
          <div className="field">
            <label htmlFor="train-optimizer">Optimizer</label>
            <select
              id="train-optimizer"
              className="select"
              value={settings.optimizer}
              disabled={busy}
              onChange={(e) => setSettings((s) => ({ ...s, optimizer: e.target.value as 'adamw' | 'lamb' }))}
            >
              <option value="adamw">AdamW</option>
              <option value="lamb">LAMB</option>
            </select>
          </div>
          {OPTION_FIELDS.map((field) => (
            <NumberField
              key={field.key}
              field={field}
              value={options[field.key]}
              disabled={busy}
              onChange={(value) => setOptions((o) => ({ ...o, [field.key]: value }))}
            />
          ))}
          <label className="train-check">
            <input
              type="checkbox"
              checked={settings.mixedPrecision}
              disabled={busy}
              onChange={(e) => setSettings((s) => ({ ...s, mixedPrecision: e.target.checked }))}
            />
            Mixed precision (fp16)
          </label>
          {task === 'masked-lm' && (
            <label className="train-check">
              <input
                type="checkbox"
                checked={options.withNextSentence}
                disabled={busy}
                onChange={(e) => setOptions((o) => ({ ...o, withNextSentence: e.target.checked }))}
              />
              Next-sentence pairs (NSP)
            </label>
          )}
        </div>

        <div className="train-actions">
          <button
            className="button button-primary"
            disabled={busy || !checkpoint}
            onClick={start}
            data-testid="train-start"
          >
            Start training
          </button>
          {busy && (
            <>
              <button
                className="button"
                onClick={() => void train.stop('pause')}
                disabled={train.phase !== 'training'}
                data-testid="train-pause"
              >
                Pause
              </button>
              <button
                className="button button-danger"
                onClick={() => void train.stop('cancel')}
                disabled={train.phase !== 'training'}
                data-testid="train-cancel"
              >
                Cancel
              </button>
            </>
          )}
          {formError && <p className="field-error">{formError}</p>}
        </div>
      </section>

      {train.run && (
        <section className="panel pad train-live" aria-label="Training progress" data-testid="train-live">
          <div className="train-live-head">
            <strong>{train.run.name}</strong>
            <span className={`badge train-phase-${train.phase}`} data-testid="train-phase">
              {train.phase}
            </span>
          </div>
          <progress max={Math.max(total, 1)} value={latest?.step ?? 0} aria-label="Training steps" />
          <dl className="train-stats">
            <div>
              <dt>Step</dt>
              <dd data-testid="train-step">
                {latest?.step ?? train.lossHistory.at(-1)?.step ?? 0} / {total || '–'}
              </dd>
            </div>
            <div>
              <dt>Epoch</dt>
              <dd>{latest?.epoch ?? 0}</dd>
            </div>
            <div>
              <dt>Loss</dt>
              <dd data-testid="train-loss">{latest ? latest.loss.toFixed(4) : '–'}</dd>
            </div>
            <div>
              <dt>Learning rate</dt>
              <dd>{latest ? latest.learningRate.toExponential(2) : '–'}</dd>
            </div>
            <div>
              <dt>Throughput</dt>
              <dd>{latest ? `${latest.examplesPerSecond.toFixed(1)} examples/s` : '–'}</dd>
            </div>
            <div>
              <dt>ETA</dt>
              <dd>{latest ? formatEta(latest.etaSeconds) : '–'}</dd>
            </div>
            <div>
              <dt>State saved at step</dt>
              <dd data-testid="train-saved-step">{train.savedStep ?? '–'}</dd>
            </div>
          </dl>
          {train.job && (
            <p className="muted small" data-testid="train-job">
              {train.job.trainRecords} train / {train.job.devRecords} dev records · {train.job.className} ·
              labels {train.job.labels.join(', ') || '–'} · {train.job.backend}
              {train.job.missingKeys.length > 0 && ` · new head: ${train.job.missingKeys.join(', ')}`}
            </p>
          )}
          {latest && (
            <p className="muted small" data-testid="train-precision">
              {latest.precision.note}
            </p>
          )}
          {train.message && (
            <p className="train-message" data-testid="train-message">
              {train.message}
            </p>
          )}
          {train.error && (
            <p className="callout callout-error" role="alert" data-testid="train-error">
              {train.error}
            </p>
          )}
          {train.result && (
            <button className="button" onClick={() => navigate('checkpoints', train.result!.id)}>
              Open “{train.result.name}” in Checkpoints
            </button>
          )}
          <div className="train-charts">
            <LossChart points={train.lossHistory} />
            <DevChart points={train.devHistory} />
          </div>
        </section>
      )}

      <section className="panel pad train-runs" aria-label="Saved runs">
        <h2 className="train-h2">Saved runs</h2>
        {runs.length === 0 ? (
          <p className="muted small">
            No runs yet. A run is saved when it starts, every few steps and when paused.
          </p>
        ) : (
          <table className="table" data-testid="train-runs">
            <thead>
              <tr>
                <th>Name</th>
                <th>Task</th>
                <th>Status</th>
                <th className="num">Steps</th>
                <th className="num">State at</th>
                <th>Last dev</th>
                <th className="actions" />
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => {
                const lastDev = run.devHistory.at(-1);
                const live = train.run?.id === run.id && busy;
                const resumable =
                  !live &&
                  run.resultCheckpointId === null &&
                  ['paused', 'running', 'failed'].includes(run.status);
                return (
                  <tr key={run.id} data-testid={`train-run-${run.id}`}>
                    <td>{run.name}</td>
                    <td>{run.task}</td>
                    <td>
                      {live ? 'running (this window)' : run.status === 'running' ? 'interrupted' : run.status}
                    </td>
                    <td className="num">
                      {run.step} / {run.totalSteps}
                    </td>
                    <td className="num">{run.stateStep ?? '–'}</td>
                    <td>
                      {lastDev
                        ? Object.entries(lastDev.metrics)
                            .slice(0, 3)
                            .map(([k, v]) => `${k} ${v.toFixed(3)}`)
                            .join(' · ')
                        : '–'}
                    </td>
                    <td className="actions">
                      {resumable && (
                        <button
                          className="button button-small"
                          disabled={busy}
                          onClick={() => void train.resume(run, checkpoints, datasets)}
                        >
                          {run.stateStep === null ? 'Restart' : 'Resume'}
                        </button>
                      )}
                      {!live && (
                        <button
                          className="button button-small"
                          onClick={() => void api.trainingRuns.remove({ runId: run.id }).then(refreshRuns)}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
