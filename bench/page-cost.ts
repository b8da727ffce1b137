// What a page pays for the extension. The extension is dormant by default (no
// content script until recording is asked for, see
// extension/background/recording.ts), so three browsers are compared side by
// side, loads interleaved (order rotating), median of 30 each (the first load of each warms
// caches): no extension, the extension installed but not recording, and the
// extension recording the site ("Record this site on every load").
//   - a page without WebAssembly: when its first inline script runs
//     (performance.now() from navigation start);
//   - the demo page with WebAssembly: when its module is ready (demo.ready);
//   - the tree workload (tree_workload(15, 8) of leak-wasi-O2.wasm: 65,535
//     nodes built, walked and freed, ×8) run in the page once loaded: one
//     call to warm up (V8 tiers the hot functions up; when recording, the
//     first call also captures each calling context's stack once), then the
//     median of 5 calls per load: its time ÷ no extension's (1.00× expected
//     when not recording: nothing is injected, the module is the original);
//   - many instances (a page that makes one per job): 100 instances of one
//     module made, used once and dropped, the page yielding every 20.
// Run `npm run build` first (or set WASM_LEAKS_DIST to a build of your own).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from '@playwright/test';
import { join } from 'node:path';
import { DIST, launch, recordSite, SITE } from '../e2e/harness';
import { median } from './timing';
// @ts-expect-error plain ESM helper without types
import { serve } from '../scripts/serve.mjs';

const LOADS = 30;

function quartiles(xs: number[]): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)], s[Math.ceil((3 * (s.length - 1)) / 4)]];
}

export async function run(): Promise<void> {
  if (!existsSync(join(DIST, 'manifest.json'))) return console.log(`page-cost: build first (npm run build; no ${DIST}/manifest.json)`);
  const server = await serve(SITE, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const names = ['no extension', 'installed, not recording', 'recording'] as const;
  const contexts: Record<(typeof names)[number], BrowserContext> = {
    'no extension': await launch(false),
    'installed, not recording': await launch(true),
    recording: await launch(true),
  };
  await recordSite(contexts.recording, origin, true);
  const pages: Record<string, { url: string; time: () => number | Promise<number>; ratio?: boolean }> = {
    'a page without WebAssembly (first inline script runs at)': {
      url: `${origin}/no-wasm.html`,
      time: () => (window as unknown as { firstScript: number }).firstScript,
    },
    'the demo page with WebAssembly (module ready at)': {
      url: `${origin}/index.html?build=wasi-O0`,
      time: () => (window as unknown as { demo: { ready: Promise<unknown> } }).demo.ready.then(() => performance.now()),
    },
    'the tree workload, tree_workload(15, 8) in the loaded demo page (1 warm-up call, median of 5)': {
      url: `${origin}/index.html?build=wasi-O2`,
      ratio: true,
      time: async () => {
        const demo = (window as unknown as { demo: { ready: Promise<unknown>; api: { call(n: string, ...a: number[]): number } } }).demo;
        await demo.ready;
        const t: number[] = [];
        for (let i = 0; i <= 5; i++) {
          const t0 = performance.now();
          demo.api.call('tree_workload', 15, 8);
          if (i > 0) t.push(performance.now() - t0);
        }
        return t.sort((a, b) => a - b)[2];
      },
    },
    'many instances: 100 instances of one module made, used (process_data(4096)) and dropped, yielding every 20': {
      url: `${origin}/no-wasm.html`,
      ratio: true,
      time: async () => {
        const module = new WebAssembly.Module(await (await fetch('wasm/leak-wasi-O2.wasm')).arrayBuffer());
        const t0 = performance.now();
        for (let i = 0; i < 100; i++) {
          const x = new WebAssembly.Instance(module, {}).exports as Record<string, (...a: number[]) => number>;
          x._initialize();
          x.process_data(4096);
          if (i % 20 === 19) await new Promise((r) => setTimeout(r, 0));
        }
        return performance.now() - t0;
      },
    },
  };
  try {
    for (const [what, { url, time, ratio }] of Object.entries(pages)) {
      const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      for (let r = 0; r <= LOADS; r++) {
        // The order rotates each round: no browser always loads first or last.
        for (const name of [...names.slice(r % 3), ...names.slice(0, r % 3)]) {
          const page = await contexts[name].newPage();
          await page.goto(url);
          const t = await page.evaluate(time);
          if (r > 0) times[name].push(t);
          await page.close();
        }
      }
      const base = median(times['no extension']);
      console.log(`page cost, ${what}, median of ${LOADS} loads [p25–p75]:`);
      for (const name of names) {
        const m = median(times[name]);
        const [lo, hi] = quartiles(times[name]);
        const delta =
          name === 'no extension'
            ? ''
            : ratio
              ? ` → ${(m / base).toFixed(2)}× (p25–p75 ${(lo / base).toFixed(2)}–${(hi / base).toFixed(2)}×)`
              : ` → ${m - base >= 0 ? '+' : ''}${(m - base).toFixed(1)} ms`;
        console.log(`  ${name.padEnd(26)} ${m.toFixed(1)} ms [${lo.toFixed(1)}–${hi.toFixed(1)}]${delta}`);
      }
    }
  } finally {
    for (const c of Object.values(contexts)) await c.close();
    server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
