/**
 * A team server (serve --team) in the browser: the app shows its sign-in page and nothing else until an
 * account signs in; a wrong password is refused with the server's reason; the session survives a reload,
 * the status bar says who is signed in with which role, and signing out returns to the sign-in page. Two
 * annotators in two browsers each take their own next example from the dataset's queue; with overlap 2 both
 * annotate the same sentence, a reviewer sees their agreement and adjudicates, a third annotator's queue is
 * then empty, and an annotator's call to an admin channel is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { startServeHost, type ServeHost } from '../electron/serve/host';
import { dragChars, expect, test } from './fixtures';

let dir: string;
let team: ServeHost;
let datasetId: string;
/** One sentence that every annotator sees twice over: overlap 2. */
let doubleId: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-e2e-team-'));
  team = await startServeHost({
    dataDir: join(dir, 'data'),
    rendererDir: resolve('out/renderer'),
    resourcesDir: resolve('resources'),
    team: true,
    // Cheap hashing: the test signs in many times; the server's default parameters are the real ones.
    passwordHashing: { N: 1024, r: 8, p: 1 },
  });
  const accounts = team.services.team.accounts;
  await accounts.add('root', 'admin', 'root password');
  await accounts.add('alice', 'annotator', 'alice password');
  await accounts.add('bob', 'annotator', 'bob password');
  await accounts.add('carol', 'annotator', 'carol password');
  await accounts.add('rita', 'reviewer', 'rita password');
  const file = join(dir, 'team.jsonl');
  const texts = ['张三在北京工作', '李四去上海出差', '王五住在广州', '赵六来自深圳'];
  writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
  datasetId = (await team.services.datasetStore.import({ path: file, name: 'Team corpus' })).dataset.id;
  team.services.datasetStore.updateLabels(datasetId, [{ name: 'PER' }, { name: 'LOC' }]);
  const double = join(dir, 'double.jsonl');
  writeFileSync(double, JSON.stringify({ text: '张三在北京工作', spans: [] }) + '\n');
  doubleId = (await team.services.datasetStore.import({ path: double, name: 'Double corpus' })).dataset.id;
  team.services.datasetStore.updateLabels(doubleId, [{ name: 'PER' }, { name: 'LOC' }]);
  team.services.team.router.setOverlap(doubleId, 2);
});

test.afterAll(async () => {
  await team?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(page: Page, name: string, password = `${name} password`) {
  const login = page.getByTestId('login-page');
  await login.getByLabel('Name').fill(name);
  await login.getByLabel('Password').fill(password);
  await login.getByRole('button', { name: 'Sign in' }).click();
}

test('sign in to a team server: refused with the reason, then in with the role shown; the session survives a reload; sign out', async ({
  page,
  consoleErrors,
}) => {
  await page.goto(team.url);
  await expect(page.getByTestId('login-page')).toBeVisible();
  // Nothing of the app starts before someone signs in.
  await expect(page.getByRole('navigation', { name: 'Views' })).toHaveCount(0);

  await signIn(page, 'alice', 'not her password');
  await expect(page.getByTestId('login-error')).toHaveText('Wrong name or password.');
  // The browser logs the refused request itself (HTTP 401): that one is expected.
  const refused = /status of 401/;
  expect(consoleErrors.filter((error) => refused.test(error))).toHaveLength(1);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((error) => !refused.test(error)));

  await signIn(page, 'alice');
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
  await expect(page.getByTestId('status-user')).toContainText('alice · annotator');
  await expect(page.getByTestId('status-host')).toHaveText('Team server');

  await page.reload();
  await expect(page.getByTestId('status-user')).toContainText('alice · annotator');

  await page.getByTestId('status-user').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('login-page')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('login-page')).toBeVisible();
});

async function signedIn(browser: Browser, name: string, hash: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  await page.goto(`${team.url}${hash}`);
  await signIn(page, name);
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
  return { context, page, errors };
}

async function labelChars(page: Page, from: number, to: number, label: string) {
  await dragChars(page, from, to);
  const key = await page
    .getByTestId('label-legend')
    .getByRole('button', { name: new RegExp(label) })
    .locator('kbd')
    .innerText();
  await page.keyboard.press(key);
  await expect(page.getByTestId('save-indicator')).toHaveText('Saved');
}

