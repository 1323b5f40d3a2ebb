import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { expect, openApp, test } from './fixtures';

const views = [
  { name: 'Checkpoints', hash: '#/checkpoints', testId: 'view-checkpoints' },
  { name: 'Datasets', hash: '#/datasets', testId: 'view-datasets' },
  { name: 'Annotate', hash: '#/annotate', testId: 'view-annotate' },
  { name: 'Train', hash: '#/train', testId: 'view-train' },
  { name: 'Benchmark', hash: '#/benchmark', testId: 'view-benchmark' },
  { name: 'Playground', hash: '#/playground', testId: 'view-playground' },
];

test('loads without console errors and takes the token out of the address bar', async ({ page, host }) => {
  await openApp(page, host);
  await expect(page).toHaveTitle('Nezha Studio');
  await expect(page.getByTestId('view-checkpoints')).toBeVisible();
  expect(page.url()).not.toContain('token=');
  expect(page.url()).toBe(`${host.origin}/`);
  await expect(page.getByTestId('status-host')).toHaveText('Browser (serve mode)');
  await expect(page.getByTestId('status-version')).toHaveText(/^Nezha Studio v\d+\.\d+\.\d+/);
});

test('every view renders from the navigation', async ({ page, host }) => {
  await openApp(page, host);
  const nav = page.getByRole('navigation', { name: 'Views' });
  for (const view of views) {
    await nav.getByRole('link', { name: view.name }).click();
    await expect(page.getByTestId(view.testId)).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(view.name);
    expect(new URL(page.url()).hash).toBe(view.hash);
    await expect(nav.getByRole('link', { name: view.name })).toHaveAttribute('aria-current', 'page');
  }
  // Back goes to the previous view: the route follows the history.
  await page.goBack();
  await expect(page.getByTestId('view-benchmark')).toBeVisible();
});

for (const view of views) {
  test(`deep link ${view.hash} opens ${view.name}`, async ({ page, host }) => {
    await openApp(page, host, view.hash);
    await expect(page.getByTestId(view.testId)).toBeVisible();
    expect(new URL(page.url()).hash).toBe(view.hash);
    expect(page.url()).not.toContain('token=');
  });
}

test('later views explain what they need instead of showing fake data', async ({ page, host, request }) => {
  // What the library holds decides which requirements are met; ask the host the same way the app does.
  const datasets = (await (
    await request.post(`${host.origin}/api/datasets.list`, {
      headers: { authorization: `Bearer ${host.token}` },
    })
  ).json()) as { ok: true; result: { task: string }[] };
  const hasNerDataset = datasets.result.some((dataset) => /ner|token/i.test(dataset.task));

  await openApp(page, host, '#/annotate');
  if (hasNerDataset) {
    // An earlier test in this worker imported a NER corpus: Annotate opens the workbench, not a list
    // of requirements.
    await expect(page.getByTestId('view-annotate').getByTestId('review-toggle')).toBeVisible();
  } else {
    const annotate = page.getByTestId('annotate-empty');
    await expect(annotate.getByRole('heading', { level: 2 })).toHaveText(/Annotate NER corpora/);
    // The builtin demo is a token-classification checkpoint, so that requirement is met.
    await expect(annotate.locator('li.met')).toContainText('A token-classification checkpoint');
    await expect(annotate.locator('li.unmet')).toContainText('Import a NER dataset first');
    await annotate.getByRole('button', { name: 'Go to Datasets' }).click();
    await expect(page.getByTestId('view-datasets')).toBeVisible();
    await expect(page.getByTestId('datasets-empty')).toBeVisible();
  }

  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Playground' }).click();
  // Both requirements met (the builtin demo has a head, the backend runs): the Playground shows its form.
  await expect(page.getByTestId('view-playground').getByTestId('playground-run')).toBeVisible();
});

