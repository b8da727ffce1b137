// The rewriter against the real fixture modules (e2e/site/wasm, built from
// e2e/fixtures/src): events must be exact, and instrumented code must compute
// exactly what the original computes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { instrument, parseModule, type InstrumentResult } from './index';
import { hookedInstance } from '../test-support/hooked';

const DIR = new URL('../../e2e/site/wasm/', import.meta.url);
const load = (f: string) => new Uint8Array(readFileSync(new URL(f, DIR)));

type Ev = [kind: number, a: number, b: number, c: number, site: number];

interface Loaded {
  x: Record<string, any>;
  events: Ev[];
  r: InstrumentResult | null;
}

/** Instantiates a fixture (instrumented or not) with the minimal host it needs. */
function instantiate(bytes: Uint8Array, r: InstrumentResult | null): Loaded {
  const events: Ev[] = [];
  let mem: WebAssembly.Memory | undefined;
  const env = {
    emscripten_memcpy_big: (d: number, s: number, n: number) => {
      new Uint8Array(mem!.buffer).copyWithin(d, s, s + n);
    },
    emscripten_resize_heap: (req: number) => {
      const cur = mem!.buffer.byteLength;
      if (req > cur) mem!.grow(Math.ceil((req - cur) / 65536));
      return 1;
    },
  };
  const inst = hookedInstance(bytes, { env }, r, (k, a, b, c, s) => {
    events.push([k, a >>> 0, b >>> 0, c >>> 0, s]);
    return 0;
  });
  const x = inst.exports as Record<string, any>;
  mem = x.memory;
  x._initialize?.();
  x.emscripten_stack_init?.();
  x.__wasm_call_ctors?.();
  events.length = 0;
  return { x, events, r };
}

function load2(file: string): { orig: Loaded; inst: Loaded; r: InstrumentResult; names: Map<number, string> } {
  const bytes = load(file);
  const r = instrument(bytes);
  expect(WebAssembly.validate(r.bytes as BufferSource)).toBe(true);
  return { orig: instantiate(bytes, null), inst: instantiate(r.bytes, r), r, names: parseModule(bytes).funcNames };
}

const C_FIXTURES = [
  // [file, function holding the malloc of simulate_memory_leak: at -O2 process_data is inlined]
  ['leak-wasi-O0.wasm', 'process_data'],
  ['leak-wasi-O2.wasm', 'simulate_memory_leak'],
  ['leak-emcc-O0.wasm', 'process_data'],
  ['leak-emcc-O2.wasm', 'simulate_memory_leak'],
] as const;

