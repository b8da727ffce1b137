// Readable stacks on release builds (issue 9 item 4), in the real extension:
// the seed leak built by emscripten -O3 without -g (no name section, exports
// renamed to one letter: simulate_memory_leak is "g", process_data "e") shows
// those letters; after "Load symbols…" with its --emit-symbol-map file the
// same frames show the real names, also for the blocks already compared, and
// after a reload with a new panel (remembered). Another build's file is
// refused with the reason. The -gseparate-dwarf build's .debug.wasm is
// fetched by the page itself: source lines without the user doing anything.
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { test, expect, openPanel, tabIdOf } from './harness';
import { compareAround } from './scenario';
import { FIXTURE_DIR } from '../src/test-support/fixtures';

declare const release: { ready: Promise<boolean>; leak(): void; process(size?: number): void };

const SYMBOLS = fileURLToPath(new URL('leak-emcc-O3-stripped.js.symbols', FIXTURE_DIR));
const OTHER_BUILD = fileURLToPath(new URL('leak-emcc-sepdwarf.debug.wasm', FIXTURE_DIR));

/** Snapshot A, simulate_memory_leak() and process_data(512) ×3, Snapshot B: 103 blocks, 103,936 B. */
async function leak(page: Page, panel: Page): Promise<void> {
  await compareAround(panel, () =>
    page.evaluate(() => {
      release.leak();
      for (let i = 0; i < 3; i++) release.process(512);
    }),
  );
  await expect(panel.getByTestId('diff-new-count')).toHaveText('103');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('103,936 B');
}

/** The Sites rows' names, # New and Size Delta, and the open block's wasm frames. */
async function expectSites(panel: Page, names: [string, string]): Promise<void> {
  const rows = panel.getByTestId('site-row');
  await expect(rows.getByTestId('site-name')).toHaveText(names);
  await expect(rows.getByTestId('site-new')).toHaveText(['100', '3']);
  await expect(rows.getByTestId('site-size-delta')).toHaveText(['+102,400 B', '+1,536 B']);
}

async function openRelease(page: Page, site: string, build: string): Promise<void> {
  await page.goto(`${site}/release.html?build=${build}`);
  await page.evaluate(() => release.ready);
}

test('a stripped module: minified frames, then its symbol map from the panel names them; another build is refused; remembered after a reload', async ({
  context,
  site,
}) => {
  test.setTimeout(180_000);
  const page = await context.newPage();
  await openRelease(page, site, 'stripped');
  const tabId = await tabIdOf(context, page);
  let panel = await openPanel(context, tabId);
  await expect(panel.getByTestId('module-status')).toContainText('instrumented');
  await leak(page, panel);
  await expectSites(panel, ['g', 'e']);
  // a block of the first row: its stack is the one frame V8 names by export ("g", function 11)
  await panel.getByTestId('site-row').first().locator('xpath=following-sibling::*[@data-testid="block-row"][1]').click();
  const frames = panel.getByTestId('block-detail').getByTestId('stack-frame').locator('.fn');
  await expect(frames.first()).toHaveText('g');

  // Another build's file first: refused, nothing renamed.
  await panel.getByTestId('load-symbols').setInputFiles(OTHER_BUILD);
  await expect(panel.getByTestId('symbols-refused')).toHaveText(
    'Not applied: leak-emcc-sepdwarf.debug.wasm is another build: code section 13,021 B, the module’s is 12,680 B',
  );
  await expectSites(panel, ['g', 'e']);

  // Its own symbol map: the rows and the open block's stack get the real names.
  await panel.getByTestId('load-symbols').setInputFiles(SYMBOLS);
  await expect(panel.getByTestId('symbols-status')).toHaveText(
    'Symbols from leak-emcc-O3-stripped.js.symbols: 24 function names; matched by function count only (a symbol map carries no hash)',
  );
  await expect(panel.getByTestId('symbols-refused')).toHaveCount(0);
  await expectSites(panel, ['simulate_memory_leak', 'process_data']);
  await expect(frames.first()).toHaveText('simulate_memory_leak');

  // Remembered: a reload of the page with a new panel names the new stacks at once.
  await panel.close();
  await page.reload();
  await page.evaluate(() => release.ready);
  panel = await openPanel(context, tabId);
  await expect(panel.getByTestId('symbols-status')).toHaveText(
    'Symbols from leak-emcc-O3-stripped.js.symbols (remembered): 24 function names; matched by function count only (a symbol map carries no hash)',
  );
  await leak(page, panel);
  await expectSites(panel, ['simulate_memory_leak', 'process_data']);
});

test('-gseparate-dwarf: the page fetches the .debug.wasm its module names, the leak gets source lines and the inlined frame', async ({
  context,
  site,
}) => {
  test.setTimeout(120_000);
  const page = await context.newPage();
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.debug.wasm')) fetched.push(new URL(r.url()).pathname);
  });
  await openRelease(page, site, 'sepdwarf');
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-status')).toContainText('instrumented');
  await leak(page, panel);
  // simulate_memory_leak's malloc call is process_data inlined (leak.c:19 in leak.c:27)
  await expect(panel.getByTestId('site-row').getByTestId('site-name')).toHaveText(['process_data', 'process_data']);
  await panel.getByTestId('site-row').first().locator('xpath=following-sibling::*[@data-testid="block-row"][1]').click();
  const stack = panel.getByTestId('block-detail').getByTestId('stack-frame');
  await expect(stack.nth(0)).toContainText('process_data');
  await expect(stack.nth(0)).toContainText('leak.c:19');
  await expect(stack.nth(1)).toContainText('simulate_memory_leak');
  await expect(stack.nth(1)).toContainText('leak.c:27');
  expect(fetched).toEqual(['/wasm/leak-emcc-sepdwarf.debug.wasm']);
});
