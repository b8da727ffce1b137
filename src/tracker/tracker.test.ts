import { describe, expect, it } from 'vitest';
import { COUNTER, Tracker } from './tracker';
import { LB } from './live-blocks';
import { loadLeakModule, wrapAllocator, steppingClock } from './leak-module.test-helper';
import type { TrackerLike } from '../agent/types';

async function setup(opt: 'O0' | 'O2' = 'O2', options = {}) {
  const e = await loadLeakModule(opt);
  const t = new Tracker({ clock: steppingClock(), ...options });
  return { e, t, a: wrapAllocator(e, t) };
}

/** `a.malloc(size)` with a block of the same size after it (so it cannot grow into free space), then realloc'ed to `newSize`. */
async function reallocWithNeighbour(size: number, newSize: number) {
  const { t, a } = await setup();
  const p = a.malloc(size);
  a.malloc(size);
  return { t, a, p, q: a.realloc(p, newSize) };
}

function liveSize(t: Tracker, ptr: number): number {
  const slot = t.blocks.find(ptr);
  return slot < 0 ? -1 : t.blocks.get(slot, LB.size);
}

describe('Tracker on the real wasi-libc dlmalloc', () => {
  for (const opt of ['O0', 'O2'] as const) {
    it(`100 × malloc(1024) → 100 live blocks, 102,400 bytes (${opt})`, async () => {
      const { t, a } = await setup(opt);
      const ptrs = Array.from({ length: 100 }, () => a.malloc(1024));
      expect(new Set(ptrs).size).toBe(100);
      expect(t.liveCount).toBe(100);
      expect(t.liveBytes).toBe(102_400);
      expect(t.totalAllocs).toBe(100);
      expect(t.allocBytes).toBe(102_400);
      for (const p of ptrs) a.free(p);
      expect(t.liveCount).toBe(0);
      expect(t.liveBytes).toBe(0);
      expect(t.totalFrees).toBe(100);
      expect(t.freeBytes).toBe(102_400);
      expect(t.errors).toEqual([]);
    });
  }

  it('gives each allocation a new sequence number and keeps its site and time', async () => {
    const { t, a } = await setup();
    const p = a.malloc(10, 41);
    const q = a.malloc(20, 42);
    const sp = t.blocks.find(p);
    const sq = t.blocks.find(q);
    expect([t.blocks.get(sp, LB.site), t.blocks.get(sp, LB.seq)]).toEqual([41, 0]);
    expect([t.blocks.get(sq, LB.site), t.blocks.get(sq, LB.seq)]).toEqual([42, 1]);
    // The stepping clock reads 1 ms at construction, 2 ms at the first malloc: 10 × 0.1 ms.
    expect(t.blocks.get(sp, LB.time)).toBe(10);
    expect(t.blocks.get(sq, LB.time)).toBe(20);
  });

  it('counts a NULL malloc as a failure and records nothing; malloc(0) is a real block', async () => {
    const { e, t, a } = await setup();
    expect(a.malloc(-16)).toBe(0); // 0xfffffff0 bytes: dlmalloc returns NULL
    expect(t.failures).toBe(1);
    expect(t.liveCount).toBe(0);
    const z = a.malloc(0);
    expect(z).not.toBe(0); // dlmalloc returns a minimum chunk
    expect(liveSize(t, z)).toBe(0);
    // A NULL result for size 0 is allowed by C17 7.22.3 ¶1: not a failure.
    t.malloc(0, 0, 9);
    expect(t.failures).toBe(1);
    expect(e.memory.buffer.byteLength).toBeGreaterThan(0);
  });

  it('calloc records n × size bytes, and an overflowing product fails', async () => {
    const { e, t, a } = await setup();
    const p = a.calloc(10, 100);
    expect(liveSize(t, p)).toBe(1000);
    expect(new Uint8Array(e.memory.buffer, p, 1000).every((b) => b === 0)).toBe(true);
    expect(a.calloc(0x10000, 0x10000)).toBe(0); // 2^32: overflow, NULL
    expect(t.failures).toBe(1);
    expect(t.liveCount).toBe(1);
    expect(t.liveBytes).toBe(1000);
  });

  it('realloc(NULL, n) is malloc', async () => {
    const { t, a } = await setup();
    const p = a.realloc(0, 48, 7);
    expect(p).not.toBe(0);
    expect(liveSize(t, p)).toBe(48);
    expect(t.totalAllocs).toBe(1);
    expect(t.reallocs).toBe(0);
  });

  it('realloc in place (block at the top of the heap) updates the size under a new seq', async () => {
    const { t, a } = await setup();
    const p = a.malloc(64, 11);
    const seq0 = t.blocks.get(t.blocks.find(p), LB.seq);
    const q = a.realloc(p, 4000, 12);
    expect(q).toBe(p); // dlmalloc extended into top
    const slot = t.blocks.find(q);
    expect(t.blocks.get(slot, LB.size)).toBe(4000);
    expect(t.blocks.get(slot, LB.site)).toBe(12);
    expect(t.blocks.get(slot, LB.seq)).toBe(seq0 + 1);
    expect([t.liveCount, t.liveBytes, t.totalAllocs, t.totalFrees, t.reallocs]).toEqual([1, 4000, 2, 1, 1]);
    // The first allocation of the chain is remembered.
    const o = t.origins.find(q);
    expect(Array.from(t.origins.words.subarray(o, o + 5))).toEqual([q, seq0, 11, 10, 1]);
  });

  it('realloc that moves frees the old block: freeing it again is a double free', async () => {
    const { t, a } = await setup();
    const p = a.malloc(64, 11);
    const guard = a.malloc(64, 99); // blocks growth in place
    const q = a.realloc(p, 4000, 12);
    expect(q).not.toBe(p);
    expect(liveSize(t, p)).toBe(-1);
    expect(liveSize(t, q)).toBe(4000);
    expect([t.liveCount, t.liveBytes]).toEqual([2, 4064]);
    // A second realloc carries the origin forward.
    const r = a.realloc(q, 8000, 13);
    const o = t.origins.find(r);
    expect(t.origins.words[o + 2]).toBe(11);
    expect(t.origins.words[o + 4]).toBe(2);
    // free(p) after the move: the real free is not called (dlfree on a stale pointer may trap).
    t.free(p, 66);
    expect(t.errors).toMatchObject([{ kind: 'double-free', ptr: p, site: 66, allocSite: 11, firstFreeSite: 12, size: 64 }]);
    a.free(guard);
    a.free(r);
    expect(t.origins.count).toBe(0);
    expect([t.liveCount, t.liveBytes]).toEqual([0, 0]);
  });

  it('realloc shrinking in place keeps the pointer', async () => {
    const { t, p, q } = await reallocWithNeighbour(24, 20);
    expect(q).toBe(p);
    expect(liveSize(t, q)).toBe(20);
    expect(t.liveBytes).toBe(44);
  });

  it('realloc(p, 0): wasi-libc dlmalloc returns p as a minimum block (not freed)', async () => {
    const { t, a, p, q } = await reallocWithNeighbour(100, 0);
    // dlmalloc without REALLOC_ZERO_BYTES_FREES: a real call shows it.
    expect(q).toBe(p);
    expect(liveSize(t, p)).toBe(0);
    expect(t.liveCount).toBe(2);
    // An allocator that frees instead (returns NULL) is followed too.
    const r = a.malloc(30);
    t.realloc(0, r, 0, 5);
    expect(liveSize(t, r)).toBe(-1);
    expect(t.failures).toBe(0);
  });

  it('a failed realloc leaves the old block alive', async () => {
    const { t, a } = await setup();
    const p = a.malloc(100);
    expect(a.realloc(p, -64)).toBe(0);
    expect(t.failures).toBe(1);
    expect(liveSize(t, p)).toBe(100);
    expect(t.liveBytes).toBe(100);
  });

  it('aligned_alloc returns aligned pointers, recorded with the requested size', async () => {
    const { t, a } = await setup();
    a.malloc(8);
    for (const align of [16, 64, 256, 4096]) {
      const p = a.alignedAlloc(align, 100);
      expect(p % align).toBe(0);
      expect(liveSize(t, p)).toBe(100);
    }
    expect(t.liveCount).toBe(5);
  });

  it('posix_memalign: the out-parameter read from memory is the block; EINVAL is a failure', async () => {
    const { t, a } = await setup();
    const [ret, p] = a.posixMemalign(64, 100);
    expect(ret).toBe(0);
    expect(p % 64).toBe(0);
    expect(liveSize(t, p)).toBe(100);
    const [bad] = a.posixMemalign(3, 100); // not a power of two
    expect(bad).toBe(28); // EINVAL in wasi-libc
    expect(t.failures).toBe(1);
    expect(t.liveCount).toBe(1);
  });

  it('free(NULL) is a no-op, not an error', async () => {
    const { t, a } = await setup();
    a.free(0);
    expect(t.errors).toEqual([]);
    expect(t.totalFrees).toBe(0);
  });

  it('double free names the alloc site, the first free site and the second', async () => {
    const { t, a } = await setup();
    const p = a.malloc(32, 101);
    a.free(p, 102);
    t.free(p, 103); // the real free is called once only
    expect(t.errors).toEqual([
      expect.objectContaining({ kind: 'double-free', ptr: p, site: 103, allocSite: 101, firstFreeSite: 102, size: 32 }),
    ]);
    expect(t.totalFrees).toBe(1);
  });

  it('free of a pointer never allocated is an invalid free with its site', async () => {
    const { t, a } = await setup();
    const p = a.malloc(32);
    t.free(p + 8, 104); // interior pointer
    t.free(12_345, 105);
    expect(t.errors).toMatchObject([
      { kind: 'invalid-free', ptr: p + 8, site: 104, allocSite: null, firstFreeSite: null },
      { kind: 'invalid-free', ptr: 12_345, site: 105 },
    ]);
    expect(t.liveCount).toBe(1);
  });

  it('a reused address, freed twice, names the latest allocation', async () => {
    const { t, a } = await setup();
    const p = a.malloc(40, 1);
    a.free(p, 2);
    const q = a.malloc(40, 3);
    expect(q).toBe(p); // dlmalloc hands the same chunk back
    a.free(q, 4);
    t.free(q, 5);
    expect(t.errors).toMatchObject([{ kind: 'double-free', allocSite: 3, firstFreeSite: 4, site: 5 }]);
  });

  it('remembers only the last N frees', async () => {
    const { t, a } = await setup('O2', { recentFrees: 4 });
    const ptrs = Array.from({ length: 6 }, () => a.malloc(16));
    for (const p of ptrs) a.free(p, 7);
    expect(t.freed.count).toBe(4);
    t.free(ptrs[0], 8); // forgotten: only "invalid"
    t.free(ptrs[5], 9);
    expect(t.errors.map((x) => x.kind)).toEqual(['invalid-free', 'double-free']);
  });

  it('remembers about the last 65,536 frees (4-way sets): nearly all of the last 10,000', () => {
    const t = new Tracker();
    const n = 200_000;
    for (let i = 1; i <= n; i++) t.malloc(i * 16, 16, 1);
    for (let i = 1; i <= n; i++) t.free(i * 16, 2);
    expect(t.freed.count).toBe(65_536);
    let recent = 0;
    for (let i = n - 9_999; i <= n; i++) if (t.freed.find(i * 16) >= 0) recent++;
    let old = 0;
    for (let i = 1; i <= 10_000; i++) if (t.freed.find(i * 16) >= 0) old++;
    expect(recent).toBeGreaterThan(9_950);
    expect(old).toBe(0);
  });

  it('keeps at most maxErrors errors and counts the rest', async () => {
    const { t } = await setup('O2', { maxErrors: 3 });
    for (let i = 1; i <= 10; i++) t.free(i * 8, 1);
    expect(t.errors.length).toBe(3);
    expect(t.errorsDropped).toBe(7);
  });

  it('an allocation at a live pointer means a missed free: counted and reported', async () => {
    const { t, a } = await setup();
    const p = a.malloc(50, 1);
    t.malloc(p, 70, 2);
    expect([t.liveCount, t.liveBytes, t.totalFrees]).toEqual([1, 70, 1]);
    expect(t.errors).toMatchObject([{ kind: 'alloc-over-live', ptr: p, allocSite: 1, size: 50, site: 2 }]);
  });

  it('Rust dealloc checks the size it is given', () => {
    const t = new Tracker({ clock: steppingClock() });
    t.rustAlloc(0x10000, 24, 8, 1);
    t.rustRealloc(0x20000, 0x10000, 24, 8, 48, 2);
    t.rustDealloc(0x20000, 40, 8, 3);
    expect(t.errors).toMatchObject([{ kind: 'dealloc-size-mismatch', size: 48, claimedSize: 40, site: 3 }]);
    expect(t.liveCount).toBe(0);
  });

  it('is what the hooks expect of a tracker (src/agent/types.ts TrackerLike)', () => {
    const sink: TrackerLike = new Tracker();
    sink.malloc(64, 8, 1);
    expect([sink.liveCount, sink.liveBytes, sink.totalAllocs, sink.totalFrees]).toEqual([1, 8, 1, 0]);
  });

  it('treats wasm i32 arguments (negative in JS) as u32', () => {
    const t = new Tracker();
    t.malloc(-0x7ffffff8, 16, 1); // 0x80000008
    expect(t.blocks.find(0x80000008)).toBeGreaterThanOrEqual(0);
    t.free(0x80000008, 1);
    expect(t.errors).toEqual([]);
  });

  it('counters() writes the COUNTER layout into a given array', async () => {
    const { t, a } = await setup();
    const p = a.malloc(100);
    a.malloc(200);
    a.free(p);
    a.malloc(-16);
    t.free(4, 0);
    const out = new Float64Array(COUNTER.length);
    expect(t.counters(out)).toBe(out);
    expect(Array.from(out.subarray(0, COUNTER.nextSeq + 1))).toEqual([2, 1, 300, 100, 1, 200, 1, 0, 1, 0, 2]);
  });

  it('survives 200,000 live blocks from the real allocator, through growth and shrink', async () => {
    const { e, t, a } = await setup();
    const ptrs = new Uint32Array(200_000);
    for (let i = 0; i < ptrs.length; i++) ptrs[i] = a.malloc(8 + (i % 5) * 8);
    expect(t.liveCount).toBe(200_000);
    for (let i = 0; i < ptrs.length; i += 2) a.free(ptrs[i]);
    expect(t.liveCount).toBe(100_000);
    let found = 0;
    for (let i = 1; i < ptrs.length; i += 2) if (t.blocks.find(ptrs[i]) >= 0) found++;
    expect(found).toBe(100_000);
    for (let i = 1; i < ptrs.length; i += 2) a.free(ptrs[i]);
    expect([t.liveCount, t.liveBytes, t.errors.length]).toEqual([0, 0, 0]);
    expect(e.memory.buffer.byteLength).toBeGreaterThan(4_000_000);
  });
});
