/**
 * The models the inference worker holds, keyed by checkpoint id. A load streams the checkpoint
 * tensor by tensor (shared/checkpoint's streamCheckpointFolder) and uploads each one to the active
 * tfjs backend as it arrives, so the decoded CPU copy can be collected right away: the whole file
 * and all tensors are never held twice. Unloading disposes every tensor the load created, which
 * puts tf.memory() back where it was before the load.
 *
 * Memory: each view holds a reference to the model it uses now (`holder`, one model per holder: the
 * latest `load` or `acquire` of that holder wins, even while the older one is still loading). A model no
 * holder references stays loaded (switching back is instant) until the tensors on the backend pass the
 * memory budget (tf.memory().numBytes); then unreferenced models are unloaded, least recently used first.
 * A referenced model, one still loading, or one a run is using is never evicted.
 *
 * Runs wherever tfjs runs: in the worker (WebGPU / WASM / CPU) and in Node tests (CPU).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  streamCheckpointFolder,
  type CheckpointSource,
  type TensorRecord,
} from '../../../../shared/checkpoint';
import { NezhaConfig, type JsonObject } from '../../../../shared/nezha/config';
import type { NezhaClassName, NezhaTaskModel, NezhaTaskOutput } from '../../../../shared/nezha/heads';
import { loadNezha } from '../../../../shared/nezha/weights';
import { tfjsModelRunner } from '../../../../shared/benchmark/tfjsRunner';
import {
  runFillMask,
  runMultipleChoice,
  runNextSentence,
  runQuestionAnswering,
  runTextClassification,
  runTokenClassificationScored,
  type BatchingOptions,
  type ModelOutputs,
  type ModelRunner,
} from '../../../../shared/pipelines';
import { BertTokenizer } from '../../../../shared/tokenizer';
import type {
  InspectRequest,
  InspectResponse,
  LoadedModelInfo,
  MemorySnapshot,
  PipelineRequest,
  PipelineResult,
  RawTensor,
  RunModelRequest,
  RunModelResponse,
} from '../common/protocol';
import { classForArchitecture, tasksForClass } from '../../../../shared/nezha/modelClasses';
import { TASK_LABELS, type PipelineTask } from '../../../../shared/nezha/tasks';

export interface LoadProgressEvent {
  bytesDone: number;
  bytesTotal: number;
  tensors: number;
  file: string;
}

export interface RegistryLoadOptions {
  name: string;
  /** The view that will use the model: it takes that holder's reference (see the file comment). */
  holder?: string;
  className?: NezhaClassName;
  onProgress?: (progress: LoadProgressEvent) => void;
  signal?: AbortSignal;
}

export interface LoadedModel {
  info: LoadedModelInfo;
  model: NezhaTaskModel;
  tokenizer: BertTokenizer;
}

/**
 * Bytes of tensors the registry lets models keep on the backend before it unloads unused ones: room for a
 * NEZHA-base model (~410 MB in float32) in each of the three views that load models, with headroom.
 */
export const defaultMemoryBudgetBytes = 1.5 * 1024 ** 3;

export interface RegistryOptions {
  memoryBudgetBytes?: number;
}

export function memorySnapshot(): MemorySnapshot {
  const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  const snapshot: MemorySnapshot = {
    numTensors: memory.numTensors,
    numDataBuffers: memory.numDataBuffers,
    numBytes: memory.numBytes,
  };
  if (typeof memory.numBytesInGPU === 'number') snapshot.numBytesInGPU = memory.numBytesInGPU;
  return snapshot;
}

const textDecoder = new TextDecoder('utf-8');

async function readJson(source: CheckpointSource, files: Set<string>, file: string): Promise<unknown> {
  if (!files.has(file)) return undefined;
  const text = textDecoder.decode(await source.read(file));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(
      `${source.name ? `${source.name}/` : ''}${file} is not valid JSON (${(error as Error).message}); fix or replace the file`,
      { cause: error },
    );
  }
}