describe.each(C_FIXTURES)('%s', (file, leakFn) => {
  const { orig, inst, r, names } = load2(file);
  const siteFn = (e: Ev) => names.get(r.sites[e[4]].funcIndex);

  it('finds the C allocator by export and name, with matching types', () => {
    const roles = new Set(r.allocators.map((a) => a.role));
    for (const role of ['malloc', 'free', 'calloc', 'realloc', 'aligned_alloc', 'posix_memalign'] as const) expect(roles).toContain(role);
    expect(r.allocators.every((a) => a.confidence === 'certain')).toBe(true);
    expect(r.reason).toBeUndefined();
    expect(r.memoryExport).toBe('memory');
  });

  it('simulate_memory_leak reports exactly 100 mallocs of 1024 bytes at one site', () => {
    inst.events.length = 0;
    inst.x.simulate_memory_leak();
    const mallocs = inst.events.filter((e) => e[0] === 1);
    expect(mallocs.length).toBe(100);
    expect(mallocs.every((e) => e[2] === 1024)).toBe(true);
    expect(new Set(mallocs.map((e) => e[4])).size).toBe(1);
    expect(siteFn(mallocs[0])).toBe(leakFn);
    expect(new Set(mallocs.map((e) => e[1])).size).toBe(100); // 100 distinct live blocks
    expect(inst.events.filter((e) => e[0] === 4).length).toBe(0);
  });

  it('process_data called directly allocates at a site in process_data', () => {
    inst.events.length = 0;
    inst.x.process_data(1024);
    expect(inst.events.filter((e) => e[0] === 1).map((e) => [e[2], siteFn(e)])).toEqual([[1024, 'process_data']]);
  });

  it('process_data_fixed(64) gives one malloc and one free of the same pointer', () => {
    inst.events.length = 0;
    inst.x.process_data_fixed(64);
    const ev = inst.events.filter((e) => e[0] !== 11);
    expect(ev.length).toBe(2);
    expect(ev[0][0]).toBe(1);
    expect(ev[0][2]).toBe(64);
    expect(ev[1][0]).toBe(4);
    expect(ev[1][1]).toBe(ev[0][1]);
    expect(siteFn(ev[0])).toBe('process_data_fixed');
    expect(siteFn(ev[1])).toBe('process_data_fixed');
  });

  it('grow_memory(2) reports a memory.grow (kind 11)', () => {
    inst.events.length = 0;
    const old = inst.x.grow_memory(2);
    expect(inst.events).toEqual([[11, old, 2, 0, inst.events[0][4]]]);
    expect(r.sites[inst.events[0][4]].role).toBe('memory.grow');
    expect(names.get(r.sites[inst.events[0][4]].funcIndex)).toBe('grow_memory');
  });

  it('calloc, realloc, aligned_alloc, posix_memalign report their arguments', () => {
    inst.events.length = 0;
    const p = inst.x.do_calloc(3, 40);
    const q = inst.x.do_realloc(p, 500);
    const a = inst.x.do_aligned_alloc(64, 128);
    const out = inst.x.do_calloc(1, 4);
    const rc = inst.x.do_posix_memalign(out, 32, 96);
    const ev = inst.events.filter((e) => e[0] !== 11);
    expect(ev.map((e) => e.slice(0, 4))).toEqual([
      [2, p >>> 0, 3, 40],
      [3, q >>> 0, p >>> 0, 500],
      [5, a >>> 0, 128, 64],
      [2, out >>> 0, 1, 4],
      [6, rc, out >>> 0, 96],
    ]);
    expect(ev.map((e) => names.get(r.sites[e[4]].funcIndex))).toEqual([
      'do_calloc',
      'do_realloc',
      'do_aligned_alloc',
      'do_calloc',
      'do_posix_memalign',
    ]);
  });

  it('reports every user allocation exactly once (no double count inside the allocator)', () => {
    inst.events.length = 0;
    inst.x.make_list(50, 1);
    expect(inst.events.filter((e) => e[0] === 1).length).toBe(50);
    inst.events.length = 0;
    inst.x.tree_workload(6, 3); // 127 nodes x 3 rounds
    expect(inst.events.filter((e) => e[0] === 1).length).toBe(381);
    expect(inst.events.filter((e) => e[0] === 4).length).toBe(381);
  });

  it('instrumented code computes what the original computes', () => {
    const fresh = instantiate(r.bytes, r);
    const orig = instantiate(load(file), null);
    for (const l of [orig, fresh]) l.x.process_data(300);
    const inst = fresh;
    expect(inst.x.checksum_last(300)).toBe(orig.x.checksum_last(300));
    expect(inst.x.tree_workload(8, 4)).toBe(orig.x.tree_workload(8, 4));
    expect(inst.x.pairs_workload(5000)).toBe(orig.x.pairs_workload(5000));
    expect(inst.x.grow_memory(1)).toBe(orig.x.grow_memory(1));
  });

  it('gives export sites for the allocator exports', () => {
    const mallocExport = r.exportSites.find((e) => e.exportName === 'malloc')!;
    expect(mallocExport.role).toBe('malloc');
    expect(r.sites[mallocExport.site]).toMatchObject({ offset: -1, role: 'malloc' });
    expect(r.exportSites.map((e) => e.exportName).sort()).toEqual([
      'aligned_alloc',
      'calloc',
      'free',
      'malloc',
      'posix_memalign',
      'realloc',
    ]);
  });

  it('maps functions and code offsets back to the original module', () => {
    const o = parseModule(load(file));
    const n = parseModule(r.bytes);
    const I = o.numImportedFuncs;
    // every function keeps its index (nothing imported), the wrappers come after
    expect(n.numImportedFuncs).toBe(I);
    for (let i = 0; i < I + o.bodies.length; i++) expect(r.toOriginalFunc(i)).toBe(i);
    expect(r.toOriginalFunc(I + o.bodies.length)).toBe(-1); // first wrapper
    for (const [i, name] of o.funcNames) expect(n.funcNames.get(i)).toBe(name);
    // bodies keep their order; a body of unchanged size with no memory.grow maps byte for byte,
    // and every site's call instruction maps back to the original call
    const growFuncs = new Set(r.sites.filter((s) => s.role === 'memory.grow').map((s) => s.funcIndex));
    for (let i = 0; i < o.bodies.length; i++) {
      const ob = o.bodies[i];
      const nb = n.bodies[i];
      let prev = -1;
      for (let x = nb.codeStart; x < nb.end; x++) {
        const back = r.toOriginalOffset(x);
        expect(back).toBeGreaterThanOrEqual(Math.max(prev, ob.codeStart));
        expect(back).toBeLessThan(ob.end);
        prev = back;
        if (nb.end - nb.codeStart === ob.end - ob.codeStart && !growFuncs.has(I + i)) expect(back).toBe(ob.codeStart + (x - nb.codeStart));
      }
    }
    for (const s of r.sites) {
      if (s.offset < 0) continue;
      const nb = n.bodies[s.funcIndex - I];
      let found = false;
      for (let x = nb.codeStart; x < nb.end && !found; x++) found = r.toOriginalOffset(x) === s.offset && [0x10, 0x12].includes(r.bytes[x]);
      expect(found).toBe(true);
    }
    // every site's original offset holds a call or memory.grow
    for (const s of r.sites) if (s.offset >= 0) expect([0x10, 0x12, 0x40]).toContain(load(file)[s.offset]);
  });
});

