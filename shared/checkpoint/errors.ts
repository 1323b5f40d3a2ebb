/**
 * The one error type every checkpoint reader throws. `file` names the checkpoint file (as the
 * caller named it, e.g. "model.safetensors" or "pytorch_model.bin") and the message is a single
 * line that starts with that file name, says what is wrong and, where it helps, what to do.
 */
export class CheckpointError extends Error {
  readonly file: string;

  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'CheckpointError';
    this.file = file;
  }
}

/** Formats a byte count for messages: "2,871,632 bytes". */
export function formatBytes(count: number | bigint): string {
  return `${count.toLocaleString('en-US')} bytes`;
}