/** BertTokenizer from the checkpoint's own vocab.txt / tokenizer_config.json / special_tokens_map.json. */
export async function loadTokenizer(source: CheckpointSource): Promise<BertTokenizer> {
  const files = new Set(await source.listFiles());
  if (!files.has('vocab.txt'))
    throw new Error(
      `${source.name ? `${source.name}/` : ''}vocab.txt is missing: NEZHA checkpoints need the vocab their tokenizer was trained with (copy it next to config.json and re-import)`,
    );
  const vocabText = textDecoder.decode(await source.read('vocab.txt'));
  return BertTokenizer.fromFiles({
    vocabText,
    tokenizerConfig: await readJson(source, files, 'tokenizer_config.json'),
    specialTokensMap: await readJson(source, files, 'special_tokens_map.json'),
  });
}

/** Output names each task reads, and where they come from in the head's output. */
function pickOutputs(
  task: PipelineTask,
  out: NezhaTaskOutput,
): Partial<Record<keyof ModelOutputs, tf.Tensor>> {
  switch (task) {
    case 'fill-mask':
      return { logits: out.logits ?? out.predictionLogits };
    case 'next-sentence':
      return { logits: out.logits ?? out.seqRelationshipLogits };
    case 'question-answering':
      return { startLogits: out.startLogits, endLogits: out.endLogits };
    default:
      return { logits: out.logits };
  }
}

async function download(tensor: tf.Tensor): Promise<RawTensor> {
  // data() rather than dataSync(): on WebGPU the read is asynchronous and must not block.
  const data = (await tensor.data()) as Float32Array;
  return { shape: [...tensor.shape], data };
}

/** The shared runner, handing on the outputs `task` reads. */
export function taskModelRunner(model: NezhaTaskModel, task: PipelineTask): ModelRunner {
  return tfjsModelRunner(model, (out) => pickOutputs(task, out));
}

/**
 * WebGPU's backend keeps a new tensor's values on the CPU until a kernel first reads it; copy them
 * to the GPU now so the decoded array can be collected during the load, not after the first run.
 * (uploadToGPU is the backend's own method for that; other backends copy or keep in write().)
 */
function uploadNow(tensor: tf.Tensor): void {
  const backend = tf.backend() as unknown as { uploadToGPU?: (dataId: object) => void };
  if (typeof backend.uploadToGPU === 'function') backend.uploadToGPU(tensor.dataId);
}

export class ModelRegistry {
  private readonly models = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<LoadedModelInfo>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** holder (a view) → the checkpoint id it uses now. */
  private readonly holders = new Map<string, string>();
  /** Model id → runs using it now (never evicted meanwhile). */
  private readonly busy = new Map<string, number>();
  /** Model id → when it was last loaded or used (a counter, so ties cannot happen). */
  private readonly lastUsed = new Map<string, number>();
  private clock = 0;
  private budgetBytes: number;

  constructor(options: RegistryOptions = {}) {
    this.budgetBytes = options.memoryBudgetBytes ?? defaultMemoryBudgetBytes;
  }

  get memoryBudgetBytes(): number {
    return this.budgetBytes;
  }

  /** Changes the budget and evicts at once if the models now exceed it; returns the ids unloaded. */
  setMemoryBudget(bytes: number): string[] {
    if (!Number.isFinite(bytes) || bytes < 0)
      throw new Error(`Memory budget must be a non-negative number of bytes (got ${bytes}).`);
    this.budgetBytes = bytes;
    return this.evict();
  }

  /** holder → checkpoint id, for the `memory` method. */
  references(): Record<string, string> {
    return Object.fromEntries(this.holders);
  }

  /** `holder` now uses `id` (its previous model loses that reference); evicts under the budget. */
  acquire(holder: string, id: string): string[] {
    this.holders.set(holder, id);
    this.touch(id);
    return this.evict();
  }

  /** `holder` uses no model any more; returns the id it held (or null) and the ids evicted. */
  release(holder: string): { released: string | null; evicted: string[] } {
    const released = this.holders.get(holder) ?? null;
    this.holders.delete(holder);
    return { released, evicted: this.evict() };
  }

