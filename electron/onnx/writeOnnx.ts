/**
 * Writing an export to disk: the model file, and its external data file next to it when the weights went
 * there. Each file is written to a temporary name and renamed, so a failed export leaves no half file.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { OnnxExport } from '../../shared/onnx';

async function writeChunks(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    const handle = await open(temporary, 'w');
    try {
      for (const chunk of chunks) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The external data file's path for a model path (ONNX resolves it relative to the model's folder). */
export function externalDataPath(modelPath: string, exported: OnnxExport): string | null {
  return exported.externalData === null ? null : join(dirname(modelPath), exported.externalData.name);
}

/** Writes the model (and its external data) at `modelPath`; returns the paths written. */
export async function writeOnnxExport(exported: OnnxExport, modelPath: string): Promise<string[]> {
  const written: string[] = [];
  const dataPath = externalDataPath(modelPath, exported);
  if (dataPath !== null) {
    await writeChunks(dataPath, exported.externalData!.chunks);
    written.push(dataPath);
  }
  await writeChunks(modelPath, [exported.model]);
  written.push(modelPath);
  return written;
}
