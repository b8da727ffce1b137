// Never break the page, issue 15 item 6, in Node: what a page can observe of
// the hooked WebAssembly API and of its modules' traps is what it observes of
// the native one. (The same probe runs in Chromium with the built extension:
// e2e/never-break-observe.spec.ts.)
import { describe, it, expect } from 'vitest';
import { fixture } from '../test-support/fixtures';
import { TestPage } from '../test-support/test-page';
import { freshWebAssembly } from '../test-support/page-messages';
import { observeWebAssembly } from '../test-support/observe-probe';

describe('never break: what the page observes', () => {
  it('the API, property by property: functions, names, lengths, toString, descriptors, constructors, instances, errors and their messages', async () => {
    const bytes = fixture('leak-wasi-O2.wasm').slice().buffer;
    // Node's own namespace, copied as the hooked one is (test-page.ts), before any hook exists
    const native = await observeWebAssembly(freshWebAssembly(), { bytes });
    const page = new TestPage('test://observe');
    const hooked = await observeWebAssembly(page.wa, { bytes });
    // the probe really went through the hooks: its module was instrumented
    expect(page.agent.records.some((r) => r.instrumented)).toBe(true);
    expect(Object.keys(hooked)).toEqual(Object.keys(native));
    for (const k of Object.keys(native)) expect.soft(hooked[k], k).toEqual(native[k]);
    // the figures the issue named
    expect(hooked['fn instantiateStreaming']).toMatchObject({ length: 1, toString: 'function instantiateStreaming() { [native code] }' });
    expect(hooked['Module.prototype.constructor is Module']).toBe(true);
    expect(hooked['instance own keys']).toEqual([]);
  });
});

/** Frames of a trap's stack: [function index, module offset]. */
function wasmFrames(stack: string): [number, number][] {
  return [...stack.matchAll(/wasm-function\[(\d+)\]:0x([0-9a-f]+)/g)].map((m) => [Number(m[1]), Number.parseInt(m[2], 16)]);
}

describe('never break: traps name the same functions', () => {
  const traps: [string, (x: Record<string, (...a: number[]) => number>) => unknown][] = [
    ['an out-of-bounds read in checksum_last', (x) => x.checksum_last(1 << 30)],
    ['free of a wild pointer (inside dlfree, called through do_free)', (x) => x.do_free(0xfffff0)],
  ];
  for (const [what, trap] of traps) {
    it(`${what}: every frame of the module's own code has the original's wasm-function[N]; its offset maps back exactly`, () => {
      const bytes = fixture('leak-wasi-O2.wasm');
      const run = (wa: typeof WebAssembly): string => {
        const x = new wa.Instance(new wa.Module(bytes), {}).exports as Record<string, (...a: number[]) => number>;
        x._initialize();
        x.process_data(16);
        try {
          trap(x);
        } catch (e) {
          return String((e as Error).stack);
        }
        return 'no trap';
      };
      const native = wasmFrames(run(freshWebAssembly()));
      const page = new TestPage('test://trap');
      const hooked = wasmFrames(run(page.wa));
      const rec = page.agent.records[0];
      expect(rec.instrumented).toBe(true);
      const outcome = rec.outcome!;
      expect(native.length).toBeGreaterThan(0);
      // Our wrappers (indices past the module's functions) may stand between
      // two of the module's frames (a call to free goes through its site's
      // wrapper); every other frame is the original's, in order.
      const own = hooked.filter(([f]) => outcome.toOriginalFunc(f) >= 0);
      expect(own.map(([f]) => f)).toEqual(native.map(([f]) => f));
      expect(hooked.length - own.length).toBe(what.startsWith('free') ? 1 : 0);
      // Byte offsets are not the original's: the sections before the code
      // grow (our types, functions, table and exports), by the same amount
      // for every body clang laid out (padded call indices keep sizes).
      const delta = own[0][1] - native[0][1];
      expect(delta).toBeGreaterThan(0);
      expect(own.map(([, o]) => o - native[0][1] - delta + native[0][1])).toEqual(native.map(([, o]) => o));
      // ...and the rewriter's offset map takes each back to the original's.
      expect(own.map(([, o]) => outcome.toOriginalOffset(o))).toEqual(native.map(([, o]) => o));
    });
  }
});
