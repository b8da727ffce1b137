// Never break the page, issue 15 item 6: what a page can observe of the
// WebAssembly API and of its modules' stack traces is what it observes without
// the extension. Each probe runs in a page of the test site with the built
// extension (recording) and in a browser without it; the records are compared
// property by property (the probe: src/test-support/observe-probe.ts).
import { test, expect, withAndWithout } from './harness';
import { observeWebAssembly } from '../src/test-support/observe-probe';

type Probed = Record<string, unknown>;

/** The probe's records, natively and hooked: the same properties, each the same (soft: every difference is listed). */
function expectSameRecord(native: Probed, hooked: Probed): void {
  expect(Object.keys(hooked)).toEqual(Object.keys(native));
  for (const k of Object.keys(native)) expect.soft(hooked[k], k).toEqual(native[k]);
}

/**
 * An expression for the page: the probe run on the page's WebAssembly, or in a worker of `kind` started from
 * workers/observe.js (it answers on its port; a dedicated worker is terminated once it answered), on the seed module's bytes.
 */
function probeIn(kind: 'page' | 'Worker' | 'SharedWorker'): string {
  const probe = observeWebAssembly.toString();
  const bytes = "await (await fetch('wasm/leak-wasi-O2.wasm')).arrayBuffer()";
  if (kind === 'page') return `(async () => (${probe})(WebAssembly, { bytes: ${bytes} }))()`;
  const [start, port, end] =
    kind === 'Worker'
      ? ["new Worker('workers/observe.js')", 'worker', 'worker.terminate();']
      : ["new SharedWorker('workers/observe.js', 'observe')", 'worker.port', ''];
  return `(async () => {
    const bytes = ${bytes};
    const worker = ${start};
    const seen = await new Promise((resolve) => {
      ${port}.onmessage = (e) => resolve(e.data);
      ${port}.postMessage({ probe: ${JSON.stringify(probe)}, bytes });
    });
    ${end}
    return seen;
  })()`;
}

for (const [kind, page, title] of [
  [
    'page',
    'no-wasm.html',
    'the WebAssembly API as the page sees it: functions, names, lengths, toString, descriptors, errors and messages, as without the extension',
  ],
  [
    'Worker',
    'workers.html',
    'the WebAssembly API as a worker sees it (a worker the extension hooks): the same probe, as without the extension',
  ],
  [
    'SharedWorker',
    'workers.html',
    'the WebAssembly API as a SharedWorker sees it (hooked while recording): the same probe, as without the extension',
  ],
] as const) {
  test(title, async ({ context, site }) => {
    const { native, hooked } = await withAndWithout<Probed>(context, `${site}/${page}`, probeIn(kind));
    expect(native.error).toBeUndefined();
    expectSameRecord(native, hooked);
    expect(Object.keys(native).length).toBeGreaterThan(50);
  });
}

test('a trap in an instrumented module names the same wasm-function[N] as without the extension, frame by frame', async ({
  context,
  site,
}) => {
  // Natively and hooked: the module's own functions keep their indices (the
  // rewriter imports nothing). Our wrappers show as frames of their own (with
  // a __wasm_leaks_ name) between a call site and the allocator; offsets move
  // by the growth of the sections before the code (see docs/ARCHITECTURE.md).
  const { native, hooked } = await withAndWithout<Probed>(
    context,
    `${site}/no-wasm.html`,
    `(async () => {
      const bytes = await (await fetch('wasm/leak-wasi-O2.wasm')).arrayBuffer();
      const out = {};
      for (const [name, trap] of [['checksum_last', (x) => x.checksum_last(1 << 30)], ['do_free', (x) => x.do_free(0xfffff0)]]) {
        const { instance } = await WebAssembly.instantiate(bytes, {});
        const x = instance.exports;
        x._initialize();
        x.process_data(16);
        try { trap(x); out[name] = 'no trap'; } catch (e) {
          out[name] = String(e.stack).split('\\n').filter((l) => l.includes('wasm-function[')).map((l) => l.trim());
        }
      }
      return out;
    })()`,
  );
  const frames = (lines: unknown) =>
    (lines as string[]).map((l) => {
      const m = /at (\S+) \(wasm:\/\/wasm\/[0-9a-f]+:wasm-function\[(\d+)\]:0x([0-9a-f]+)\)/.exec(l);
      if (!m) throw new Error(`not a wasm frame: ${l}`);
      return { name: m[1], func: Number(m[2]), offset: Number.parseInt(m[3], 16) };
    });
  for (const trap of ['checksum_last', 'do_free']) {
    const n = frames(native[trap]);
    const h = frames(hooked[trap]);
    const own = h.filter((f) => !f.name.startsWith('__wasm_leaks_'));
    expect(n.length, trap).toBeGreaterThan(0);
    expect(
      own.map((f) => `${f.name} wasm-function[${f.func}]`),
      trap,
    ).toEqual(n.map((f) => `${f.name} wasm-function[${f.func}]`));
    expect(h.length - own.length, trap).toBe(trap === 'do_free' ? 1 : 0);
    // one constant shift of every offset in this module (clang keeps every body's size)
    const delta = own[0].offset - n[0].offset;
    expect(delta).toBeGreaterThan(0);
    expect(
      own.map((f) => f.offset - delta),
      trap,
    ).toEqual(n.map((f) => f.offset));
  }
  expect(frames(native.checksum_last).map((f) => `${f.name} wasm-function[${f.func}]`)).toEqual(['checksum_last wasm-function[5]']);
  expect(frames(native.do_free).map((f) => `${f.name} wasm-function[${f.func}]`)).toEqual([
    'dlfree wasm-function[21]',
    'free wasm-function[20]',
    'do_free wasm-function[11]',
  ]);
});