  private touch(id: string): void {
    this.lastUsed.set(id, ++this.clock);
  }

  private referenced(id: string): boolean {
    for (const held of this.holders.values()) if (held === id) return true;
    return false;
  }

  /**
   * Unloads unreferenced, idle models, least recently used first, while tf.memory().numBytes is over the
   * budget. Returns the ids unloaded.
   */
  evict(): string[] {
    const evicted: string[] = [];
    while (memorySnapshot().numBytes > this.budgetBytes) {
      const candidates = [...this.models.keys()].filter(
        (id) => !this.referenced(id) && !this.busy.has(id) && !this.loading.has(id),
      );
      if (candidates.length === 0) break;
      candidates.sort((a, b) => (this.lastUsed.get(a) ?? 0) - (this.lastUsed.get(b) ?? 0));
      this.unload(candidates[0]);
      evicted.push(candidates[0]);
    }
    return evicted;
  }

  /**
   * Marks `id` in use while `work` runs, so no eviction disposes its tensors meanwhile (the benchmark
   * runner drives a loaded model itself through this).
   */
  async using<T>(id: string, work: (model: Readonly<LoadedModel>) => Promise<T>): Promise<T> {
    const entry = this.get(id);
    this.busy.set(id, (this.busy.get(id) ?? 0) + 1);
    this.touch(id);
    try {
      return await work(entry);
    } finally {
      const left = (this.busy.get(id) ?? 1) - 1;
      if (left > 0) this.busy.set(id, left);
      else this.busy.delete(id);
      this.touch(id);
      this.evict();
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  /**
   * Resolves once every load, run, pipeline and inspection started so far has settled, so a
   * backend switch does not dispose tensors a forward pass is still using.
   */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  list(): LoadedModelInfo[] {
    return [...this.models.values()].map((m) => m.info);
  }

  has(id: string): boolean {
    return this.models.has(id);
  }

  /**
   * Loads `id` from `source` (again only if asked for another class). A second call while the
   * first is still loading waits for it.
   */
  load(id: string, source: CheckpointSource, options: RegistryLoadOptions): Promise<LoadedModelInfo> {
    // The holder's reference moves now, not when the load ends: a later pick of that view always wins.
    if (options.holder !== undefined) this.holders.set(options.holder, id);
    this.touch(id);
    const pending = this.loading.get(id);
    if (pending) {
      this.evict(); // the holder may have let go of another model
      return pending;
    }
    const existing = this.models.get(id);
    if (existing && (!options.className || options.className === existing.info.className)) {
      this.evict();
      return Promise.resolve(existing.info);
    }
    const run = (async () => {
      if (existing) this.unload(id);
      return this.loadFresh(id, source, options);
    })();
    this.loading.set(id, this.track(run));
    const settle = () => {
      this.loading.delete(id);
      this.touch(id);
      // Room for what just arrived: older unused models go first (this one only if nobody holds it any more).
      this.evict();
    };
    run.then(settle, settle);
    return run;
  }

  private async loadFresh(
    id: string,
    source: CheckpointSource,
    options: RegistryLoadOptions,
  ): Promise<LoadedModelInfo> {
    const started = performance.now();
    const memoryBefore = memorySnapshot();
    // Each tensor goes to the backend as soon as it is decoded; only these handles are kept.
    const uploaded = new Map<string, TensorRecord | tf.Tensor>();
    let tensors = 0;
    let bytesTotal = 0;
    let model: NezhaTaskModel | null = null;
    try {
      const tokenizer = await loadTokenizer(source);
      options.signal?.throwIfAborted();
      const streamed = await streamCheckpointFolder(
        source,
        (name, record) => {
          options.signal?.throwIfAborted();
          if (record.data instanceof Float32Array) {
            const tensor = tf.tensor(record.data, record.shape, 'float32');
            uploadNow(tensor);
            uploaded.set(name, tensor);
          } else uploaded.set(name, record); // integer buffers: loadNezha reports them as unexpected
          tensors++;
        },
        {
          signal: options.signal,
          onProgress: (p) => {
            bytesTotal = p.bytesTotal;
            options.onProgress?.({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, tensors, file: p.file });
          },
        },
      );
      const config = new NezhaConfig(streamed.config as JsonObject);
      const className = options.className ?? classForArchitecture(config.architectures?.[0]);
      const loaded = loadNezha(className, config, uploaded);
      model = loaded.model;
      const labels = [...config.id2label.entries()].sort((a, b) => a[0] - b[0]).map(([, label]) => label);
      const info: LoadedModelInfo = {
        id,
        name: options.name,
        className: model.className,
        tasks: [...tasksForClass(model.className)],
        labels,
        hiddenSize: config.hiddenSize,
        numLayers: config.numHiddenLayers,
        numHeads: config.numAttentionHeads,
        missingKeys: loaded.missingKeys,
        unexpectedKeys: loaded.unexpectedKeys,
        tensorCount: streamed.tensorCount,
        weightBytes: bytesTotal,
        loadMs: performance.now() - started,
        backend: tf.getBackend(),
        memoryBefore,
      };
      this.models.set(id, { info, model, tokenizer });
      return info;
    } catch (error) {
      model?.dispose();
      throw error;
    } finally {
      // Tensors the model did not take (unexpected keys, tied aliases, or all of them after an error).
      for (const value of uploaded.values())
        if (value instanceof tf.Tensor && !value.isDisposed) value.dispose();
      uploaded.clear();
    }
  }

  /** Disposes the model's tensors. Returns false when `id` was not loaded. */
  unload(id: string): boolean {
    const entry = this.models.get(id);
    if (!entry) return false;
    this.models.delete(id);
    this.lastUsed.delete(id);
    entry.model.dispose();
    return true;
  }

  /** Every model goes (a backend switch); the holders keep their references, to load again on demand. */
  unloadAll(): void {
    for (const id of [...this.models.keys()]) this.unload(id);
  }

  /** The loaded model, its tokenizer and info (the benchmark runner drives them itself). */
  loaded(id: string): Readonly<LoadedModel> {
    return this.get(id);
  }

  private get(id: string): LoadedModel {
    const entry = this.models.get(id);
    if (!entry) {
      const loaded = [...this.models.values()].map((m) => `"${m.info.name}"`);
      throw new Error(
        `Model "${id}" is not loaded in the inference worker (loaded: ${loaded.length ? loaded.join(', ') : 'none'}); load it first.`,
      );
    }
    return entry;
  }

  /** One forward pass on raw ids, every output downloaded. */
  run(request: RunModelRequest): Promise<RunModelResponse> {
    return this.track(this.using(request.id, () => this.runNow(request)));
  }

  private async runNow(request: RunModelRequest): Promise<RunModelResponse> {
    const { model } = this.get(request.id);
    const size = request.shape.reduce((a, b) => a * b, 1);
    for (const [field, values] of [
      ['inputIds', request.inputIds],
      ['attentionMask', request.attentionMask],
      ['tokenTypeIds', request.tokenTypeIds],
    ] as const) {
      if (values && values.length !== size)
        throw new Error(
          `run: ${field} has ${values.length} values but shape [${request.shape.join(', ')}] needs ${size}.`,
        );
    }
    const started = performance.now();
    const out = tf.tidy(() => {
      const output = model.forward(
        {
          inputIds: tf.tensor(request.inputIds, request.shape, 'int32'),
          attentionMask: request.attentionMask && tf.tensor(request.attentionMask, request.shape, 'int32'),
          tokenTypeIds: request.tokenTypeIds && tf.tensor(request.tokenTypeIds, request.shape, 'int32'),
        },
        { outputHiddenStates: request.outputHiddenStates, outputAttentions: request.outputAttentions },
      );
      return output as unknown as Record<string, tf.Tensor | tf.Tensor[]>;
    });
    try {
      const outputs: RunModelResponse['outputs'] = {};
      for (const [name, value] of Object.entries(out)) {
        if (value === undefined) continue;
        outputs[name] = Array.isArray(value)
          ? await Promise.all(value.map((t) => download(t)))
          : await download(value);
      }
      return { outputs, ms: performance.now() - started, backend: tf.getBackend() };
    } finally {
      tf.dispose(out as unknown as tf.TensorContainer);
    }
  }

  /** Tokenizes one text (or pair) with the model's own tokenizer and returns every layer's attention. */
  inspect(request: InspectRequest): Promise<InspectResponse> {
    return this.track(this.using(request.id, () => this.inspectNow(request)));
  }

  private async inspectNow(request: InspectRequest): Promise<InspectResponse> {
    const { tokenizer } = this.get(request.id);
    const maxLength = request.maxLength ?? 64;
    const pair = request.pair ?? null;
    const encoding = tokenizer.encode(request.text, pair, { truncation: 'longest_first', maxLength });
    const untruncated = tokenizer.encode(request.text, pair).inputIds.length;
    const response = await this.run({
      id: request.id,
      shape: [1, encoding.inputIds.length],
      inputIds: Int32Array.from(encoding.inputIds),
      attentionMask: Int32Array.from(encoding.attentionMask),
      tokenTypeIds: Int32Array.from(encoding.tokenTypeIds),
      outputAttentions: true,
    });
    return {
      tokens: encoding.tokens,
      offsets: encoding.offsets.map((span) => (span ? [span[0], span[1]] : null)),
      sequenceIds: encoding.sequenceIds,
      truncated: untruncated > encoding.inputIds.length,
      attentions: (response.outputs.attentions as RawTensor[] | undefined) ?? [],
      ms: response.ms,
    };
  }

  /** Runs a pipeline on a loaded model with its own tokenizer and labels. */
  runPipeline(id: string, request: PipelineRequest, batching: BatchingOptions = {}): Promise<PipelineResult> {
    return this.track(this.using(id, () => this.runPipelineNow(id, request, batching)));
  }

  private async runPipelineNow(
    id: string,
    request: PipelineRequest,
    batching: BatchingOptions,
  ): Promise<PipelineResult> {
    const { model, tokenizer, info } = this.get(id);
    if (!info.tasks.includes(request.task)) {
      throw new Error(
        `"${info.name}" is a ${info.className}, which cannot run ${TASK_LABELS[request.task]}${info.tasks.length ? ` (it can run: ${info.tasks.map((t) => TASK_LABELS[t]).join(', ')})` : ' (a bare encoder has no task head)'}.`,
      );
    }
    const runner = taskModelRunner(model, request.task);
    const problemType = model.config.problemType;
    switch (request.task) {
      case 'token-classification': {
        const scored = await runTokenClassificationScored(tokenizer, runner, request.texts, {
          ...batching,
          id2label: info.labels,
          aggregation: request.aggregation ?? 'simple',
        });
        return {
          task: request.task,
          entities: scored.map((r) => r.entities),
          uncertainty: scored.map((r) => r.uncertainty),
        };
      }
      case 'text-classification':
        return {
          task: request.task,
          labels: await runTextClassification(tokenizer, runner, request.inputs, {
            ...batching,
            id2label: info.labels,
            problemType,
          }),
        };
      case 'question-answering':
        return {
          task: request.task,
          answers: await runQuestionAnswering(tokenizer, runner, request.examples, {
            ...batching,
            topK: request.topK,
          }),
        };
      case 'fill-mask':
        return {
          task: request.task,
          fills: await runFillMask(tokenizer, runner, request.texts, { ...batching, topK: request.topK }),
        };
      case 'multiple-choice':
        return {
          task: request.task,
          choices: await runMultipleChoice(tokenizer, runner, request.examples, batching),
        };
      case 'next-sentence':
        return {
          task: request.task,
          pairs: await runNextSentence(tokenizer, runner, request.pairs, batching),
        };
    }
  }
}
