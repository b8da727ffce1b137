// Big modules reaching an async entry point are rewritten in the page's rewrite
// worker, off its main thread (src/agent/rewrite-client.ts; issue 15 item 5).
// A 32 MB dense module (bench/dense-module.ts, runnable) through
// instantiateStreaming: the program's result is the same with and without the
// extension, every block is counted, and the page said the module was pending
// while it was rewritten there. (How long the main thread is held is measured
// by `npm run bench main-thread`, never asserted here.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openPanel, recordSite, tabIdOf, withoutExtension } from './harness';
import { denseModule } from '../bench/dense-module';
// @ts-expect-error plain ESM helper without types
import { serve } from '../scripts/serve.mjs';

// The page runs the module's main() (every function once, through the table)
// and notes the `pending` messages our page agent posts to the bridge.
const PAGE = `<!doctype html><meta charset="utf-8"><title>dense</title>
<script>
window.pending = [];
addEventListener('message', (e) => {
  const m = e.data && e.data.msg;
  if (e.data && e.data.tag === '__wasmLeaks:page' && m && m.t === 'pending') window.pending.push(m.modules);
});
window.run = async () => {
  const { instance } = await WebAssembly.instantiateStreaming(fetch('dense.wasm'), { env: { note() {} } });
  window.kept = instance; // (a dropped instance is released, and its figures with it)
  const x = instance.exports;
  const heapTop = x.main(0);
  return { heapTop, allocs: x.allocs.value, frees: x.frees.value, exports: Object.keys(x).sort() };
};
</script>`;

test.describe('a big module rewritten off the main thread', () => {
  let dir = '';
  let server: { close(): void; address(): { port: number } };
  let origin = '';
  let size = 0;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-dense-'));
    const bytes = denseModule({ bytes: 32e6, funcs: 3000, allocSites: 3000, calls: 3000, runnable: true });
    size = bytes.length;
    writeFileSync(join(dir, 'dense.wasm'), bytes);
    writeFileSync(join(dir, 'index.html'), PAGE);
    // A CSP <meta> (allowing what the page does): the rewrite worker is not started, the page rewrites it itself.
    writeFileSync(
      join(dir, 'csp.html'),
      PAGE.replace(
        '<title>',
        `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'"><title>`,
      ),
    );
    server = await serve(dir, 0);
    origin = `http://127.0.0.1:${server.address().port}`;
  });
  test.afterAll(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a 32 MB dense module via instantiateStreaming: same result as without the extension, every block counted', async ({ context }) => {
    test.setTimeout(240_000);
    const native = await withoutExtension(async (plain) => {
      const page = await plain.newPage();
      await page.goto(`${origin}/index.html`);
      return page.evaluate('window.run()');
    });
    // 14,596 malloc and 4,874 free calls in main(): 9,722 blocks stay live.
    expect(native).toEqual({
      heapTop: 250_016,
      allocs: 14_596,
      frees: 4_874,
      exports: ['allocs', 'free', 'frees', 'main', 'malloc', 'memory'],
    });

    await recordSite(context, origin, true);
    const page = await context.newPage();
    await page.goto('about:blank');
    const panel = await openPanel(context, await tabIdOf(context, page));
    await page.goto(`${origin}/index.html`);
    expect(await page.evaluate('window.run()')).toEqual(native);
    await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓', { timeout: 30_000 });
    // (its first batch carries ≈15,000 stacks: the panel takes seconds to show it on a loaded machine)
    await expect(panel.getByTestId('module-live-count')).toHaveText('9,722', { timeout: 90_000 });
    await expect(panel.getByTestId('total-live-count')).toHaveText('9,722');
    // Pending while the worker had it (said again to a panel that resyncs meanwhile), then none.
    const said = (await page.evaluate('window.pending')) as unknown[];
    expect(said.at(-1)).toEqual([]);
    expect(new Set(said.slice(0, -1).map((x) => JSON.stringify(x)))).toEqual(
      new Set([JSON.stringify([{ name: `${origin}/dense.wasm`, size }])]),
    );
    await expect(panel.getByTestId('module-pending')).toHaveCount(0);
  });

  test('where the page has a CSP <meta>, no worker is started: rewritten in the page, same result and counts', async ({ context }) => {
    test.setTimeout(240_000);
    await recordSite(context, origin, true);
    const page = await context.newPage();
    await page.goto('about:blank');
    const panel = await openPanel(context, await tabIdOf(context, page));
    await page.goto(`${origin}/csp.html`);
    expect(await page.evaluate('window.run()')).toEqual({
      heapTop: 250_016,
      allocs: 14_596,
      frees: 4_874,
      exports: ['allocs', 'free', 'frees', 'main', 'malloc', 'memory'],
    });
    await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓', { timeout: 30_000 });
    await expect(panel.getByTestId('module-live-count')).toHaveText('9,722', { timeout: 90_000 });
    expect(await page.evaluate('window.pending')).toEqual([]);
  });
});

test('the module list shows a page’s pending modules until the page says they are done', async ({ context, site }) => {
  const page = await context.newPage();
  await page.goto(`${site}/no-wasm.html`);
  const panel = await openPanel(context, await tabIdOf(context, page));
  // What the page agent posts while its rewrite worker has a module (forged here, as any page script could).
  const pending = (modules: { name: string; size: number }[]) =>
    page.evaluate((m) => window.postMessage({ tag: '__wasmLeaks:page', msg: { t: 'pending', modules: m } }, '*'), modules);
  await pending([{ name: 'https://example.test/lib/sqlite3.wasm', size: 12_345_678 }]);
  await expect(panel.getByTestId('module-pending')).toHaveText('instrumenting sqlite3.wasm 11.8 MB…');
  await expect(panel.getByTestId('no-modules')).toHaveCount(0);
  await pending([]);
  await expect(panel.getByTestId('module-pending')).toHaveCount(0);
  await expect(panel.getByTestId('no-modules')).toBeVisible();
});
