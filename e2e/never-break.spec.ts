// Never break the page: probes of what the extension must not change, run in
// Chromium with the built extension and compared with a browser without it.
import { test, expect, launch } from './harness';

test('3,000 instrumented instances created, used and dropped: all succeed, as without the extension', async ({ context, site }) => {
  // Each instance has its own memory and, instrumented in Chromium, a second
  // (table) memory: kept forever, Chromium ran out of Wasm memory after 62,
  // for good. Held weakly now; the page yields every 20 instances because a
  // WeakRef keeps its target alive until the end of the task that made it
  // (so ≈60 instances made in one task without yielding still exhaust the
  // address space reserved for Wasm memories, where ≈120 would natively).
  const run = async (ctx: typeof context) => {
    const page = await ctx.newPage();
    await page.goto(`${site}/no-wasm.html`);
    return page.evaluate(async () => {
      const bytes = await (await fetch('wasm/leak-wasi-O2.wasm')).arrayBuffer();
      const module = new WebAssembly.Module(bytes);
      let ok = 0;
      let error = '';
      for (let i = 0; i < 3000; i++) {
        try {
          const x = new WebAssembly.Instance(module, {}).exports as Record<string, (...a: number[]) => number>;
          x._initialize();
          x.process_data(4096);
          ok++;
        } catch (e) {
          error = String(e);
          break;
        }
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 0));
      }
      return { ok, error };
    });
  };
  const plain = await launch(false);
  try {
    expect(await run(plain)).toEqual({ ok: 3000, error: '' });
  } finally {
    await plain.close();
  }
  expect(await run(context)).toEqual({ ok: 3000, error: '' });
});
