// Whole allocation stacks, end to end in Node (call path): every leaked block
// carries its own stack, and a block's site is the first frame outside the
// allocator wrappers. Fixtures: e2e/fixtures/src/stacks.cpp (xmalloc and
// operator new, each called by two functions with different sizes) and
// e2e/fixtures/src/rust/vecs.rs (Vec growth in two functions); figures from
// e2e/fixtures/STACKS.md.
import { describe, it, expect } from 'vitest';
import { siteFrameIndex, type SiteMsg, type DiffMsg } from '../protocol';
import { FIXTURE_DIR, fixture as wasm } from '../test-support/fixtures';
import { FixturePage, TestPage, started, stubImports } from '../test-support/test-page';

/** Instantiates a fixture under a fresh page agent; every import is a stub returning 0 unless `env` names it. */
function load(file: string, bytes: Uint8Array<ArrayBuffer> = wasm(file), env: Record<string, (...a: number[]) => number> = {}) {
  const page = new TestPage('test://stacks');
  const instance = new page.wa.Instance(new page.wa.Module(bytes), stubImports(bytes, env));
  const memory = instance.exports.memory as WebAssembly.Memory;
  const x = started(instance);
  /** Snapshot A, `act`, Snapshot B: the comparison's new blocks as (size, site frames). */
  const compare = (act: () => void): { diff: DiffMsg; blocks: { size: number; site: SiteMsg }[] } => {
    const diff = page.compare(act);
    return { diff, blocks: page.newBlocks(diff) };
  };
  return { x, compare, memory: () => memory };
}

const name = (s: SiteMsg, i: number) => s.frames[i]?.name ?? '';
/** The site of a stack: its first frame outside the allocator wrappers. */
const siteName = (s: SiteMsg) => name(s, siteFrameIndex(s.frames));

const CALLER_BY_SIZE: Record<number, string> = { 24: 'make_apple', 40: 'make_banana', 48: 'new_cherry', 56: 'new_date' };
const WRAPPER_BY_CALLER: Record<string, RegExp> = {
  make_apple: /^xmalloc$/,
  make_banana: /^xmalloc$/,
  new_cherry: /^(operator new|_Znwm)/,
  new_date: /^(operator new|_Znwm)/,
};

describe('whole stacks: C++ (xmalloc and operator new, each called from two functions)', () => {
  for (const file of ['stacks-wasi-O0.wasm', 'stacks-wasi-O2.wasm', 'stacks-emcc-O0.wasm', 'stacks-emcc-O2.wasm']) {
    it(`${file}: leak_all(10) = 4 sites × 10 blocks, and every block's stack names its own caller`, () => {
      const { x, compare } = load(file);
      const { diff, blocks } = compare(() => x.leak_all(10));
      expect([diff.newCount, diff.newBytes]).toEqual([40, 1680]);
      expect(blocks).toHaveLength(40);
      // Every block, not the first: its site is its caller, the folded frame is the wrapper, then leak_all.
      for (const b of blocks) {
        const caller = CALLER_BY_SIZE[b.size];
        const at = siteFrameIndex(b.site.frames);
        expect(name(b.site, at), `block of ${b.size} B`).toBe(caller);
        expect(at).toBe(1);
        expect(b.site.frames[0].alloc).toBe(true);
        expect(name(b.site, 0)).toMatch(WRAPPER_BY_CALLER[caller]);
        expect(name(b.site, at + 1)).toBe('leak_all');
      }
      // Grouped by site: one row per caller with its exact count and bytes.
      const rows = new Map<string, [number, number]>();
      for (const b of blocks) {
        const r = rows.get(siteName(b.site)) ?? [0, 0];
        rows.set(siteName(b.site), [r[0] + 1, r[1] + b.size]);
      }
      expect(Object.fromEntries(rows)).toEqual({
        make_apple: [10, 240],
        make_banana: [10, 400],
        new_cherry: [10, 480],
        new_date: [10, 560],
      });
    });
  }

  for (const file of ['stacks-wasi-O2.wasm', 'stacks-emcc-O2.wasm']) {
    it(`${file} without its name section: xmalloc and operator new are still folded (by structure)`, () => {
      const { x, compare } = load(file, stripNames(wasm(file)));
      const { blocks } = compare(() => x.leak_all(10));
      expect(blocks).toHaveLength(40);
      const bySize = new Map<number, Set<number>>();
      for (const b of blocks) {
        expect(b.site.frames[0].alloc, `block of ${b.size} B`).toBe(true);
        const at = siteFrameIndex(b.site.frames);
        expect(at).toBe(1);
        (bySize.get(b.size) ?? bySize.set(b.size, new Set()).get(b.size)!).add(b.site.frames[at].func);
      }
      // Four sizes, four distinct caller functions, one each.
      expect([...bySize.keys()].sort((a, b) => a - b)).toEqual([24, 40, 48, 56]);
      const funcs = [...bySize.values()].map((s) => [...s]);
      expect(funcs.every((f) => f.length === 1)).toBe(true);
      expect(new Set(funcs.flat()).size).toBe(4);
    });
  }

  it('a JS exception unwinding through wrapped calls (abort from xmalloc) leaves the next allocations with their own stacks', () => {
    // Heap growth refused → malloc returns NULL → xmalloc calls abort() → the
    // import throws through leak_all's frames: no context wrapper restores.
    // Then growth is allowed again.
    let refuse = true;
    const { x, compare, memory } = load('stacks-emcc-O2.wasm', undefined, {
      emscripten_resize_heap: (req: number) => {
        if (refuse) return 0;
        const m = memory();
        if (req > m.buffer.byteLength) m.grow(Math.ceil((req - m.buffer.byteLength) / 65536));
        return 1;
      },
      abort: () => {
        throw new Error('abort');
      },
    });
    // 16 MiB of initial memory: 120,000 × 168 B needs more.
    expect(() => x.leak_all(120_000)).toThrow('abort');
    refuse = false;
    const { blocks } = compare(() => x.leak_all(10));
    expect(blocks).toHaveLength(40);
    for (const b of blocks) {
      const at = siteFrameIndex(b.site.frames);
      expect(name(b.site, at), `block of ${b.size} B`).toBe(CALLER_BY_SIZE[b.size]);
      expect(name(b.site, at + 1)).toBe('leak_all');
    }
  });

  it('churn(50) balances: nothing new between A and B', () => {
    const { x, compare } = load('stacks-wasi-O2.wasm');
    const { diff } = compare(() => x.churn(50));
    expect([diff.newCount, diff.newBytes, diff.freedCount]).toEqual([0, 0, 0]);
  });
});

