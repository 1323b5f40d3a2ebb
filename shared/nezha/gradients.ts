/*
 * Side-effect module: registers tfjs-core's gradient functions, which its main entry does not, so
 * tf.grad / tf.variableGrads work on the NEZHA model, and prepares the engine for training
 * (leanBackprop.ts prepareTfjsTraining). Import it from training code:
 *
 *   import '<repo>/shared/nezha/gradients'; // relative to the importing file
 *
 * It is deliberately not re-exported from index.ts: inference never needs it, and plain Node ESM
 * (the tsx-run CLI) cannot load tfjs-core's per-file ESM build that it pulls in (extensionless
 * imports), whereas Vite/vitest bundles and the renderer worker can.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { prepareTfjsTraining } from './leanBackprop';

prepareTfjsTraining();

export const NEZHA_GRADIENTS_REGISTERED = true;