test('an unknown deep link says so and shows the default view', async ({ page, host }) => {
  await openApp(page, host, '#/no-such-page');
  await expect(page.getByText('There is no page at “#/no-such-page”')).toBeVisible();
  await expect(page.getByTestId('view-checkpoints')).toBeVisible();
});

test('the checkpoints view lists the builtin demo checkpoint over the contract', async ({ page, host }) => {
  await openApp(page, host, '#/checkpoints');
  const list = page.getByTestId('checkpoint-list');
  const demo = list.getByRole('button', { name: /NEZHA tiny/ });
  await expect(demo).toBeVisible();
  await expect(demo).toContainText('Built-in');
  await demo.click();
  expect(new URL(page.url()).hash).toMatch(/^#\/checkpoints\/.+/);
  const details = page.getByTestId('checkpoint-details');
  await expect(details.getByRole('heading', { level: 2 })).toHaveText(/^NEZHA tiny/);
  await expect(details).toContainText('Token classification');
  await expect(details).toContainText('NezhaForTokenClassification');
  await expect(details.getByTestId('checkpoint-labels').locator('.chip').first()).toBeVisible();
  // Builtins cannot be removed.
  await expect(details.getByRole('button', { name: /Remove/ })).toHaveCount(0);

  // The details survive a reload through the deep link.
  await page.reload();
  await expect(page.getByTestId('checkpoint-details').getByRole('heading', { level: 2 })).toHaveText(
    /^NEZHA tiny/,
  );
});

test('imports a checkpoint folder by path, then removes it', async ({ page, host }) => {
  await openApp(page, host, '#/checkpoints');
  await page.getByLabel('Checkpoint folder').fill(resolve('fixtures/nezha-tiny/base'));
  await page.getByLabel('Name (optional)').fill('E2E imported tiny');
  await page.getByRole('button', { name: 'Import' }).click();
  const details = page.getByTestId('checkpoint-details');
  await expect(details.getByRole('heading', { level: 2 })).toHaveText('E2E imported tiny');
  await expect(page.getByTestId('checkpoint-list')).toContainText('E2E imported tiny');

  await details.getByRole('button', { name: 'Remove…' }).click();
  await details.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByTestId('checkpoint-list')).not.toContainText('E2E imported tiny');
});

test('a failed import shows the reason inline and as a toast', async ({ page, host, consoleErrors }) => {
  await openApp(page, host, '#/checkpoints');
  await page.getByLabel('Checkpoint folder').fill('/nonexistent/nezha-folder');
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-error')).toContainText('/nonexistent/nezha-folder');
  await expect(page.getByTestId('toast')).toContainText('Request failed: checkpoints.import');
  // Chromium itself logs the 4xx answer of the request this test makes fail on purpose; nothing else may.
  const expected = /Failed to load resource: .*status of 4\d\d .*\/api\/checkpoints\.import/;
  expect(consoleErrors.filter((error) => expected.test(error))).toHaveLength(1);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((error) => !expected.test(error)));
});

test('main.error events from the main side appear as toasts', async ({ page, host }) => {
  await openApp(page, host);
  // The events socket connects in the background; emit until the page has received one.
  await expect(async () => {
    host.services.events.emit('main.error', { message: 'Database is locked', detail: 'retry in a moment' });
    await expect(page.getByTestId('toast').filter({ hasText: 'Database is locked' })).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('toast').filter({ hasText: 'Database is locked' })).toContainText(
    'retry in a moment',
  );
});

test('the theme choice persists across a reload through settings.update', async ({ page, host }) => {
  await openApp(page, host);
  const themes = page.getByRole('group', { name: 'Theme' });
  await themes.getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(themes.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme-setting', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(
    page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' }),
  ).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Light' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme-setting', 'light');
  // Leave the shared host as it started.
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'System' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme-setting', 'system');
});

