// Live bytes by site over a time range, from a module's SiteSeries: which
// sites grow (least-squares slope of their live bytes over the range) and the
// bands of the stacked chart (the top sites by growth, the rest as "other").
// Stacks (the page's site ids) are summed by site frame, as the Sites table
// groups them. Pure: Node tests drive it.
import type { SiteSeries } from '../../src/tracker/site-series';

export type SiteKeyOf = (stack: number) => { key: string; label: string };

export interface GrowthRow {
  key: string;
  label: string;
  /** Stack ids summed into this site. */
  stacks: number[];
  /** Least-squares slope of the live bytes over the range, bytes per second. */
  slope: number;
  /** Live bytes at the first and last column of the range. */
  start: number;
  end: number;
}

export interface SiteBands {
  /** Column times in the range (epoch ms). */
  times: number[];
  /** The top sites by growth, fastest first, with their live bytes per column. */
  bands: { row: GrowthRow; values: number[] }[];
  /** Live bytes of every other site per column. */
  other: number[];
  /** Every site seen in the range, fastest growth first. */
  ranking: GrowthRow[];
}

interface KeyState {
  row: GrowthRow;
  value: number;
  /** Column from which `value` holds. */
  since: number;
  sv: number;
  stv: number;
}

/** Bands and ranking over the columns of `series` whose time is in [from, to]. */
export function siteGrowth(series: SiteSeries, keyOf: SiteKeyOf, from: number, to: number, top = 10): SiteBands {
  const times = series.times;
  let c0 = 0;
  while (c0 < times.length && times[c0] < from) c0++;
  let c1 = times.length - 1;
  while (c1 >= 0 && times[c1] > to) c1--;
  if (c1 < c0) return { times: [], bands: [], other: [], ranking: [] };
  // Seconds from the range's first column (`from` may be -Infinity), and their prefix sums.
  const origin = times[c0];
  const t = (c: number) => (times[c] - origin) / 1000;
  const prefix = new Float64Array(c1 - c0 + 2);
  let st = 0;
  let stt = 0;
  for (let c = c0; c <= c1; c++) {
    prefix[c - c0 + 1] = prefix[c - c0] + t(c);
    st += t(c);
    stt += t(c) * t(c);
  }
  const n = c1 - c0 + 1;
  const sumT = (a: number, b: number) => prefix[b - c0] - prefix[a - c0];
  const keyOfStack = new Map<number, KeyState>();
  const byKey = new Map<string, KeyState>();
  const stateOf = (stack: number): KeyState => {
    let s = keyOfStack.get(stack);
    if (s) return s;
    const k = keyOf(stack);
    s = byKey.get(k.key);
    if (!s) {
      s = { row: { key: k.key, label: k.label, stacks: [], slope: 0, start: 0, end: 0 }, value: 0, since: c0, sv: 0, stv: 0 };
      byKey.set(k.key, s);
    }
    s.row.stacks.push(stack);
    keyOfStack.set(stack, s);
    return s;
  };
  /** Adds `s.value` over columns [s.since, upTo) ∩ [c0, c1]. */
  const settle = (s: KeyState, upTo: number) => {
    const a = Math.max(s.since, c0);
    const b = Math.min(upTo, c1 + 1);
    if (b > a && s.value !== 0) {
      s.sv += s.value * (b - a);
      s.stv += s.value * sumT(a, b);
    }
    s.since = upTo;
  };
  replayDeltas(
    series,
    c1,
    (c, stack, delta) => {
      const s = stateOf(stack);
      settle(s, c);
      s.value += delta;
    },
    (c) => {
      if (c === c0) for (const s of byKey.values()) s.row.start = s.value;
    },
  );
  const ranking: GrowthRow[] = [];
  const den = n * stt - st * st;
  for (const s of byKey.values()) {
    settle(s, c1 + 1);
    s.row.end = s.value;
    s.row.slope = n > 1 && den > 0 ? (n * s.stv - st * s.sv) / den : 0;
    if (s.sv !== 0 || s.row.start !== 0 || s.row.end !== 0) ranking.push(s.row);
  }
  ranking.sort((a, b) => b.slope - a.slope || b.end - a.end || (a.label < b.label ? -1 : 1));
  // Second pass: per column, the top rows' values and everything else.
  const chosen = ranking.slice(0, top);
  const index = new Map(chosen.map((r, i) => [r.key, i]));
  const bands = chosen.map((row) => ({ row, values: [] as number[] }));
  const other: number[] = [];
  const current = new Float64Array(chosen.length);
  let total = 0;
  const bandOf = new Map<number, number>();
  for (const [stack, s] of keyOfStack) bandOf.set(stack, index.get(s.row.key) ?? -1);
  replayDeltas(
    series,
    c1,
    (_c, stack, delta) => {
      total += delta;
      const b = bandOf.get(stack) ?? -1;
      if (b >= 0) current[b] += delta;
    },
    (c) => {
      if (c < c0) return;
      let inBands = 0;
      for (let b = 0; b < chosen.length; b++) {
        bands[b].values.push(current[b]);
        inBands += current[b];
      }
      other.push(total - inBands);
    },
  );
  return { times: times.slice(c0, c1 + 1), bands, other, ranking };
}

/**
 * Replays `series` from its first column to column `c1`: at each column, what
 * each stack whose live bytes changed there gained (`change(c, stack, delta)`,
 * negative when it lost), then `column(c)`.
 */
function replayDeltas(
  series: SiteSeries,
  c1: number,
  change: (c: number, stack: number, delta: number) => void,
  column: (c: number) => void,
): void {
  const last = new Map<number, number>();
  series.replay((c, _time, _live, changed) => {
    if (c > c1) return;
    const bytes = series.bytes[c];
    for (let i = 0; i < changed.length; i++) {
      const stack = changed[i];
      change(c, stack, bytes[i] - (last.get(stack) ?? 0));
      last.set(stack, bytes[i]);
    }
    column(c);
  });
}
