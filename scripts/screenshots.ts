// Drives the demo (seed leak between Snapshot A and B, leak kinds, a block selected) and
// saves screenshots of the panel in light and dark theme for the README:
//   npx tsx scripts/screenshots.ts
import { launch, openPanel, recordSite, tabIdOf, SITE } from '../e2e/harness';
// @ts-expect-error plain ESM helper without types
import { serve } from './serve.mjs';

/** The demo page's API (e2e/site/app.js), a global of the page where page.evaluate runs. */
declare const demo: { ready: Promise<unknown>; leak(): void; jsMalloc(n: number, size: number): number[]; growWasm(pages: number): number };

const server = await serve(SITE, 0);
const site = `http://127.0.0.1:${server.address().port}`;
const context = await launch(true);
// The extension is dormant until asked: record the demo site on every load.
await recordSite(context, site, true);
try {
  for (const theme of ['light', 'dark']) {
    const page = await context.newPage();
    await page.goto(`${site}/index.html?build=wasi-O0`);
    await page.evaluate(() => demo.ready);
    const panel = await openPanel(context, await tabIdOf(context, page), `&theme=${theme}`);
    await panel.setViewportSize({ width: 1200, height: 720 });
    await panel.getByTestId('module').waitFor();
    await page.evaluate(() => demo.jsMalloc(20, 4096));
    await panel.waitForTimeout(400);
    await panel.getByRole('button', { name: 'Snapshot A' }).click();
    await panel.waitForTimeout(300);
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => demo.leak());
      await panel.waitForTimeout(250);
    }
    await page.evaluate(() => demo.growWasm(2));
    await panel.waitForTimeout(400);
    await panel.getByRole('button', { name: 'Snapshot B' }).click();
    await panel.getByTestId('diff-new-count').waitFor();
    await panel.getByRole('button', { name: 'Leak kinds' }).click();
    await panel.getByTestId('leak-summary').waitFor();
    await panel.getByTestId('block-row').first().click();
    await panel.waitForFunction(() => !document.querySelector('[data-testid=hexdump]')?.textContent?.includes('Reading'));
    await panel.waitForTimeout(300);
    await panel.screenshot({ path: `docs/panel-${theme}.png` });
    await panel.close();
    await page.close();
  }
} finally {
  await context.close();
  server.close();
}
