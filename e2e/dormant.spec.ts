// Dormant by default: the extension injects nothing into a page until asked.
// Reload and record hooks the tab's next load; "Record this site on every
// load" every load of the origin, until it is removed.
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, demoReady, openDemo, openPanel, serviceWorker, tabIdOf } from './harness';
import { leakAndExpectSeedLeak, type Demo } from './scenario';

declare const demo: Demo;

test.use({ recordSite: false });

/** What the page sees of the hook: its flag and WebAssembly.instantiate's source text. */
async function hookOf(page: Page): Promise<{ flag: boolean; instantiate: string }> {
  return page.evaluate(() => ({
    flag: Symbol.for('wasm-leaks.installed') in globalThis,
    instantiate: WebAssembly.instantiate.toString(),
  }));
}
const NATIVE = { flag: false, instantiate: 'function instantiate() { [native code] }' };

/** A new tab of the demo page is not hooked. */
async function expectNewTabUntouched(context: BrowserContext, site: string): Promise<void> {
  expect(await hookOf(await openDemo(context, site, 'wasi-O0'))).toEqual(NATIVE);
}

/** Blocks the page's main thread for `ms`, from a task that starts once this call has returned. */
function blockMainThread(page: Page, ms: number): Promise<void> {
  return page.evaluate((busy) => {
    setTimeout(() => {
      const end = Date.now() + busy;
      while (Date.now() < end);
    }, 0);
  }, ms);
}

/** The demo in a new tab, and that tab's id. */
async function demoAndTab(context: BrowserContext, site: string): Promise<{ page: Page; tab: number }> {
  const page = await openDemo(context, site, 'wasi-O0');
  return { page, tab: await tabIdOf(context, page) };
}

/** The demo in a new tab, not hooked, and the panel on its tab showing the empty state. */
async function untouchedDemoAndPanel(context: BrowserContext, site: string): Promise<{ page: Page; panel: Page }> {
  const page = await openDemo(context, site, 'wasi-O0');
  expect(await hookOf(page)).toEqual(NATIVE);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('empty-state')).toBeVisible();
  return { page, panel };
}

test('a page loaded without recording is untouched; the panel says so and offers Reload and record, which tracks the seed leak', async ({
  context,
  site,
}) => {
  const { page, panel } = await untouchedDemoAndPanel(context, site);
  // The module works as without the extension.
  expect(await page.evaluate(() => demo.checksum(1000))).toEqual(expect.any(Number));
  await expect(panel.getByTestId('empty-state')).toContainText('not being recorded');
  await expect(panel.getByTestId('module')).toHaveCount(0);
  await expect(panel.getByTestId('record-site')).not.toBeChecked();

  await panel.getByTestId('empty-reload').click();
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  await expect(panel.getByTestId('empty-state')).toHaveCount(0);
  await demoReady(page);
  expect((await hookOf(page)).flag).toBe(true);
  await leakAndExpectSeedLeak(panel, page);

  // It recorded that load only: another tab of the same site is untouched.
  await expectNewTabUntouched(context, site);
});

test('a page already running when recording starts says which modules it loaded before, and Reload and record tracks them', async ({
  context,
  site,
}) => {
  const page = await openDemo(context, site, 'wasi-O0');
  // A second module, fetched and compiled after the page's load.
  await page.evaluate(() => WebAssembly.compileStreaming(fetch('wasm/no-alloc.wasm')));
  const text =
    'This page already loaded 2 WebAssembly modules before recording (leak-wasi-O0.wasm, no-alloc.wasm); Reload and record to see them.';
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('empty-state')).toBeVisible();
  await expect(panel.getByTestId('before-recording')).toHaveText(text);
  await expect(panel.getByTestId('before-recording')).toHaveAttribute(
    'title',
    `${site}/wasm/leak-wasi-O0.wasm\n${site}/wasm/no-alloc.wasm`,
  );

  // Recording turned on for the site: this document predates it, so the panel says so above an empty module list.
  await panel.getByTestId('record-site').check();
  await expect(panel.getByTestId('empty-state')).toHaveCount(0);
  await expect(panel.getByTestId('before-recording')).toHaveText(`${text}⟳ Reload and record`);
  await expect(panel.getByTestId('module')).toHaveCount(0);
  expect(await hookOf(page)).toEqual(NATIVE);

  await panel.getByTestId('before-reload').click();
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  await expect(panel.getByTestId('before-recording')).toHaveCount(0);
  expect((await hookOf(page)).flag).toBe(true);
  await leakAndExpectSeedLeak(panel, page);
  // A module loaded now is recorded: nothing is said about it.
  await page.evaluate(() => WebAssembly.compileStreaming(fetch('wasm/no-alloc.wasm')));
  await panel.getByTestId('record-site').uncheck();
  await panel.getByTestId('record-site').check();
  await expect(panel.getByTestId('record-site')).toBeChecked();
  await expect(panel.getByTestId('before-recording')).toHaveCount(0);
});

