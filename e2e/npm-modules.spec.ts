// A real third-party module in real Chromium with the built extension:
// sql.js 1.16 from npm (minified, allocator found structurally), loaded by its
// own glue from /node_modules/sql.js/dist/ (scripts/serve.mjs). The figures
// are the Node test's (src/hooks/npm-modules.test.ts), where they are explained.
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

test('sql.js from npm: instrumented; prepare() ×100 without free() = 523 blocks / 141,160 B, then 600 / 157,600 B; with free() 0', async ({ context, site }) => {
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
  await expect(panel.getByTestId('site-row').first().getByTestId('site-new')).toHaveText('600');

  // Freed: nothing new.
  await compareAround(panel, () => page.evaluate(() => app.runFixed(100)));
  await expect(panel.getByTestId('diff-new-count')).toHaveText('0');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('0 B');
});
