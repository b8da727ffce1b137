// Never break the page: probes of what the extension must not change, run in
// Chromium with the built extension and compared with a browser without it.
import { test, expect, launch } from './harness';
import { openDemoAndPanel, type Demo } from './scenario';

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

test('allocator exports stay real wasm functions: table.set, LinkError on a wrong signature, no `new`, as without the extension', async ({
  context,
  site,
}) => {
  const run = async (ctx: typeof context) => {
    const page = await ctx.newPage();
    await page.goto(`${site}/no-wasm.html`);
    return page.evaluate(async () => {
      const { instance } = await WebAssembly.instantiate(await (await fetch('wasm/leak-wasi-O2.wasm')).arrayBuffer(), {});
      const x = instance.exports as Record<string, (...a: number[]) => number>;
      x._initialize();
      const out: Record<string, string> = {};
      const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
      try {
        table.set(0, x.malloc);
        out.tableSet = table.get(0) === x.malloc ? 'same function' : 'other function';
      } catch (e) {
        out.tableSet = String(e);
      }
      try {
        new (x.malloc as unknown as new () => object)();
        out.construct = 'constructed';
      } catch (e) {
        out.construct = (e as Error).name;
      }
      // (import "m" "f" (func (param i64))) linked with malloc: (i32) -> i32
      const importer = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 1, 126, 0, 2, 7, 1, 1, 109, 1, 102, 0, 0]);
      try {
        new WebAssembly.Instance(new WebAssembly.Module(importer), { m: { f: x.malloc } });
        out.link = 'linked';
      } catch (e) {
        out.link = (e as Error).name;
      }
      out.malloc = String(x.malloc(64) > 0);
      return out;
    });
  };
  const plain = await launch(false);
  let native: unknown;
  try {
    native = await run(plain);
  } finally {
    await plain.close();
  }
  expect(native).toEqual({ tableSet: 'same function', construct: 'TypeError', link: 'LinkError', malloc: 'true' });
  expect(await run(context)).toEqual(native);
});

test('a module compiled on the main thread and posted to a worker instantiates there (emscripten pthreads), as without the extension', async ({
  context,
  site,
}) => {
  const run = async (ctx: typeof context) => {
    const page = await ctx.newPage();
    await page.goto(`${site}/no-wasm.html`);
    return page.evaluate(async () => {
      const bytes = await (await fetch('wasm/leak-wasi-O2.wasm')).arrayBuffer();
      const worker = new Worker(
        URL.createObjectURL(
          new Blob(
            [
              `
        onmessage = async (e) => {
          try {
            const x = (await WebAssembly.instantiate(e.data, {})).exports;
            x._initialize();
            x.process_data(64);
            postMessage('instantiated: ' + WebAssembly.Module.imports(e.data).length + ' imports');
          } catch (error) {
            postMessage(String(error));
          }
        };`,
            ],
            { type: 'text/javascript' },
          ),
        ),
      );
      const results: string[] = [];
      for (const module of [
        new WebAssembly.Module(bytes),
        await WebAssembly.compile(bytes),
        (await WebAssembly.instantiate(bytes, {})).module,
      ]) {
        results.push(
          await new Promise<string>((resolve) => {
            worker.onmessage = (e) => resolve(String(e.data));
            worker.postMessage(module);
          }),
        );
      }
      worker.terminate();
      return results;
    });
  };
  const plain = await launch(false);
  let native: string[];
  try {
    native = await run(plain);
  } finally {
    await plain.close();
  }
  expect(native).toEqual(['instantiated: 0 imports', 'instantiated: 0 imports', 'instantiated: 0 imports']);
  expect(await run(context)).toEqual(native);
});

test('a page message too large for a port (> 64 MiB) is dropped, counted and shown; later updates still arrive', async ({
  context,
  site,
}) => {
  const { page, panel } = await openDemoAndPanel(context, site);
  // A forged batch that passes validation (bounded strings, ≤ 64 frames per
  // site) but serializes to ≈ 90 MB: before, the bridge re-queued it and
  // reconnected for ever, and the panel froze at stale figures.
  await page.evaluate(() => {
    const frame = { name: 'x'.repeat(200), func: 1, offset: 2, file: 'y'.repeat(200), line: 3 };
    const sites = Array.from({ length: 4000 }, (_, i) => ({
      id: 1_000_000 + i,
      module: 1,
      frames: Array.from({ length: 64 }, () => frame),
    }));
    window.postMessage({ tag: '__wasmLeaks:page', msg: { t: 'batch', seq: 999_999, samples: '', sites, errors: [] } }, '*');
  });
  await expect(panel.locator('.banner[role=status]')).toContainText(
    "too large for Chrome's 64 MiB message limit and was dropped (1 dropped in this frame)",
    { timeout: 30_000 },
  );
  await page.evaluate(() => (window as unknown as { demo: Demo }).demo.leak());
  await expect(panel.getByTestId('total-live-count')).toHaveText(/^1\d\d$/);
});