test('a page too busy to answer what it loaded does not hold up the panel: the empty state comes without the list', async ({
  context,
  site,
}) => {
  const { page, tab } = await demoAndTab(context, site);
  // The page's main thread is blocked for 30 s: the question about its modules waits for it, the panel does not (1.5 s).
  await blockMainThread(page, 30_000);
  const panel = await openPanel(context, tab);
  await expect(panel.getByTestId('empty-state')).toBeVisible();
  await expect(panel.getByTestId('before-recording')).toHaveCount(0);
  await expect(panel.getByTestId('empty-reload')).toBeEnabled();
});

test('"Record this site on every load": a new tab records from its first module; removed from the settings, the next load is untouched', async ({
  context,
  site,
}) => {
  const { panel } = await untouchedDemoAndPanel(context, site);
  await panel.getByTestId('record-site').check();
  await expect(panel.getByTestId('recorded-site')).toHaveText([`${site}Remove`]);

  const page = await openDemo(context, site, 'wasi-O0');
  expect((await hookOf(page)).flag).toBe(true);
  const recorded = await openPanel(context, await tabIdOf(context, page));
  await expect(recorded.getByTestId('module-status')).toHaveText('instrumented ✓');
  await expect(recorded.getByTestId('record-site')).toBeChecked();
  await leakAndExpectSeedLeak(recorded, page);

  await recorded.getByTestId('site-settings').getByText('Recorded sites').click();
  await recorded.getByRole('button', { name: `Stop recording ${site}` }).click();
  await expect(recorded.getByTestId('recorded-site')).toHaveCount(0);
  await expect(recorded.getByTestId('record-site')).not.toBeChecked();
  // Neither a new tab nor this one, reloaded, is hooked any more.
  await expectNewTabUntouched(context, site);
  await page.reload();
  await demoReady(page);
  expect(await hookOf(page)).toEqual(NATIVE);
});

test('the toolbar icon: its badge says whether the tab is recorded, a click records the site (reload) and a second click stops', async ({
  context,
  site,
}) => {
  const { page, tab } = await demoAndTab(context, site);
  const sw = await serviceWorker(context);
  const badge = () => sw.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tab);
  const click = () =>
    sw.evaluate(
      (id) => (globalThis as unknown as { wasmLeaks: { toggleFromAction(id: number): Promise<boolean> } }).wasmLeaks.toggleFromAction(id),
      tab,
    );
  await expect.poll(badge).toBe('');

  expect(await click()).toBe(true);
  await expect.poll(badge).toBe('REC');
  // The click reloaded the page: it is hooked from its first script.
  await page.waitForFunction(() => Symbol.for('wasm-leaks.installed') in globalThis);
  await page.waitForFunction(() => (window as unknown as { demo?: Demo }).demo?.ready);

  expect(await click()).toBe(false);
  await expect.poll(badge).toBe('');
  await page.reload();
  expect(await hookOf(page)).toEqual(NATIVE);

  // Reload and record: "1×" for that load.
  const panel = await openPanel(context, tab);
  await panel.getByTestId('empty-reload').click();
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  await expect.poll(badge).toBe('1×');
});