describe('wasi fixtures keep code offsets exact (clang pads call indices)', () => {
  it.each(['leak-wasi-O0.wasm', 'leak-wasi-O2.wasm'])('%s: every body keeps its size', (file) => {
    const o = parseModule(load(file));
    const r = instrument(load(file));
    const n = parseModule(r.bytes);
    for (let i = 0; i < o.bodies.length; i++) {
      expect(n.bodies[i].end - n.bodies[i].start).toBe(o.bodies[i].end - o.bodies[i].start);
    }
    // DWARF addresses are offsets into the code section payload: unchanged for every body,
    // so the rewritten module's own .debug_* sections still describe it exactly
    const code = (m: typeof o) => m.sections.find((s) => s.id === 10)!.contentStart;
    for (let i = 0; i < o.bodies.length; i++) expect(n.bodies[i].start - code(n)).toBe(o.bodies[i].start - code(o));
  });
});

describe('leak-rust.wasm', () => {
  const { orig, inst, r, names } = load2('leak-rust.wasm');

  it('finds the Rust global allocator by name', () => {
    const byName = Object.fromEntries(r.allocators.map((a) => [a.name, a.role]));
    expect(byName).toMatchObject({
      __rust_alloc: 'rust_alloc',
      __rust_dealloc: 'rust_dealloc',
      __rust_realloc: 'rust_realloc',
      __rust_alloc_zeroed: 'rust_alloc_zeroed',
    });
  });

  it('leak_box allocates 256 bytes that are never deallocated', () => {
    inst.events.length = 0;
    const p = inst.x.leak_box();
    const allocs = inst.events.filter((e) => e[0] === 7 || e[0] === 8);
    expect(allocs.map((e) => [e[1], e[2], e[3]])).toEqual([[p >>> 0, 256, 1]]);
    expect(names.get(r.sites[allocs[0][4]].funcIndex)).toBe('leak_box');
    expect(inst.events.filter((e) => e[0] === 9).length).toBe(0);
  });

  it('churn(10) deallocates everything it allocates', () => {
    inst.events.length = 0;
    expect(inst.x.churn(10)).toBe(orig.x.churn(10));
    const live = new Map<number, number>();
    let allocs = 0;
    let deallocs = 0;
    for (const [k, a, b] of inst.events) {
      if (k === 7 || k === 8) {
        allocs++;
        live.set(a, b);
      }
      if (k === 9) {
        deallocs++;
        expect(live.get(a)).toBe(b);
        live.delete(a);
      }
    }
    expect(allocs).toBe(30);
    expect(deallocs).toBe(allocs);
    expect(live.size).toBe(0);
  });

  it('grow_vec reallocates through __rust_realloc', () => {
    inst.events.length = 0;
    expect(inst.x.grow_vec(100)).toBe(orig.x.grow_vec(100));
    expect(inst.events.filter((e) => e[0] === 10).length).toBeGreaterThan(0);
    const live = new Set<number>();
    for (const [k, a, b] of inst.events) {
      if (k === 7) live.add(a);
      if (k === 10) {
        expect(live.has(b)).toBe(true);
        live.delete(b);
        live.add(a);
      }
      if (k === 9) live.delete(a);
    }
    expect(live.size).toBe(0);
  });
});
