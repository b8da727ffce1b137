import { describe, it, expect } from 'vitest';
import { SiteSeries } from './site-series';
import { SiteTicks, groupRecords } from './site-ticks';
import { Tracker } from './tracker';
import { LiveHistory } from './live-history';

/** The value of every site at every column, as replay() gives it. */
function table(s: SiteSeries): { time: number; live: Record<number, number> }[] {
  const out: { time: number; live: Record<number, number> }[] = [];
  s.replay((_c, time, live) => out.push({ time, live: Object.fromEntries(live) }));
  return out;
}

describe('SiteSeries', () => {
  it('holds each change once and carries values forward', () => {
    const s = new SiteSeries();
    s.add(100, [1, 2], [64, 10]);
    s.add(200, [], []);
    s.add(300, [2], [0]);
    expect(s.entries).toBe(3);
    expect(table(s)).toEqual([
      { time: 100, live: { 1: 64, 2: 10 } },
      { time: 200, live: { 1: 64, 2: 10 } },
      { time: 300, live: { 1: 64, 2: 0 } },
    ]);
  });

  it('sorts an untrusted column, keeps the last of a duplicate site, clamps to u32, ignores a tick back in time', () => {
    const s = new SiteSeries();
    s.add(10, [5, 3, 5], [1, -7, 2 ** 40]);
    s.add(5, [9], [9]);
    expect(Array.from(s.sites[0])).toEqual([3, 5]);
    expect(Array.from(s.bytes[0])).toEqual([0, 0xffff_ffff]);
    expect(s.length).toBe(1);
  });

  it('downsamples by merging adjacent columns: later values win, the stride doubles, resolution stays uniform', () => {
    const s = new SiteSeries({ maxColumns: 4 });
    // 10 ticks: site 1 grows by 100 a tick, site 2 alternates 0 / 50.
    for (let i = 1; i <= 10; i++) s.add(i * 1000, [1, 2], [i * 100, i % 2 ? 50 : 0]);
    expect(s.stride).toBe(4);
    expect(s.times).toEqual([4000, 8000, 10000]);
    expect(table(s)).toEqual([
      { time: 4000, live: { 1: 400, 2: 0 } },
      { time: 8000, live: { 1: 800, 2: 0 } },
      { time: 10000, live: { 1: 1000, 2: 0 } },
    ]);
    expect(s.entries).toBe(6);
  });

  it('bounds entries: 10,000 sites changing at each of 2,000 ticks stay within maxEntries (uniform stride)', () => {
    const s = new SiteSeries({ maxColumns: 512, maxEntries: 1 << 20 });
    const sites = Array.from({ length: 10_000 }, (_, i) => i + 1);
    for (let tick = 0; tick < 2_000; tick++)
      s.add(
        tick * 100,
        sites,
        sites.map((x) => x + tick),
      );
    expect(s.entries).toBeLessThanOrEqual(1 << 20);
    expect(s.length).toBe(63);
    expect(s.stride).toBe(32);
    expect(s.byteLength).toBe(63 * 10_000 * 8 + 63 * 16);
    // The last column is the last tick's state.
    const last = table(s).at(-1)!;
    expect(last.time).toBe(199_900);
    expect(last.live[10_000]).toBe(10_000 + 1_999);
  });
});

describe('SiteTicks', () => {
  it('sums live bytes by site per tick, sends only changes, and keeps the blocks live at the peak', () => {
    const t = new Tracker({ clock: () => 0 });
    const ticks = new SiteTicks();
    const tick = (time: number) => ticks.tick(time, t.blocks.table.words, t.liveCount, t.liveBytes, t.totalAllocs, t.totalFrees);
    t.malloc(0x1000, 100, 1);
    t.malloc(0x2000, 50, 2);
    t.malloc(0x3000, 25, 1);
    expect(tick(1)).toEqual({ sites: [1, 2], bytes: [125, 50] });
    expect(tick(2)).toEqual({ sites: [], bytes: [] });
    // A spike at site 3, then freed: the peak keeps its blocks.
    t.malloc(0x10000, 5_000_000, 3);
    t.malloc(0x600000, 1_000, 3);
    expect(tick(3)).toEqual({ sites: [3], bytes: [5_001_000] });
    t.free(0x10000, 9);
    t.free(0x600000, 9);
    t.free(0x2000, 9);
    t.malloc(0x4000, 8, 0xffff_ffff);
    expect(tick(4)).toEqual({ sites: [0, 2, 3], bytes: [8, 0, 0] });
    expect(ticks.peak?.time).toBe(3);
    expect(ticks.peak?.count).toBe(5);
    expect(ticks.peak?.bytes).toBe(5_001_175);
    expect(groupRecords(ticks.peak!.records, ticks.peak!.count)).toEqual([
      { site: 3, count: 2, bytes: 5_001_000 },
      { site: 1, count: 2, bytes: 125 },
      { site: 2, count: 1, bytes: 50 },
    ]);
    expect(ticks.history.length).toBe(3);
    expect(table(ticks.history).at(-1)).toEqual({ time: 4, live: { 0: 8, 1: 125, 2: 0, 3: 0 } });
  });
});

describe('LiveHistory', () => {
  it('answers what was live at a past tick from the live table and a bounded log of blocks freed since', () => {
    const t = new Tracker({ clock: () => 0 });
    const h = new LiveHistory(2);
    const tick = (time: number) => h.tick(time, t.blocks, t.nextSeq, t.liveCount, `${t.totalAllocs}/${t.totalFrees}`);
    const at = (time: number) => {
      const a = h.liveAt(time, t.blocks);
      return a && { time: a.time, count: a.count, bytes: a.bytes, complete: a.complete };
    };
    t.malloc(0x100, 10, 1);
    t.malloc(0x200, 20, 1);
    tick(10);
    t.malloc(0x300, 30, 2);
    t.free(0x300, 0); // allocated and freed between ticks: live at no tick, never logged
    t.free(0x100, 0);
    t.malloc(0x400, 40, 2);
    tick(20);
    t.free(0x200, 0);
    t.free(0x400, 0);
    t.malloc(0x500, 50, 3);
    tick(30);
    expect(h.freedLogged).toBe(2);
    expect(at(5)).toBeNull();
    // At 10: 0x100 and 0x200 (both freed since); the log holds only the last 2 frees, so 0x100's was dropped.
    expect(at(15)).toEqual({ time: 10, count: 1, bytes: 20, complete: false });
    expect(at(20)).toEqual({ time: 20, count: 2, bytes: 60, complete: true });
    expect(at(99)).toEqual({ time: 30, count: 1, bytes: 50, complete: true });
  });
});
