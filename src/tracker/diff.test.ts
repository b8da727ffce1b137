import { describe, expect, it } from 'vitest';
import { Tracker, COUNTER } from './tracker';
import { diff } from './diff';
import { indexOfSeq } from './snapshot';
import { loadLeakModule, wrapAllocator, steppingClock } from './leak-module.test-helper';

async function setup() {
  const e = await loadLeakModule('O2');
  const t = new Tracker({ clock: steppingClock() });
  return { e, t, a: wrapAllocator(e, t) };
}

const ptrsOf = (snap: { ptr: Uint32Array }, idx: Uint32Array) => Array.from(idx, (i) => snap.ptr[i]);
const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);

describe('snapshot', () => {
  it('copies the live table in allocation order, with counters, and does not change afterwards', async () => {
    const { t, a } = await setup();
    const ptrs = [a.malloc(100, 1), a.malloc(200, 2), a.malloc(300, 3)];
    a.free(ptrs[1]);
    const s = t.snapshot();
    expect(s.count).toBe(2);
    expect(Array.from(s.ptr)).toEqual([ptrs[0], ptrs[2]]);
    expect(Array.from(s.size)).toEqual([100, 300]);
    expect(Array.from(s.site)).toEqual([1, 3]);
    expect(Array.from(s.seq)).toEqual([0, 2]);
    expect(s.bytes).toBe(400);
    expect(s.nextSeq).toBe(3);
    expect(s.counters[COUNTER.liveBytes]).toBe(400);
    a.free(ptrs[0]);
    a.malloc(50);
    expect(Array.from(s.ptr)).toEqual([ptrs[0], ptrs[2]]);
    expect(s.count).toBe(2);
  });

  it('lists realloc origins by snapshot index', async () => {
    const { t, a } = await setup();
    a.malloc(10, 1);
    const p = a.malloc(64, 2);
    a.malloc(10, 3);
    const q = a.realloc(p, 5000, 4);
    const s = t.snapshot();
    const i = s.origins.index[0];
    expect(s.origins.index.length).toBe(1);
    expect([s.ptr[i], s.site[i], s.origins.site[0], s.origins.seq[0], s.origins.count[0]]).toEqual([q, 4, 2, 1, 1]);
  });

  it('keeps allocation order across the u32 wrap of sequence numbers', () => {
    const t = new Tracker({ clock: steppingClock() });
    t.nextSeq = 0xffffffff - 1;
    t.malloc(0x1000, 8, 1); // seq 0xfffffffe
    const a = t.snapshot();
    t.malloc(0x2000, 8, 2); // 0xffffffff
    t.malloc(0x3000, 8, 3); // 0 (wrapped)
    t.malloc(0x4000, 8, 4); // 1
    const b = t.snapshot();
    expect(Array.from(b.ptr)).toEqual([0x1000, 0x2000, 0x3000, 0x4000]);
    expect(indexOfSeq(b.seq, 0, b.nextSeq)).toBe(2);
    const d = diff(a, b);
    expect(sorted(ptrsOf(b, d.newBlocks))).toEqual([0x2000, 0x3000, 0x4000]);
    expect(d.freedBlocks.length).toBe(0);
  });
});

