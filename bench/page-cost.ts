// What every page pays for the extension, WebAssembly or not: the MAIN-world
// hook runs at document_start, before the page's first script. Measured as the
// time (performance.now(), from navigation start) at which a page's first
// inline script runs, on a page without WebAssembly, with and without the
// built extension, loads alternating, median of 30. Run `npm run build` first.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { launch, SITE } from '../e2e/harness';
import { median } from './timing';
// @ts-expect-error plain ESM helper without types
import { serve } from '../scripts/serve.mjs';

export async function run(): Promise<void> {
  if (!existsSync('dist/manifest.json')) return console.log('page-cost: build first (npm run build)');
  const server = await serve(SITE, 0);
  const url = `http://127.0.0.1:${server.address().port}/no-wasm.html`;
  const contexts = { without: await launch(false), with: await launch(true) };
  try {
    const times: Record<string, number[]> = { without: [], with: [] };
    for (let r = 0; r < 31; r++) {
      for (const name of ['without', 'with'] as const) {
        const page = await contexts[name].newPage();
        await page.goto(url);
        const t = await page.evaluate(() => (window as unknown as { firstScript: number }).firstScript);
        if (r > 0) times[name].push(t); // the first load warms caches
        await page.close();
      }
    }
    const a = median(times.without), b = median(times.with);
    console.log('page cost (Chromium, a page without WebAssembly, first inline script runs at, median of 30 loads):');
    console.log(`  without the extension ${a.toFixed(1)} ms, with ${b.toFixed(1)} ms → +${(b - a).toFixed(1)} ms per page (frame) load`);
  } finally {
    await contexts.without.close();
    await contexts.with.close();
    server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
