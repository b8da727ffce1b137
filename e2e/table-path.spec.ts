// The 'table' event path (src/wasm/table-wrappers.ts + src/agent/wasm-table.ts)
// needs multi-memory, which Node 20 lacks: it is checked here, in Chromium.
// 1. Same workload, 'call' path vs 'table' path, through the real page side:
//    identical live set (pointers, sizes, seqs, sites), counters and errors,
//    with far fewer events reaching JavaScript.
// 2. The extension on the demo page (whose page script picks 'table' where
//    multi-memory exists): the seed leak's figures, exactly.
import { chromium } from '@playwright/test';
import { test, expect, chromePath } from './harness';
import { openDemoAndPanel, compareAround, expectSeedLeak, SEED_BYTES, type Demo } from './scenario';
import { fixture } from '../src/test-support/fixtures';
import type { Outcome } from './table-check';

declare const demo: Demo;

async function bundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const built = await esbuild.build({
    entryPoints: ['e2e/table-check.ts'],
    bundle: true,
    format: 'iife',
    globalName: '__tableCheck',
    write: false,
    target: 'es2022',
    platform: 'browser',
  });
  return built.outputFiles[0].text;
}

for (const [file, kind] of [
  ['leak-wasi-O2.wasm', 'c'],
  ['leak-wasi-O0.wasm', 'c'],
  ['leak-emcc-O2.wasm', 'c'],
  ['leak-rust.wasm', 'rust'],
] as const) {
  test(`${file}: the table path keeps the same live set, counters and errors as the call path`, async () => {
    const browser = await chromium.launch({ executablePath: chromePath(), args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><title>table path</title>');
      await page.addScriptTag({ content: await bundle() });
      const b64 = Buffer.from(fixture(file)).toString('base64');
      const { call, table } = (await page.evaluate(`__tableCheck.check(${JSON.stringify(b64)}, ${JSON.stringify(kind)})`)) as {
        call: Outcome;
        table: Outcome;
      };
      expect(table.multiMemory).toBe(true);
      expect(call.instrumented && table.instrumented).toBe(true);
      expect(table.tableAttached).toBe(true);
      expect(call.tableAttached).toBe(false);
      expect(table.result).toEqual(call.result);
      expect(table.live.ptr.length).toBeGreaterThan(0);
      expect(table.live.ptr).toEqual(call.live.ptr);
      expect(table.live.size).toEqual(call.live.size);
      expect(table.live.seq).toEqual(call.live.seq);
      expect(table.live.site).toEqual(call.live.site);
      expect(table.counters).toEqual(call.counters);
      expect(table.errors).toEqual(call.errors);
      // The point of it: almost every event stayed in wasm.
      expect(call.jsEvents).toBeGreaterThan(40_000);
      expect(table.jsEvents).toBeLessThan(call.jsEvents / 50);
      if (kind === 'c') {
        expect(call.live.ptr.length).toBeGreaterThan(5000);
        expect(table.tableBytes).toBeGreaterThan(18 * 65536); // grew past the initial table
      }
    } finally {
      await browser.close();
    }
  });
}

test('the page script picks the table path in Chromium: seed leak figures are exact', async ({ context, site }) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O2');
  expect(await page.evaluate(() => WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 5, 2, 0, 0, 0, 0])))).toBe(true);
  await page.evaluate(() => demo.workloads()); // malloc-heavy traffic on the wasm fast path first
  await compareAround(panel, () => page.evaluate(() => demo.leak()));
  await expectSeedLeak(panel);
  await panel.getByTestId('block-row').first().click();
  await expect(panel.getByTestId('hexdump')).toContainText(SEED_BYTES);
});
