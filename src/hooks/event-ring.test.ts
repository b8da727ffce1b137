// The 'ring' event path end to end in Node: real fixtures, rewritten in both
// modes, run through installHooks; the tracker must see the same events (same
// kinds, sizes, sites, same live set) as on the call path.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { instrument, parseModule, type EventPath } from '../wasm/index';
import { RING_KIND_BITS, RING_SITE_SHIFT, RING_MAX_RECORD as WASM_MAX_RECORD } from '../wasm/wrappers';
import { installHooks } from './install';
import { SiteTable } from './site-table';
import type { InstanceRecord } from './instance-record';
import type { TrackerLike } from './types';
import { RING_NARGS_SHIFT, RING_SITE_SHIFT as PAGE_SITE_SHIFT, RING_MAX_RECORD, RING_BYTES } from './event-ring';

const DIR = new URL('../../e2e/site/wasm/', import.meta.url);
const load = (f: string) => new Uint8Array(readFileSync(new URL(f, DIR)));

type Row = [op: string, size: number, site: number];

class Recorder implements TrackerLike {
  rows: Row[] = [];
  live = new Map<number, number>();
  totalAllocs = 0;
  totalFrees = 0;
  get liveCount() { return this.live.size; }
  get liveBytes() { let n = 0; for (const s of this.live.values()) n += s; return n; }
  private add(p: number, size: number) { if (p) { this.live.set(p, size); this.totalAllocs++; } }
  malloc(p: number, size: number, site: number) { this.rows.push(['malloc', size, site]); this.add(p, size); }
  calloc(p: number, n: number, e: number, site: number) { this.rows.push(['calloc', n * e, site]); this.add(p, n * e); }
  realloc(p: number, old: number, size: number, site: number) {
    this.rows.push(['realloc', size, site]);
    if (old) this.live.delete(old);
    this.add(p, size);
  }
  alignedAlloc(p: number, size: number, _align: number, site: number) { this.rows.push(['aligned', size, site]); this.add(p, size); }
  posixMemalign(ret: number, out: number, size: number, site: number) { this.rows.push(['posix', size, site]); if (ret === 0) this.add(out, size); }
  free(p: number, site: number) { this.rows.push(['free', 0, site]); if (p) { this.live.delete(p); this.totalFrees++; } }
}

function wasiEnv(getMem: () => WebAssembly.Memory) {
  return {
    emscripten_memcpy_big: (d: number, s: number, n: number) => void new Uint8Array(getMem().buffer).copyWithin(d, s, s + n),
    emscripten_resize_heap: (req: number) => {
      const m = getMem();
      const cur = m.buffer.byteLength;
      if (req > cur) m.grow(Math.ceil((req - cur) / 65536));
      return 1;
    },
  };
}

function run(file: string, path: EventPath, work: (x: Record<string, any>) => void) {
  // installHooks patches this copy (and Memory.prototype.grow until uninstall)
  const wa = Object.create(Object.getPrototypeOf(WebAssembly)) as typeof WebAssembly;
  for (const k of Object.getOwnPropertyNames(WebAssembly)) Object.defineProperty(wa, k, Object.getOwnPropertyDescriptor(WebAssembly, k)!);
  let rec: InstanceRecord | null = null;
  const sites = new SiteTable(10_000);
  const hooks = installHooks(wa, {
    instrument: (b) => instrument(b, { eventPath: path }),
    now: () => 0,
    sites,
    newTracker: () => new Recorder(),
    onInstance: (r) => void (rec = r),
    onGrow: () => {},
    onMemory: () => {},
    onHookError: (_r, e) => { throw e; },
  });
  let mem: WebAssembly.Memory;
  const inst = new wa.Instance(new wa.Module(load(file) as BufferSource), { env: wasiEnv(() => mem) });
  const x = inst.exports as Record<string, any>;
  mem = x.memory;
  x._initialize?.();
  x.__wasm_call_ctors?.();
  work(x);
  hooks.uninstall();
  const r = rec as unknown as InstanceRecord;
  const pendingBefore = r.ring?.pending ?? 0;
  r.drain();
  // Site ids are interned in order of first sight (the ring's own allocation
  // may add a memory.grow site first): compare sites by their stacks.
  const key = (id: number) => sites.get(id)?.frames.map((f) => `${f.func}:${f.offset}`).join(' ') ?? '?';
  const rows = (r.tracker as Recorder).rows.map(([op, size, site]) => [op, size, key(site)]);
  return { rec: r, t: r.tracker as Recorder, rows, pendingBefore, x };
}

const WORK = (x: Record<string, any>) => {
  x.tree_workload(8, 3);
  x.pairs_workload(20_000);
  x.simulate_memory_leak();
  x.process_data_fixed(64);
  const p = x.do_calloc(3, 40);
  const q = x.do_realloc(p, 500);
  x.do_aligned_alloc(64, 128);
  const out = x.do_calloc(1, 4);
  x.do_posix_memalign(out, 32, 96);
  x.grow_memory(1);
  x.do_free(q);
  const m = x.malloc(77); // through the export wrapper: ordered after the ring's events
  x.free(m);
  x.tree_workload(4, 1); // left in the ring: drained by the test
};

describe('ring event path', () => {
  it('header layout agrees between the rewriter and the page', () => {
    expect(RING_NARGS_SHIFT).toBe(RING_KIND_BITS);
    expect(PAGE_SITE_SHIFT).toBe(RING_SITE_SHIFT);
    expect(RING_MAX_RECORD).toBe(WASM_MAX_RECORD);
    expect(RING_BYTES % 4).toBe(0);
  });

  describe.each(['leak-wasi-O2.wasm', 'leak-wasi-O0.wasm', 'leak-emcc-O2.wasm'])('%s', (file) => {
    it('rewritten module validates and round-trips through our parser', () => {
      const r = instrument(load(file), { eventPath: 'ring' });
      expect(r.ring).not.toBeNull();
      expect(WebAssembly.validate(r.bytes as BufferSource)).toBe(true);
      const m = parseModule(r.bytes);
      const names = new Set(m.exports.map((e) => e.name));
      for (const n of [r.ring!.posExport, r.ring!.endExport, r.ring!.allocExport]) expect(names).toContain(n);
    });

    it('the tracker sees the same events as on the call path, in the same order', () => {
      const call = run(file, 'call', WORK);
      const ring = run(file, 'ring', WORK);
      expect(call.rec.ring).toBeNull();
      expect(ring.rec.ring?.active).toBe(true);
      expect(ring.pendingBefore).toBeGreaterThan(0); // events really waited in wasm memory
      expect(ring.t.rows.length).toBeGreaterThan(40_000);
      expect(ring.rows).toEqual(call.rows);
      expect([ring.t.liveCount, ring.t.liveBytes]).toEqual([call.t.liveCount, call.t.liveBytes]);
      expect(ring.rec.disabled).toBe(false);
    });
  });

  it('Rust (__rust_alloc via size-align) runs on the ring too', () => {
    const r = instrument(load('leak-rust.wasm'), { eventPath: 'ring' });
    expect(r.ring?.allocArgs).toBe('size-align');
    expect(WebAssembly.validate(r.bytes as BufferSource)).toBe(true);
  });
});
