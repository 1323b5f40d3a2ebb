/**
 * Vitest setup: tfjs's console output off in tests. The cpu backend prints "Hi, looks like you are running
 * TensorFlow.js in Node.js ... install our node backend" on its first tensor whenever IS_NODE holds
 * (tfjs-backend-cpu backend_cpu.js, through tfjs-core's log.warn). log.warn is silent under PROD or IS_TEST;
 * IS_TEST also turns on the engine's per-kernel leak check, which flags customGrad scopes as leaks, so PROD:
 * in tfjs-core 4.22 nothing but log.js and environment.js reads it, i.e. it only gates those messages.
 * Tests that expect a backend to fail still see the failure in its return value or error.
 */
import { env } from '@tensorflow/tfjs-core';

env().set('PROD', true);
