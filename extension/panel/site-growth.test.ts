import { describe, it, expect } from 'vitest';
import { SiteSeries } from '../../src/tracker/site-series';
import { siteGrowth } from './site-growth';

describe('siteGrowth', () => {
  // Stacks 1 and 2 are two paths into one site frame "A"; 3 is "B" (flat); 4 is "C" (a spike).
  const keyOf = (stack: number) => {
    const key = stack <= 2 ? 'A' : stack === 3 ? 'B' : 'C';
    return { key, label: `site ${key}` };
  };
  const series = new SiteSeries();
  // Five ticks a second apart: A +1,000 B/s (split over two stacks), B flat 8,192, C 5,000,000 at t = 2 s only.
  series.add(1000, [1, 3], [0, 8192]);
  series.add(2000, [1, 2], [500, 500]);
  series.add(3000, [1, 2, 4], [1000, 1000, 5_000_000]);
  series.add(4000, [1, 2, 4], [1500, 1500, 0]);
  series.add(5000, [1, 2], [2000, 2000]);

  it('ranks sites by the least-squares slope of their live bytes, stacks summed by site frame', () => {
    const g = siteGrowth(series, keyOf, 1000, 5000);
    expect(g.ranking.map((r) => [r.key, r.slope, r.start, r.end])).toEqual([
      ['A', 1000, 0, 4000],
      ['B', 0, 8192, 8192],
      ['C', 0, 0, 0],
    ]);
    expect(g.ranking[0].stacks).toEqual([1, 2]);
  });

  it('gives the stacked bands per column, the rest as "other"', () => {
    const g = siteGrowth(series, keyOf, 1000, 5000, 2);
    expect(g.times).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(g.bands.map((b) => [b.row.key, b.values])).toEqual([
      ['A', [0, 1000, 2000, 3000, 4000]],
      ['B', [8192, 8192, 8192, 8192, 8192]],
    ]);
    expect(g.other).toEqual([0, 0, 5_000_000, 0, 0]);
  });

  it('starts a range from the values before it', () => {
    const g = siteGrowth(series, keyOf, 2500, 5000);
    expect(g.times).toEqual([3000, 4000, 5000]);
    expect(g.ranking.find((r) => r.key === 'A')).toMatchObject({ start: 2000, end: 4000, slope: 1000 });
    expect(g.ranking.find((r) => r.key === 'C')).toMatchObject({ start: 5_000_000, end: 0, slope: -2_500_000 });
  });
});