describe('whole stacks: Rust Vec growth in two functions', () => {
  it('vecs-rust.wasm: leak_vecs(10) = 2 blocks, 192 B, one per growing function', () => {
    const { x, compare } = load('vecs-rust.wasm');
    const { diff, blocks } = compare(() => x.leak_vecs(10));
    expect([diff.newCount, diff.newBytes]).toEqual([2, 192]);
    const sites = blocks.map((b) => [b.size, siteName(b.site)]).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(sites).toEqual([
      [64, 'grow_left'],
      [128, 'grow_right'],
    ]);
    // RawVec's growth frames are folded, not the site.
    for (const b of blocks) expect(b.site.frames.slice(0, siteFrameIndex(b.site.frames)).every((f) => f.alloc)).toBe(true);
  });
});

/** The module without its "name" custom section (a release build). */
function stripNames(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out: number[] = [...bytes.subarray(0, 8)];
  let p = 8;
  const leb = (): number => {
    let v = 0,
      shift = 0,
      b: number;
    do {
      b = bytes[p++];
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return v >>> 0;
  };
  while (p < bytes.length) {
    const start = p;
    const id = bytes[p++];
    const size = leb();
    const end = p + size;
    let drop = false;
    if (id === 0) {
      const n = leb();
      drop = new TextDecoder().decode(bytes.subarray(p, p + n)) === 'name';
    }
    if (!drop) out.push(...bytes.subarray(start, end));
    p = end;
  }
  return new Uint8Array(out);
}

describe('readable stacks on release builds: source maps next to the module', () => {
  it("emcc -gsource-map: the page fetches the module's sourceMappingURL and re-sends the sites already interned with their source lines", async () => {
    const page = new FixturePage('loadText');
    const { before, after } = await page.resentSites(
      'leak-emcc-srcmap.wasm',
      (x) => x.process_data(1024),
      (s) => s.frames[0]?.name === 'process_data',
    );
    expect(before).toHaveLength(1);
    expect([before[0].frames[0].file, before[0].frames[0].line]).toEqual(['', 0]); // no DWARF: no line yet
    expect(page.requested).toEqual([new URL('leak-emcc-srcmap.wasm.map', FIXTURE_DIR).href]);
    expect(after.map((s) => s.id)).toEqual([before[0].id]); // the same site, re-sent
    expect(after[0].frames[0]).toMatchObject({ name: 'process_data', file: '../../work/main/e2e/fixtures/src/leak.c', line: 19 });
  });
});
