// One module's timeline: parallel plain arrays, appended per sample and thinned
// when long, plus the min-max decimation the charts draw from.

/** Points kept per module; older points are thinned beyond it. */
const MAX_POINTS = 20_000;

export const SERIES_FIELDS = ['time', 'memory', 'liveCount', 'live', 'allocs', 'frees'] as const;
export type SeriesField = (typeof SERIES_FIELDS)[number];

/** Keeps every other point of the older half of each of `arrays` (parallel: one length): the shape survives, memory stays bounded. */
export function thinOlderHalf(arrays: number[][]): void {
  const half = arrays[0].length >> 1;
  for (const arr of arrays) arr.splice(0, half, ...arr.slice(0, half).filter((_, i) => i % 2 === 0));
}

/** Rows by time in parallel columns (one array per field, all of one length); the time column is ascending. */
export class TimeColumns {
  time: number[] = [];

  get length(): number {
    return this.time.length;
  }
}

export class Series extends TimeColumns {
  memory: number[] = [];
  liveCount: number[] = [];
  live: number[] = [];
  /** Cumulative counters, as the page sends them: rates are their slopes. */
  allocs: number[] = [];
  frees: number[] = [];

  push(time: number, memory: number, liveCount: number, live: number, allocs: number, frees: number): void {
    this.time.push(time);
    this.memory.push(memory);
    this.liveCount.push(liveCount);
    this.live.push(live);
    this.allocs.push(allocs);
    this.frees.push(frees);
    if (this.time.length > MAX_POINTS) this.thin();
  }

  /** Keeps every other point of the older half: the shape survives, memory stays bounded. */
  private thin(): void {
    thinOlderHalf(SERIES_FIELDS.map((f) => this[f]));
  }
}

/**
 * Events per second between consecutive samples of a cumulative count (a module's allocs or frees, or a
 * context's sum of them): the value holds for the interval ending at i, 0 at the first.
 */
export function perSecond(time: readonly number[], cumulative: readonly number[]): number[] {
  const out = new Array<number>(time.length);
  if (time.length > 0) out[0] = 0;
  for (let i = 1; i < time.length; i++) {
    const dt = time[i] - time[i - 1];
    out[i] = dt > 0 ? ((cumulative[i] - cumulative[i - 1]) * 1000) / dt : 0;
  }
  return out;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Min-max decimation over [from, to] in `buckets` columns: keeps the first,
 * min, max and last point of each column, so peaks survive and a chart of
 * 20,000 points draws ~4 per pixel column at most. x is mapped by `toX`.
 */
export function decimate(time: number[], values: number[], from: number, to: number, buckets: number, toX: (t: number) => number): Point[] {
  const out: Point[] = [];
  const n = time.length;
  if (n === 0) return out;
  // One point before and after the window keeps lines running to the edges.
  let lo = lowerBound(time, from);
  let hi = lowerBound(time, to);
  if (lo > 0) lo--;
  if (hi < n) hi++;
  const width = (to - from) / Math.max(1, buckets);
  if (hi - lo <= buckets * 4 || !(width > 0)) {
    for (let i = lo; i < hi; i++) out.push({ x: toX(time[i]), y: values[i] });
    return out;
  }
  let i = lo;
  while (i < hi) {
    const bucket = Math.floor((time[i] - from) / width);
    const first = i;
    let min = i;
    let max = i;
    while (i < hi && Math.floor((time[i] - from) / width) === bucket) {
      if (values[i] < values[min]) min = i;
      if (values[i] > values[max]) max = i;
      i++;
    }
    const last = i - 1;
    for (const k of [...new Set([first, min, max, last])].sort((a, b) => a - b)) out.push({ x: toX(time[k]), y: values[k] });
  }
  return out;
}

function lowerBound(arr: number[], v: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Times at which `memory` grew from the previous point (linear memory only grows: each is a `memory.grow` seen at a sample). */
export function growths(time: readonly number[], memory: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < time.length; i++) if (memory[i] > memory[i - 1] && memory[i - 1] > 0) out.push(time[i]);
  return out;
}
