/**
 * The layering rules of DESIGN.md are enforced by eslint.config.js. This test proves the rules still fire:
 * for each boundary it lints a probe file that imports across it (and a probe import circle), and checks
 * that ESLint reports exactly the rule that guards it. A rule that silently stops resolving imports (a
 * resolver or config change) fails here instead of letting the layers drift.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The rule ids ESLint reports for `code` as if it were the file at `path` (relative to the repo root). */
async function rulesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length) throw new Error(`${path}: ${fatal.map((message) => message.message).join('; ')}`);
  return result.messages.map((message) => message.ruleId ?? '(none)');
}

const restrictedPath = 'import-x/no-restricted-paths';

describe('layer boundaries', () => {
  const probes: { boundary: string; path: string; code: string; rule: string }[] = [
    {
      boundary: 'renderer never imports electron/',
      path: 'renderer/src/views/probe.ts',
      code: "import { startServeHost } from '../../../electron/serve/host';\nexport const probe = startServeHost;\n",
      rule: restrictedPath,
    },
    {
      boundary: 'electron/ never imports the renderer',
      path: 'electron/services/probe.ts',
      code: "import { formatBytes } from '../../renderer/src/lib/format';\nexport const probe = formatBytes;\n",
      rule: restrictedPath,
    },
    {
      boundary: 'shared/ never imports electron/',
      path: 'shared/probe.ts',
      code: "import { ServiceError } from '../electron/services/errors';\nexport const probe = ServiceError;\n",
      rule: restrictedPath,
    },
    {
      boundary: 'shared/ never imports the renderer',
      path: 'shared/metrics/probe.ts',
      code: "import { formatBytes } from '../../renderer/src/lib/format';\nexport const probe = formatBytes;\n",
      rule: restrictedPath,
    },
    {
      boundary: 'shared/ imports no Node built-in',
      path: 'shared/probe.ts',
      code: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
      rule: 'no-restricted-imports',
    },
    {
      boundary: 'views never import tfjs',
      path: 'renderer/src/views/probe.ts',
      code: "import * as tf from '@tensorflow/tfjs-core';\nexport const probe = tf;\n",
      rule: 'no-restricted-imports',
    },
    {
      boundary: 'state never imports worker-only code',
      path: 'renderer/src/state/probe.ts',
      code: "import { ModelRegistry } from '../inference/worker/modelRegistry';\nexport const probe = ModelRegistry;\n",
      rule: restrictedPath,
    },
    {
      boundary: 'the api client never imports tfjs',
      path: 'renderer/src/api/probe.ts',
      code: "import '@tensorflow/tfjs-backend-webgpu';\nexport const probe = 1;\n",
      rule: 'no-restricted-imports',
    },
    {
      boundary: 'inference/common never imports tfjs',
      path: 'renderer/src/inference/common/probe.ts',
      code: "import * as tf from '@tensorflow/tfjs-core';\nexport const probe = tf;\n",
      rule: 'no-restricted-imports',
    },
    {
      boundary: 'inference/common never imports the UI side',
      path: 'renderer/src/inference/common/probe.ts',
      code: "import { createInferenceClient } from '../ui/client';\nexport const probe = createInferenceClient;\n",
      rule: restrictedPath,
    },
    {
      boundary: 'the worker never imports UI state',
      path: 'renderer/src/inference/worker/probe.ts',
      code: "import { SettingsStore } from '../../state/settings';\nexport const probe = SettingsStore;\n",
      rule: restrictedPath,
    },
    {
      boundary: 'the renderer never imports Electron or Node',
      path: 'renderer/src/components/probe.ts',
      code: "import { ipcRenderer } from 'electron';\nexport const probe = ipcRenderer;\n",
      rule: 'no-restricted-imports',
    },
  ];

  for (const probe of probes) {
    it(probe.boundary, async () => {
      expect(await rulesFor(probe.path, probe.code)).toContain(probe.rule);
    });
  }

  it('allows the imports each layer is meant to make', async () => {
    const view = [
      "import { isRequestChannel } from '../../../shared/ipc';",
      "import { createInferenceClient } from '../inference/ui/client';",
      "import type { PipelineResult } from '../inference/common/protocol';",
      'export const probe = [isRequestChannel, createInferenceClient] as const;',
      'export type Probe = PipelineResult;',
      '',
    ].join('\n');
    expect(await rulesFor('renderer/src/views/probe.ts', view)).toEqual([]);
    const worker = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import { toWorkerErrorPayload } from '../common/protocol';",
      "import { NezhaConfig } from '../../../../shared/nezha/config';",
      'export const probe = [tf, toWorkerErrorPayload, NezhaConfig] as const;',
      '',
    ].join('\n');
    expect(await rulesFor('renderer/src/inference/worker/probe.ts', worker)).toEqual([]);
  });
});

describe('import circles', () => {
  // no-cycle follows imports through files on disk, so the probe circle is written out for the run.
  const probeDir = join(root, 'integration', `cycle-probe-${process.pid}`);
  beforeAll(() => {
    mkdirSync(probeDir, { recursive: true });
    writeFileSync(
      join(probeDir, 'first.ts'),
      "import { second } from './second';\nexport const first = () => second;\n",
    );
    writeFileSync(
      join(probeDir, 'second.ts'),
      "import { first } from './first';\nexport const second = () => first;\n",
    );
  });
  afterAll(() => rmSync(probeDir, { recursive: true, force: true }));

  it('are rejected', async () => {
    const results = await eslint.lintFiles([join(probeDir, 'first.ts')]);
    expect(results[0].messages.map((message) => message.ruleId)).toContain('import-x/no-cycle');
  });
});
