import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The layering of DESIGN.md, enforced (VS Code's way: what a file may import follows from the folder it is in).
 * `integration/layering.test.ts` lints a probe import across each boundary and a probe cycle, so a rule that
 * stops firing fails the tests.
 */

/** The UI side of the renderer: everything but the inference worker. */
const rendererUi = [
  'renderer/src/App.tsx',
  'renderer/src/main.tsx',
  'renderer/src/api',
  'renderer/src/components',
  'renderer/src/lib',
  'renderer/src/state',
  'renderer/src/views',
  'renderer/src/inference/ui',
];
const inferenceCommon = 'renderer/src/inference/common';
const inferenceWorker = 'renderer/src/inference/worker';

export const layerZones = [
  {
    target: 'renderer',
    from: 'electron',
    message: 'The renderer talks to the main process only through the typed api client (shared/ipc).',
  },
  {
    target: 'electron',
    from: 'renderer',
    message: 'The Node side never imports renderer code; what both need belongs in shared/.',
  },
  {
    target: 'shared',
    from: ['electron', 'renderer'],
    message: 'shared/ is platform-neutral and used by both sides: it imports neither.',
  },
  {
    target: [...rendererUi, inferenceCommon],
    from: inferenceWorker,
    message:
      'Only the inference worker owns tfjs: UI code calls it through inference/ui (createInferenceClient).',
  },
  {
    target: inferenceCommon,
    from: 'renderer/src/inference/ui',
    message: 'inference/common is what the UI side and the worker share: it imports neither.',
  },
  {
    target: inferenceWorker,
    from: rendererUi,
    message:
      'The worker never imports UI code (views, state, api, components): only inference/common and shared/.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'release/',
      'fixtures/',
      'resources/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.tests.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    // shared/ is platform-neutral: no DOM, Node or Electron imports (see DESIGN.md).
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['fs', 'path', 'electron', 'react', 'react-dom'], patterns: ['node:*'] },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer'],
    },
  },
  {
    // The renderer runs sandboxed in a browser context: no Node built-ins and no Electron API (the preload
    // exposes window.nezha). Its tests run in Node and may read fixtures from disk.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.{ts,tsx}', 'renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['fs', 'path', 'electron'], patterns: ['node:*'] }],
    },
  },
  {
    // Only the inference worker owns tfjs. Matched on the package name (not its resolved path), so the rule
    // holds wherever node_modules lives.
    files: [...rendererUi, inferenceCommon].map((path) =>
      path.endsWith('.tsx') ? path : `${path}/**/*.{ts,tsx}`,
    ),
    ignores: ['renderer/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'path', 'electron'],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser context: no Node built-ins.' },
            {
              group: ['@tensorflow/*'],
              message:
                'Only the inference worker owns tfjs: UI code calls it through inference/ui (createInferenceClient).',
            },
          ],
        },
      ],
    },
  },
);
