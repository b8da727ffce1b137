// Allocator shapes built from source (e2e/fixtures/src/shapes.c, build.sh):
// emscripten release modules whose malloc and free are reached through
// separate wrappers with no shared caller (paired by allocator state and the
// chunk header), dlmalloc and emmalloc (malloc = a forwarder, free = exports
// that all forward to one body), calloc/realloc used inside and found by
// structure even when malloc/free are exported by name. Each runs through
// its own glue under the page agent: the exact blocks, every realloc's new
// size (most grow in place), everything freed, 0 errors.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { instrument } from './index';
import { fixture, FIXTURE_DIR } from '../test-support/fixtures';
import { TestPage } from '../test-support/test-page';
import type { Tracker } from '../tracker';

/** The emscripten glue (CommonJS; the repo's .js files are ES modules to Node): its factory. */
function loadGlue(name: string): (o: object) => Promise<Shapes> {
  const url = new URL(name, FIXTURE_DIR);
  const module = { exports: {} as unknown };
  new Function('module', 'exports', '__dirname', '__filename', readFileSync(url, 'utf8'))(
    module,
    module.exports,
    new URL('.', url).pathname,
    url.pathname,
  );
  return module.exports as (o: object) => Promise<Shapes>;
}

interface Shapes {
  _malloc(n: number): number;
  _free(p: number): void;
  _box_new(n: number): number;
  _box_free(p: number): void;
  _text_new(n: number): number;
  _text_free(p: number): void;
  _grow?(p: number, n: number): number;
  _list_push(v: number): void;
  _list_clear(): number;
  _scratch_release(p: number): void;
}

/** The allocators the rewriter found, as `role=name`, sorted. */
const found = (r: ReturnType<typeof instrument>) =>
  r.allocators
    .map((a) => `${a.role}=${a.name}`)
    .sort()
    .join(' ');

const CASES: [string, string][] = [
  // [fixture, allocators found (role=name, sorted)]
  // -DSEPARATE_ONLY: malloc called by 3 functions, free by 4 others; the glue: _malloc = e, _free = g
  // (i = text_free, compiled to the same body: `free(p)`)
  ['separate-O3', 'free=g free=i malloc=e'],
  ['emcc-O3', 'calloc=func8 free=h malloc=f realloc=k'],
  ['emmalloc-O3', 'calloc=func9 free=func2 free=h free=j malloc=f malloc=func3 realloc=k'],
  ['emcc-O2', 'calloc=func15 free=free malloc=malloc realloc=grow'],
];

describe('allocator shapes (e2e/fixtures/src/shapes.c)', () => {
  for (const [name, want] of CASES) {
    it(`shapes-${name}: found, never partial`, () => {
      const r = instrument(fixture(`shapes-${name}.wasm`));
      expect(found(r)).toBe(want);
      expect(r.partial).toBeUndefined();
      // The pair was found without a shared caller: by what they do.
      const byState = r.allocators.some((a) => a.role === 'free' && /chunk header/.test(a.evidence ?? ''));
      expect(byState).toBe(name === 'separate-O3' || name === 'emmalloc-O3');
    });

    it(`shapes-${name}: through its glue, the exact blocks and sizes, all freed, 0 errors`, async () => {
      const { wa, agent, sent } = new TestPage('test://shapes');
      const create = loadGlue(`shapes-${name}.js`);
      const bytes = fixture(`shapes-${name}.wasm`);
      const M = await create({
        instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
          void wa.instantiate(bytes, imports).then((r) => done(r.instance, r.module));
          return {};
        },
      });
      const t = agent.records[0].tracker as Tracker;
      const base = [t.liveCount, t.liveBytes];
      const boxes: number[] = [];
      const texts: number[] = [];
      for (let i = 0; i < 10; i++) boxes.push(M._box_new(100)); // malloc(8) + calloc(100, 1)
      for (let i = 0; i < 10; i++) texts.push(M._text_new(50)); // malloc(51)
      for (let i = 0; i < 20; i++) M._list_push(i); // calloc(1, 8)
      let p = 0;
      if (M._grow) for (let n = 16; n <= 1600; n += 16) p = M._grow(p, n); // 100 reallocs, most in place
      const js = M._malloc(333); // from JS, through the glue's _malloc
      // 10 × (8 + 100) + 10 × 51 + 20 × 8 (+ 1,600) + 333
      expect([t.liveCount - base[0], t.liveBytes - base[1]]).toEqual(M._grow ? [52, 3683] : [51, 2083]);
      expect(t.reallocs).toBe(M._grow ? 99 : 0); // grow(NULL, 16) is an allocation
      for (const b of boxes) M._box_free(b);
      for (const s of texts) M._text_free(s);
      expect(M._list_clear()).toBe(20);
      if (p) M._scratch_release(p);
      M._free(js);
      expect([t.liveCount, t.liveBytes]).toEqual(base);
      agent.flush();
      const mods = sent.filter((m) => m.t === 'module');
      expect(mods.map((m) => m.t === 'module' && [m.instrumented, m.reason])).toEqual([[true, '']]);
      expect(t.errors).toEqual([]);
      expect(sent.flatMap((m) => (m.t === 'batch' ? m.errors : []))).toEqual([]);
    });
  }
});

