/**
 * The inference worker's model methods: load a checkpoint's weights onto the backend, run the raw model or
 * a shared/pipelines pipeline, inspect attention, unload, and cancel a load or run in flight.
 */
import type { NezhaClassName } from '../../../../../shared/nezha/modelClasses';
import type {
  AggregationStrategy,
  Answer,
  Entity,
  FillMaskResult,
  LabelScore,
  MultipleChoiceExample,
  MultipleChoiceResult,
} from '../../../../../shared/pipelines';
import type { TextInput } from '../../../../../shared/tokenizer';
import type { PipelineTask } from '../../../../../shared/nezha/tasks';
import type { CheckpointFileUrl } from './core';

export interface LoadModelRequest {
  /** The checkpoint id: models are keyed by it, several may be loaded at once. */
  id: string;
  name: string;
  files: CheckpointFileUrl[];
  /** The class to build; default from config.json `architectures`. */
  className?: NezhaClassName;
  /** Pass the same id to `cancel` to stop the load. */
  jobId?: string;
  /**
   * The view that will use the model ("annotate", "playground", "benchmark"): it takes that holder's one
   * reference at once (a later load by the same holder supersedes this one, even mid-load). Models no holder
   * references are unloaded, least recently used first, once tf.memory() passes the budget.
   */
  holder?: string;
}

/** tf.memory(), as plain numbers (WebGPU adds GPU byte counts). */
export interface MemorySnapshot {
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  numBytesInGPU?: number;
}

export interface MemoryReport {
  memory: MemorySnapshot;
  models: LoadedModelInfo[];
  /** Bytes of tensors kept before unused models are unloaded. */
  budgetBytes: number;
  /** holder → checkpoint id it uses now. */
  holders: Record<string, string>;
}

export interface LoadedModelInfo {
  id: string;
  name: string;
  className: NezhaClassName;
  tasks: PipelineTask[];
  /** id2label in index order (from config.json). */
  labels: string[];
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Head parameters the checkpoint lacked (initialised randomly, as HF does) and keys it did not use. */
  missingKeys: string[];
  unexpectedKeys: string[];
  tensorCount: number;
  weightBytes: number;
  loadMs: number;
  backend: string;
  /** tf.memory() just before the load started: unload brings it back there. */
  memoryBefore: MemorySnapshot;
}

/** A forward pass on raw ids: every output the class returns, as flat float32 data. */
export interface RunModelRequest {
  id: string;
  /** [batch, seq] or, for multiple choice, [batch, choices, seq]. */
  shape: number[];
  inputIds: Int32Array;
  attentionMask?: Int32Array;
  tokenTypeIds?: Int32Array;
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
}

export interface RawTensor {
  shape: number[];
  data: Float32Array;
}

export interface RunModelResponse {
  /** camelCase NezhaTaskOutput fields (lastHiddenState, logits, ...); hiddenStates and attentions are lists. */
  outputs: Record<string, RawTensor | RawTensor[]>;
  ms: number;
  backend: string;
}

/** Each pipeline's inputs, keyed by the vocabulary's pipeline names (a new PipelineTask needs an entry). */
interface PipelineInputs {
  'token-classification': { texts: string[]; aggregation?: AggregationStrategy };
  'text-classification': { inputs: TextInput[] };
  'question-answering': { examples: { question: string; context: string }[]; topK?: number };
  'fill-mask': { texts: string[]; topK?: number };
  'multiple-choice': { examples: MultipleChoiceExample[] };
  'next-sentence': { pairs: [string, string][] };
}

/** Each pipeline's outputs, keyed the same way. */
interface PipelineOutputs {
  /** `uncertainty`: per text, 1 - the lowest token confidence (shared/pipelines tokenUncertainty). */
  'token-classification': { entities: Entity[][]; uncertainty?: number[] };
  'text-classification': { labels: LabelScore[][] };
  'question-answering': { answers: Answer[][] };
  'fill-mask': { fills: FillMaskResult[] };
  'multiple-choice': { choices: MultipleChoiceResult[] };
  'next-sentence': { pairs: { isNextProbability: number }[] };
}

export type PipelineRequest = { [T in PipelineTask]: { task: T } & PipelineInputs[T] }[PipelineTask];

export type PipelineResult = { [T in PipelineTask]: { task: T } & PipelineOutputs[T] }[PipelineTask];

export interface RunPipelineRequest {
  id: string;
  request: PipelineRequest;
  /** Pass the same id to `cancel` to stop between batches. */
  jobId?: string;
  maxBatchSize?: number;
}

export interface RunPipelineResponse {
  result: PipelineResult;
  /** Wall time in the worker (tokenizing, model calls and decoding). */
  ms: number;
  backend: string;
}

/** A text's tokens and the model's attention between them, for the Playground's inspector. */
export interface InspectRequest {
  id: string;
  text: string;
  pair?: string | null;
  /** Longest encoding in tokens (longer texts are truncated); default 64. */
  maxLength?: number;
}

export interface InspectResponse {
  tokens: string[];
  /** UTF-16 span of each token in its own text; null for added special tokens. */
  offsets: ([number, number] | null)[];
  /** 0 = first text, 1 = pair, null = added special token. */
  sequenceIds: (0 | 1 | null)[];
  truncated: boolean;
  /** One tensor per layer, [1, heads, tokens, tokens]. */
  attentions: RawTensor[];
  ms: number;
}

export interface ModelWorkerMethods {
  /** Stream a checkpoint's weights onto the backend (progress: weight bytes and tensors). */
  load: { request: LoadModelRequest; response: LoadedModelInfo };
  /** Dispose a model's tensors; false when it was not loaded. */
  unload: { request: { id: string }; response: { unloaded: boolean; memory: MemorySnapshot } };
  /** The models loaded now, tf.memory(), the budget and which holder references which model. */
  memory: { request: Record<string, never>; response: MemoryReport };
  /** The holder (a view) uses no model any more; unused models over the budget are unloaded. */
  release: {
    request: { holder: string };
    response: { released: string | null; evicted: string[]; memory: MemorySnapshot };
  };
  /** Set the memory budget (bytes of tensors on the backend); unloads unused models over it at once. */
  setMemoryBudget: {
    request: { bytes: number };
    response: { budgetBytes: number; evicted: string[]; memory: MemorySnapshot };
  };
  /** One forward pass on raw ids (tests, benchmarks, debugging). */
  run: { request: RunModelRequest; response: RunModelResponse };
  /** A shared/pipelines pipeline on a loaded model (progress: rows done). */
  runPipeline: { request: RunPipelineRequest; response: RunPipelineResponse };
  /** Tokens with their spans and every layer's attention probabilities for one text (or pair). */
  inspect: { request: InspectRequest; response: InspectResponse };
  /** Stop a load or pipeline run started with this jobId; false when none is running. */
  cancel: { request: { jobId: string }; response: { cancelled: boolean } };
}
