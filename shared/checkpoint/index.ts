/** Checkpoint reading and writing over bytes: the public entry points. */
export type { StateDict, TensorRecord } from './types';
export { CheckpointError } from './errors';
export type { CheckpointSource, RangeReader } from './source';
export { memoryCheckpointSource, bytesRangeReader, sourceRangeReader } from './source';
export {
  readSafetensors,
  readSafetensorsWithMetadata,
  safetensorsHeaderLength,
  parseSafetensorsHeader,
  decodeSafetensorsTensor,
  writeSafetensors,
  planSafetensors,
  encodeTensorData,
  MAX_SAFETENSORS_HEADER_BYTES,
} from './safetensors';
export type { SafetensorsHeader, SafetensorsTensorInfo, SafetensorsPlan } from './safetensors';
export { readPytorchBin, streamPytorchBin, readPytorchBinIndex, inspectPytorchBin } from './pytorchBin';
export {
  loadCheckpointFolder,
  streamCheckpointFolder,
  inspectCheckpointFolder,
  parseJsonFile,
} from './folder';
export type {
  CheckpointFormat,
  LoadedCheckpoint,
  InspectedCheckpoint,
  LoadProgress,
  TensorInfo,
  StreamedCheckpoint,
  CheckpointTensorSink,
} from './folder';
export { writeHfFolder, dropTiedAliases, configJsonText } from './hfFolder';
export type { HfFolderInput } from './hfFolder';
export { writePytorchBin, planTorchSave, torchStateDictPickle, TorchZipWriter, crc32 } from './torchSave';
export type { TorchSaveTensor } from './torchSave';