interface WbgShapes {
  memory: WebAssembly.Memory;
  __wbindgen_export_1(size: number, align: number): number;
  __wbindgen_export_2(ptr: number, old: number, size: number, align: number): number;
  __wbindgen_export_3(ptr: number, size: number, align: number): void;
  __wbindgen_export_4(a: number, b: number, c: number): void;
  make(n: number): number;
  push_many(v: number, k: number): void;
  drop_it(v: number): void;
  strings(n: number): number;
}

describe('wasm-bindgen-shaped Rust (e2e/fixtures/src/rust/wbg_shapes.rs)', () => {
  it('renamed exports: the free that leads to the allocator wins over a closure helper of the same type; internal free (ptr, size)', () => {
    const r = instrument(fixture('wbg-shapes-rust.wasm'));
    expect(found(r)).toBe(
      'free=func2 rust_alloc=func1 rust_realloc=func21 wbg_free=__wbindgen_export_3 wbg_malloc=__wbindgen_export_1 wbg_realloc=__wbindgen_export_2',
    );
    expect(r.partial).toBeUndefined();
  });

  it('Vec growth, strings, JS-side malloc/realloc/free: every block freed, 0 errors', async () => {
    const { wa, agent, sent } = new TestPage('test://wbg-shapes');
    const { instance } = await wa.instantiate(fixture('wbg-shapes-rust.wasm'));
    const x = instance.exports as unknown as WbgShapes;
    const t = agent.records[0].tracker as Tracker;
    const v = x.make(1000);
    expect([t.liveCount, t.liveBytes]).toEqual([2, 1000 + 12]); // the Vec's buffer and its Box (ptr, cap, len)
    x.push_many(v, 5000); // grows by realloc: 1000 -> 2000 -> 4000 -> 8000
    expect([t.liveCount, t.liveBytes]).toEqual([2, 8000 + 12]);
    expect(x.strings(300)).toBe(10 * 2 + 90 * 3 + 200 * 4); // "s0".."s299": built and dropped inside
    expect([t.liveCount, t.liveBytes]).toEqual([2, 8012]);
    x.__wbindgen_export_4(1, 2, 3); // the closure helper: no allocator event
    const p = x.__wbindgen_export_1(64, 1); // as the glue's passStringToWasm0 does
    const q = x.__wbindgen_export_2(p, 64, 200, 1);
    expect([t.liveCount, t.liveBytes]).toEqual([3, 8212]);
    x.__wbindgen_export_3(q, 200, 1);
    x.drop_it(v);
    expect([t.liveCount, t.liveBytes]).toEqual([0, 0]);
    expect(t.totalAllocs).toBeGreaterThan(300);
    expect(t.errors).toEqual([]);
    agent.flush();
    expect(sent.flatMap((m) => (m.t === 'batch' ? m.errors : []))).toEqual([]);
  });
});

interface AsLeaky {
  memory: WebAssembly.Memory;
  fill(n: number): number;
  clear(): void;
  greet(p: number): number;
  __new(size: number, id: number): number;
  __pin(p: number): number;
  __unpin(p: number): void;
  __collect(): void;
}

describe('AssemblyScript runtime (e2e/fixtures/src/as/leaky.ts, incremental GC, --exportRuntime)', () => {
  it('the TLSF allocator under __new and the collector, found by name', () => {
    const r = instrument(fixture('as-leaky-debug.wasm'));
    expect(found(r)).toBe('free=~lib/rt/tlsf/__free malloc=~lib/rt/tlsf/__alloc');
    expect(r.partial).toBeUndefined();
  });

  it("objects collected are freed; a string __pin'd and never __unpin'd stays: the leak; 0 errors", async () => {
    const { wa, agent, sent } = new TestPage('test://as');
    const { instance } = await wa.instantiate(fixture('as-leaky-debug.wasm'), {
      env: {
        abort: () => {
          throw new Error('abort');
        },
      },
    });
    const x = instance.exports as unknown as AsLeaky;
    const t = agent.records[0].tracker as Tracker;
    /** A JS string in the module, as the loader makes one: __new(bytes, id 2 = String), UTF-16 written. */
    const str = (s: string) => {
      const p = x.__new(s.length << 1, 2);
      new Uint16Array(x.memory.buffer, p, s.length).set(Array.from(s, (c) => c.charCodeAt(0)));
      return p;
    };
    x.__collect();
    const base = [t.liveCount, t.liveBytes];
    expect(x.fill(100)).toBe(100);
    expect(t.liveCount - base[0]).toBeGreaterThanOrEqual(200); // 100 Items, their names, the array
    x.clear();
    x.__collect();
    // Everything collected is freed; what stays is the new `items = []`
    // (the first one was static data): its header and its buffer.
    expect([t.liveCount - base[0], t.liveBytes - base[1]]).toEqual([2, 48]);
    const cleared = [t.liveCount, t.liveBytes];
    const kept = x.__pin(x.greet(str('wasm'))); // pinned while JS reads it...
    x.__collect();
    expect(t.liveCount - cleared[0]).toBe(1); // ...and never unpinned: one block stays
    x.__unpin(kept);
    x.__collect();
    expect([t.liveCount, t.liveBytes]).toEqual(cleared);
    expect(t.totalFrees).toBeGreaterThan(200);
    expect(t.errors).toEqual([]);
    agent.flush();
    expect(sent.flatMap((m) => (m.t === 'batch' ? m.errors : []))).toEqual([]);
  });
});