describe('diff', () => {
  it('lists the blocks allocated between A and B and still alive, and those freed, grouped by site', async () => {
    const { t, a } = await setup();
    const old = Array.from({ length: 10 }, () => a.malloc(1024, 1));
    const A = t.snapshot();
    const leaked = Array.from({ length: 5 }, () => a.malloc(100, 2));
    const small = Array.from({ length: 3 }, () => a.malloc(64, 3));
    const temp = a.malloc(5000, 4);
    a.free(temp); // allocated and freed between A and B: in neither list
    for (const p of old.slice(0, 4)) a.free(p);
    const B = t.snapshot();
    const d = diff(A, B);

    expect(sorted(ptrsOf(B, d.newBlocks))).toEqual(sorted([...leaked, ...small]));
    expect(sorted(ptrsOf(A, d.freedBlocks))).toEqual(sorted(old.slice(0, 4)));
    expect(d.newBytes).toBe(692);
    expect(d.freedBytes).toBe(4096);
    expect(d.groups).toEqual([
      {
        site: 2,
        newCount: 5,
        newBytes: 500,
        freedCount: 0,
        freedBytes: 0,
        deltaCount: 5,
        deltaBytes: 500,
        liveCount: 5,
        liveBytes: 500,
        newStart: 0,
        freedStart: 0,
      },
      {
        site: 3,
        newCount: 3,
        newBytes: 192,
        freedCount: 0,
        freedBytes: 0,
        deltaCount: 3,
        deltaBytes: 192,
        liveCount: 3,
        liveBytes: 192,
        newStart: 5,
        freedStart: 0,
      },
      {
        site: 1,
        newCount: 0,
        newBytes: 0,
        freedCount: 4,
        freedBytes: 4096,
        deltaCount: -4,
        deltaBytes: -4096,
        liveCount: 6,
        liveBytes: 6144,
        newStart: 8,
        freedStart: 0,
      },
    ]);
    // A group's blocks are a contiguous range, in allocation order.
    expect(ptrsOf(B, d.newBlocks.subarray(0, 5))).toEqual(leaked);
    expect(ptrsOf(B, d.newBlocks.subarray(5, 8))).toEqual(small);
  });

  it('sees a block realloc-ed between A and B as freed (old) and new (at the realloc site)', async () => {
    const { t, a } = await setup();
    const p = a.malloc(64, 1);
    a.malloc(8, 9); // guard: the realloc must move
    const A = t.snapshot();
    const q = a.realloc(p, 4000, 2);
    expect(q).not.toBe(p);
    const B = t.snapshot();
    const d = diff(A, B);
    expect(ptrsOf(B, d.newBlocks)).toEqual([q]);
    expect(ptrsOf(A, d.freedBlocks)).toEqual([p]);
    expect(d.groups.map((g) => [g.site, g.newBytes, g.freedBytes, g.deltaBytes])).toEqual([
      [2, 4000, 0, 4000],
      [9, 0, 0, 0],
      [1, 0, 64, -64],
    ]);
  });

  it('with a third snapshot keeps only what is still alive at C (a cache emptied after B is not a leak)', async () => {
    const { t, a } = await setup();
    a.malloc(256, 1);
    const A = t.snapshot(); // baseline
    const leak = Array.from({ length: 4 }, () => a.malloc(128, 2));
    const cache = Array.from({ length: 6 }, () => a.malloc(512, 3));
    const B = t.snapshot(); // target
    for (const p of cache) a.free(p);
    const late = a.malloc(1000, 4); // allocated after B: not B's
    const C = t.snapshot(); // final
    const two = diff(A, B);
    expect(two.newBlocks.length).toBe(10);
    const d = diff(A, B, C);
    expect(ptrsOf(B, d.newBlocks)).toEqual(leak);
    expect(d.newBytes).toBe(512);
    expect(d.groups[0]).toMatchObject({ site: 2, newCount: 4, newBytes: 512 });
    expect(d.groups.find((g) => g.site === 3)).toMatchObject({ newCount: 0, liveCount: 6 });
    expect(d.groups.find((g) => g.site === 4)).toBeUndefined();
    void late;
  });

  it('of a snapshot with itself is empty', async () => {
    const { t, a } = await setup();
    for (let i = 0; i < 20; i++) a.malloc(16 * i, i % 3);
    const s = t.snapshot();
    const d = diff(s, s);
    expect([d.newBlocks.length, d.freedBlocks.length, d.newBytes, d.freedBytes]).toEqual([0, 0, 0, 0]);
    expect(d.groups.map((g) => g.liveCount).reduce((x, y) => x + y)).toBe(20);
  });

  it('groups sites that do not fit a flat array (sparse ids) the same way', () => {
    const t = new Tracker({ clock: steppingClock() });
    const A = t.snapshot();
    t.malloc(0x100, 10, 0xfffffff0);
    t.malloc(0x200, 20, 0xfffffff0);
    t.malloc(0x300, 5, 7);
    const d = diff(A, t.snapshot());
    expect(d.groups.map((g) => [g.site, g.newCount, g.newBytes])).toEqual([
      [0xfffffff0, 2, 30],
      [7, 1, 5],
    ]);
  });
});
