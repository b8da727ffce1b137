// Discovery checked at runtime (Tracker.probation, set by the page for a
// module whose allocator was found by heuristic): misuse reported before any
// free has matched an allocation is held back; 8 such contradictions before
// the first matched free mean the discovery is wrong (mimalloc stripped of
// names: its exported malloc/free are found, its internal realloc/calloc are
// not, and every free of a realloc'd block looks invalid): misuse is muted
// and `distrust` says why. One matched free ends the probation.
import { describe, it, expect } from 'vitest';
import { Tracker } from './tracker';

const clock = () => 0;

describe('Tracker.probation', () => {
  it('8 contradictions before any matched free: muted, distrust says why', () => {
    const t = new Tracker({ clock });
    t.probation = true;
    t.malloc(1000, 16, 1);
    for (let i = 0; i < 20; i++) t.free(2000 + 16 * i, 2); // blocks it never saw allocated
    expect(t.errors).toEqual([]);
    expect(t.errorsMuted).toBe(20);
    expect(t.reportErrors).toBe(false);
    expect(t.distrust).toMatch(/^allocator discovery contradicted at runtime: 8 misuse reports \(invalid-free\)/);
    expect([t.liveCount, t.totalFrees]).toEqual([1, 0]);
  });

  it('allocations over live blocks count as contradictions, their implied frees do not end the probation', () => {
    const t = new Tracker({ clock });
    t.probation = true;
    for (let i = 0; i < 9; i++) t.malloc(1000, 16, 1); // the same address again and again: its frees are unseen
    expect(t.errors).toEqual([]);
    expect(t.distrust).toMatch(/alloc-over-live/);
    expect([t.liveCount, t.totalAllocs, t.totalFrees]).toEqual([1, 9, 8]);
  });

  it('a matched free ends the probation and reports what was held, in order', () => {
    const t = new Tracker({ clock });
    t.probation = true;
    t.free(4000, 7); // held
    expect(t.errors).toEqual([]);
    t.malloc(1000, 16, 1);
    t.free(1000, 2); // matched: the discovery holds
    expect(t.probation).toBe(false);
    t.free(1000, 3); // a real double free, reported at once
    expect(t.errors.map((e) => [e.kind, e.ptr, e.site])).toEqual([
      ['invalid-free', 4000, 7],
      ['double-free', 1000, 3],
    ]);
    expect(t.distrust).toBeNull();
  });

  it('off by default: every misuse reported at once', () => {
    const t = new Tracker({ clock });
    t.free(4000, 7);
    expect(t.errors).toHaveLength(1);
  });
});
