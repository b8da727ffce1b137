// A real third-party module in real Chromium with the built extension:
// sql.js 1.16 from npm (minified, allocator found structurally), loaded by its
// own glue from /node_modules/sql.js/dist/ (scripts/serve.mjs). The figures
// are the Node test's (src/agent/npm-modules.test.ts), where they are explained.
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, openPanel, tabIdOf } from './harness';
import { compareAround } from './scenario';

declare const app: { ready: Promise<boolean>; run(n: number): number; runFixed(n: number): number; sum(): number };

async function openSqlJs(context: BrowserContext, site: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site}/npm/sqljs.html`);
  await page.evaluate(() => app.ready);
  return page;
}

test('sql.js from npm: instrumented; prepare() ×100 without free() = 523 blocks / 141,160 B, then 600 / 157,600 B; with free() 0', async ({
  context,
  site,
}) => {
  const page = await openSqlJs(context, site);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module')).toHaveCount(1);
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  await expect(panel.getByTestId('module')).toContainText('sql-wasm.wasm');
  expect(await page.evaluate(() => app.sum())).toBe(500_500);

  // Fresh connection: lookaside serves the first 16 statements in part (see the Node test).
  await compareAround(panel, () => page.evaluate(() => app.run(100)));
  await expect(panel.getByTestId('diff-new-count')).toHaveText('523');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('141,160 B');

  // Lookaside exhausted: 6 blocks / 1,576 B per statement.
  await compareAround(panel, () => page.evaluate(() => app.run(100)));
  await expect(panel.getByTestId('diff-new-count')).toHaveText('600');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('157,600 B');
  // One Sites row of 600: with whole stacks the page groups by stack (5 stacks per statement,
  // one per allocation in sqlite3_prepare), and the panel regroups them by site frame, the first
  // frame outside the allocator wrappers. The page marks no frame of sql.js as a wrapper (its
  // malloc path, the size-prefixing sqlite3MemMalloc and sqlite3Malloc, is not detected in this
  // build), so all 5 stacks share their innermost frame, the one malloc call site, as before.
  const rows = panel.getByTestId('site-row');
  await expect(rows.first().getByTestId('site-new')).toHaveText('600');
  await expect(rows.first().getByTestId('site-size-delta')).toHaveText('+157,600 B');
  // Folding the site's function by hand (valgrind's --alloc-fn), again at each caller, until
  // the stacks part: the 5 real callers of a statement, 100 blocks each (200 for the 40 B one).
  // (Here 3 folds: wasm-function[1829], [105], [83]; the figures hold whichever the page folds.)
  const leaking = rows.filter({ hasNot: panel.getByTestId('site-new').getByText('0', { exact: true }) });
  for (let i = 0; i < 6 && (await leaking.count()) === 1; i++) {
    const name = (await rows.first().getByTestId('site-name').textContent()) ?? '';
    await rows
      .first()
      .getByRole('button', { name: /^Treat .* as allocator wrapper$/ })
      .click();
    await expect(rows.first().getByTestId('site-name')).not.toHaveText(name);
  }
  await expect(leaking.getByTestId('site-new')).toHaveText(['100', '100', '100', '200', '100']);
  await expect(leaking.getByTestId('site-size-delta')).toHaveText(['+103,200 B', '+25,600 B', '+16,800 B', '+8,000 B', '+4,000 B']);

  // Freed: nothing new.
  await compareAround(panel, () => page.evaluate(() => app.runFixed(100)));
  await expect(panel.getByTestId('diff-new-count')).toHaveText('0');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('0 B');
});
