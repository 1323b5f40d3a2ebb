/**
 * Starting a tfjs backend in Node for the CLI commands (eval, infer, train): one place for the wasm
 * binaries' location and the failure message.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from './command';

/**
 * Starts the cpu or wasm backend in Node (wasm reads its binaries from the package folder). `command`
 * names the CLI command in the error when the backend does not start.
 */
export async function startNodeBackend(name: string, command: string): Promise<void> {
  // PROD silences tfjs's console banner ("install tfjs-node"), which would mix into the CLI's output.
  tf.env().set('PROD', true);
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the WASM backend reads its .wasm binaries from disk: point it at the package's dist folder.
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(name)))
    throw new CliError(`${command}: the tfjs ${name} backend failed to start`);
  await tf.ready();
}
