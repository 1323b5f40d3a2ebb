/** Writes an exported benchmark report where the person chose, atomically (temp file in the folder + rename). */
import { isAbsolute } from 'node:path';
import { writeFileAtomically } from './atomicWrite';
import { ServiceError } from './errors';

export async function saveReportFile(
  path: string,
  content: string,
): Promise<{ path: string; bytes: number }> {
  if (!isAbsolute(path)) {
    throw new ServiceError(
      'bad-request',
      `Report path "${path}" is not absolute; choose a full path such as /home/me/report.md.`,
    );
  }
  const bytes = Buffer.from(content, 'utf8');
  try {
    await writeFileAtomically(path, bytes);
  } catch (error) {
    throw new ServiceError(
      'failed',
      `Could not write the report to ${path}: ${(error as Error).message}; check that the folder exists and is writable.`,
    );
  }
  return { path, bytes: bytes.byteLength };
}
