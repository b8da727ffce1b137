// The main job. With a display: opens Chromium with the built extension on the
// demo page whose wasm leaks (open DevTools → "WASM Leaks"). Without one: runs
// the same scenario headless and prints what the panel shows.
import { chromium } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPanel, tabIdOf, chromePath, recordSite, DIST, SITE } from '../e2e/harness';
// @ts-expect-error plain ESM helper without types
import { serve } from './serve.mjs';

/** The demo page's API (e2e/site/app.js), a global of the page where page.evaluate runs. */
declare const demo: { ready: Promise<unknown>; leak(): void };

const build = process.env.BUILD ?? 'wasi-O0';
const server = await serve(SITE, Number(process.env.PORT ?? 0));
const site = `http://127.0.0.1:${server.address().port}`;
const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.env.HEADLESS;

if (headed) {
  console.log(`Demo page: ${site}/index.html?build=${build}`);
  console.log('Open DevTools (F12) → "WASM Leaks", take Snapshot A, click simulate_memory_leak(), take Snapshot B.');
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wasm-leaks-demo-')), {
    executablePath: chromePath(),
    headless: false,
    viewport: null,
    args: [`--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`, '--no-first-run', '--auto-open-devtools-for-tabs'],
  });
  // The extension is dormant until asked: record the demo site on every load.
  await recordSite(context, site, true);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${site}/index.html?build=${build}`);
  context.on('close', () => {
    server.close();
    process.exit(0);
  });
} else {
  const context = await launch(true);
  await recordSite(context, site, true);
  try {
    const page = await context.newPage();
    await page.goto(`${site}/index.html?build=${build}`);
    await page.evaluate(() => demo.ready);
    const panel = await openPanel(context, await tabIdOf(context, page));
    await panel.getByTestId('module').waitFor();
    await panel.getByRole('button', { name: 'Snapshot A' }).click();
    await panel.getByRole('button', { name: 'Snapshot B' }).waitFor({ state: 'visible' });
    await panel.waitForFunction(() => !document.querySelector('button[aria-label="Snapshot B"]')?.hasAttribute('disabled'));
    await page.evaluate(() => demo.leak());
    await panel.waitForTimeout(300);
    await panel.getByRole('button', { name: 'Snapshot B' }).click();
    await panel.getByTestId('diff').waitFor();
    await panel.getByTestId('block-row').first().click();
    await panel.waitForFunction(() => !document.querySelector('[data-testid=hexdump]')?.textContent?.includes('Reading'));
    const text = (id: string) => panel.getByTestId(id).allInnerTexts();
    console.log(`WASM Leaks — headless report (no display), demo build ${build}\n`);
    console.log('Modules:');
    for (const m of await panel.getByTestId('module').all()) {
      const one = async (id: string) => (await m.getByTestId(id).innerText()).trim();
      const name = (await m.innerText()).split('\n')[0];
      console.log(`  ${name}: ${await one('module-status')}`);
      console.log(
        `    linear memory ${await one('module-memory')} · live blocks ${await one('module-live-count')} · live bytes ${await one('module-live-bytes')}`,
      );
    }
    // The timeline's memory breakdown (issue 12): live / free between blocks / free above since a peak / never reached / below the heap.
    const hb = panel.getByTestId('heap-breakdown');
    if ((await hb.count()) > 0) {
      const exact = async (id: string) => Number(await hb.getByTestId(id).getAttribute('data-value')).toLocaleString('en-US');
      console.log(
        `\nMemory breakdown, ${(await hb.locator('.hb-head').innerText()).replace(/\s*=$/, '')} (${await hb.locator('.hb-source').innerText()}):`,
      );
      console.log(
        `  ${await exact('hb-memory')} B = live ${await exact('hb-live')} B + free between blocks ${await exact('hb-between')} B + free above since a peak ${await exact('hb-above')} B + never reached ${await exact('hb-unreached')} B + below the heap ${await exact('hb-below')} B`,
      );
    }
    console.log(`\nComparison A → B: ${(await text('diff-summary')).join('')}`);
    console.log('  Allocation site | # New | # Freed | # Delta | Size Delta | Live bytes');
    // A site is its name and location (not its twisty or fold button), then its columns.
    for (const row of await panel.getByTestId('site-row').all()) {
      const site = (await row.locator('[data-testid=site-name], [data-testid=site-location]').allInnerTexts())
        .map((t) => t.trim())
        .join(' ');
      const cells = (await row.locator('[role=gridcell]:not([data-testid=site-label])').allInnerTexts()).map((t) => t.trim());
      console.log(`  ${[site, ...cells].join(' | ')}`);
    }
    console.log(`\nFirst leaked block: ${await panel.locator('.detail-head b').innerText()}`);
    console.log('  Allocation stack:');
    // A frame's name and locations (not its "site" tag or fold button).
    for (const f of await panel.getByTestId('stack-frame').all()) {
      const parts = await f.locator('.fn, .loc').allInnerTexts();
      const site = (await f.getAttribute('data-site')) === 'true' ? '   ← allocation site' : '';
      console.log(`    ${parts.map((p) => p.trim()).join(' ')}${site}`);
    }
    console.log('  Bytes:');
    for (const line of (await panel.getByTestId('hexdump').innerText()).split('\n').slice(0, 4)) console.log('    ' + line);
  } finally {
    await context.close();
    server.close();
  }
}