test('the status bar shows the inference backend: WASM, since WebGPU here is a SwiftShader fallback', async ({
  page,
  host,
}) => {
  await openApp(page, host);
  const backend = page.getByTestId('status-backend');
  await expect(backend).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // Threads need cross-origin isolation (the host sends COOP/COEP). The worker runs one thread per
  // logical core (up to tfjs's 8 pre-created workers), not tfjs's default of half the cores.
  expect(isolated, 'the serve host must make the page cross-origin isolated (COOP/COEP)').toBe(true);
  const threads = Math.min(cores, 8);
  await expect(backend).toHaveText(`WASM (${threads === 1 ? '1 thread' : `${threads} threads`}, SIMD)`);
  await expect(backend).toHaveAttribute('title', new RegExp(`\\(${cores} threads\\)`));
  await expect(backend).toHaveAttribute('title', /software fallback|navigator\.gpu is missing|no adapter/);
});

test.describe('serve host security', () => {
  test('requests without the token are refused', async ({ host, playwright }) => {
    const anonymous = await playwright.request.newContext();
    const api = await anonymous.post(`${host.origin}/api/checkpoints.list`, { data: {} });
    expect([401, 403]).toContain(api.status());
    expect((await api.json()).ok).toBe(false);
    const page = await anonymous.get(`${host.origin}/`);
    expect([401, 403]).toContain(page.status());
    const wrong = await anonymous.post(`${host.origin}/api/checkpoints.list`, {
      data: {},
      headers: { cookie: 'nezha_token=not-the-token' },
    });
    expect([401, 403]).toContain(wrong.status());
    await anonymous.dispose();
  });

  test('the host listens on 127.0.0.1', async ({ host }) => {
    expect(host.address.address).toBe('127.0.0.1');
    expect(new URL(host.url).hostname).toBe('127.0.0.1');
  });

  test('the host cannot be reached on a non-loopback address', async ({ host }) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal && address.family === 'IPv4');
    test.skip(!external, 'this machine has no non-loopback IPv4 address to try');
    const outcome = await new Promise<string>((done) => {
      const socket = connect({ host: external!.address, port: host.port });
      socket.setTimeout(3000);
      socket.once('connect', () => {
        socket.destroy();
        done('connected');
      });
      socket.once('timeout', () => {
        socket.destroy();
        done('timeout');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
    });
    expect(outcome, `connecting to ${external!.address}:${host.port}`).not.toBe('connected');
  });
});

test('forcing WebGPU in the settings uses the software adapter, and Automatic goes back to WASM', async ({
  page,
  host,
}) => {
  await openApp(page, host);
  const backend = page.getByTestId('status-backend');
  await expect(backend).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
  const select = page.getByLabel('Inference backend');
  await select.selectOption('webgpu');
  await expect(backend).toHaveAttribute('data-backend', 'webgpu', { timeout: 30_000 });
  await expect(backend).toHaveText(/^WebGPU \(Google swiftshader\)$/i);
  await expect(backend).toHaveAttribute('title', /forced in settings.*software adapter/);

  // The choice is a setting: it survives a reload.
  await page.reload();
  await expect(page.getByLabel('Inference backend')).toHaveValue('webgpu');
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-backend', 'webgpu', {
    timeout: 30_000,
  });

  await page.getByLabel('Inference backend').selectOption('auto');
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-backend', 'wasm', {
    timeout: 30_000,
  });
});

test('progress events from the main side show in the status bar until the job is done', async ({
  page,
  host,
}) => {
  await openApp(page, host);
  const job = page.getByTestId('status-job');
  await expect(async () => {
    host.services.events.emit('progress', {
      jobId: 'e2e-job',
      kind: 'checkpoint.import',
      done: 3,
      total: 10,
      message: 'Reading weights',
    });
    await expect(job).toHaveText('Reading weights 3/10', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  host.services.events.emit('progress', { jobId: 'e2e-job', kind: 'checkpoint.import', done: 10, total: 10 });
  await expect(job).toHaveText('checkpoint.import 10/10');
  await expect(job).toHaveCount(0);
});