test('overlap 2: two annotators label the same sentence, the reviewer sees their agreement and adjudicates, a third queue is empty, an admin channel is refused', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const hash = `#/annotate/${encodeURIComponent(doubleId)}`;
  const alice = await signedIn(browser, 'alice', hash);
  const bob = await signedIn(browser, 'bob', hash);
  try {
    for (const [who, loc] of [
      [alice, [3, 4]],
      [bob, [3, 5]],
    ] as const) {
      await who.page.getByRole('button', { name: 'Next from my queue' }).click();
      await expect(who.page.getByTestId('example-position')).toHaveText('#1');
      // Each annotator sees the status of their own work: alice's "done" is not bob's.
      await expect(who.page.getByTestId('example-status')).toHaveText('unannotated');
      await labelChars(who.page, 0, 1, 'PER');
      await labelChars(who.page, loc[0], loc[1], 'LOC');
      await who.page.keyboard.press('Enter');
      await expect(who.page.getByTestId('team-queue')).toContainText(
        `${who === alice ? 'alice' : 'bob'}: 1 done`,
      );
    }
    // An annotator may not call an admin channel, whatever the page offers.
    const refused = await alice.page.evaluate(async (id) => {
      const response = await fetch('/api/datasets.remove', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
    }, doubleId);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/alice \(annotator\) may not call "datasets.remove"/);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
  expect([...alice.errors, ...bob.errors]).toEqual([]);

  const rita = await signedIn(browser, 'rita', hash);
  try {
    await rita.page.getByTestId('review-toggle').click();
    const review = rita.page.getByTestId('review-panel');
    await expect(review.getByLabel('Annotator A')).toHaveValue('alice');
    await expect(review.getByLabel('Annotator B')).toHaveValue('bob');
    await expect(review.getByTestId('agreement-examples')).toHaveText('1');
    await expect(review.getByTestId('agreement-f1')).toHaveText('50.0%');
    const row = review.getByTestId('review-row').first();
    await row.getByRole('button', { name: 'Use B' }).click();
    await row.getByRole('button', { name: 'Save gold' }).click();
    await expect(review.getByRole('status')).toHaveText('Saved the gold version of example #1.');
  } finally {
    await rita.context.close();
  }
  expect(rita.errors).toEqual([]);

  // Both annotations the overlap asks for are in: carol's queue has nothing for her.
  const carol = await signedIn(browser, 'carol', hash);
  try {
    await carol.page.getByRole('button', { name: 'Next from my queue' }).click();
    await expect(carol.page.getByTestId('team-queue')).toContainText('Nothing left in your queue.');
    await expect(carol.page.getByTestId('team-progress')).toContainText(
      '1 of 1 examples complete (each to 2 annotators)',
    );
  } finally {
    await carol.context.close();
  }
  expect(carol.errors).toEqual([]);
});

test('two annotators in two browsers: each takes their own next example from the queue, and the list holds only their own', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const hash = `#/annotate/${encodeURIComponent(datasetId)}`;
  const alice = await signedIn(browser, 'alice', hash);
  const bob = await signedIn(browser, 'bob', hash);
  try {
    // Nothing was handed to anyone yet: each list is empty.
    for (const { page } of [alice, bob])
      await expect(page.getByTestId('match-count')).toHaveText('0 examples');

    const take = (page: Page) => page.getByRole('button', { name: 'Next from my queue' }).click();
    await take(alice.page);
    await expect(alice.page.getByTestId('example-position')).toHaveText('#1');
    // Overlap 1: bob is handed the next example, never alice's.
    await take(bob.page);
    await expect(bob.page.getByTestId('example-position')).toHaveText('#2');
    await expect(bob.page.getByTestId('match-count')).toHaveText('1 example');

    // Alice checks hers ("no entities"): Accept & next marks it done and takes the next from the queue.
    await alice.page.getByTestId('annotation-text').click();
    await alice.page.keyboard.press('Enter');
    await expect(alice.page.getByTestId('example-position')).toHaveText('#3');
    await expect(alice.page.getByTestId('match-count')).toHaveText('2 examples');
    await expect(alice.page.getByTestId('team-queue')).toContainText('alice: 1 done · 1 open');
    await expect(alice.page.getByTestId('team-progress')).toContainText('1 of 4 examples complete');

    await take(bob.page); // bob still holds #2: the queue hands it to him again
    await expect(bob.page.getByTestId('example-position')).toHaveText('#2');
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('the admin manages accounts and routing in the Team view; an annotator has no Team view', async ({
  browser,
}) => {
  const root = await signedIn(browser, 'root', '#/team');
  try {
    const view = root.page.getByTestId('view-team');
    const accounts = view.getByTestId('team-accounts');
    await expect(accounts).toContainText('alice');
    await view.getByLabel('New account name').fill('dave');
    await view.getByLabel('New account role').selectOption('annotator');
    await view.getByLabel('New account password').fill('dave password');
    await view.getByRole('button', { name: 'Add account' }).click();
    await expect(view.getByRole('status')).toHaveText('Added dave (annotator).');
    await expect(accounts.locator('tr', { hasText: 'dave' })).toContainText('annotator');
    // The signed-in admin cannot remove their own account.
    await expect(
      accounts.locator('tr', { hasText: 'root' }).getByRole('button', { name: 'Remove' }),
    ).toBeDisabled();

    const routing = view.getByTestId('team-routing');
    const overlap = routing.getByLabel('Annotators per example of Team corpus');
    await overlap.fill('3');
    await overlap.blur();
    await expect(routing.locator('tr', { hasText: 'Team corpus' })).toContainText('of 4');
    await expect.poll(() => team.services.team.router.overlap(datasetId)).toBe(3);
    team.services.team.router.setOverlap(datasetId, 1);
  } finally {
    await root.context.close();
  }
  expect(root.errors).toEqual([]);

  const dave = await signedIn(browser, 'dave', '#/annotate');
  try {
    await expect(dave.page.getByRole('navigation', { name: 'Views' }).getByText('Team')).toHaveCount(0);
  } finally {
    await dave.context.close();
  }
});
