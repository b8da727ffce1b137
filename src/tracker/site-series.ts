// Live bytes per allocation site over time, bounded for hours of recording.
//
// A column is one tick (the page agent's flush): the sites whose live bytes
// changed since the previous column and their value then. A site's value at a
// column is its last change at or before it, so a tick where nothing changed
// costs one time stamp. Bounds: at most `maxColumns` columns and `maxEntries`
// (site, bytes) entries; past either, every pair of adjacent columns is merged
// into one (the later instant's values win: old ticks are *sampled*, not
// averaged, so every column still says what was live then) and from then on a
// column holds `stride` ticks (doubled at each merge). Resolution is uniform
// over the recording: one hour at 10 ticks/s fits the default 512 columns at
// a stride of 128 ticks (12.8 s) when few sites change per tick, 71 columns
// (51 s) when 10,000 change at every tick (the entries bound; bench/site-ticks.ts).
//
// Used by the page agent (what a late panel gets on resync) and by the panel
// (what the stacked chart and the growth ranking read), so both hold the same
// bounded history.

export interface SiteSeriesOptions {
  maxColumns?: number;
  maxEntries?: number;
}

/** Live bytes per site fit a u32: a site's blocks are inside one 32-bit linear memory. */
const MAX_BYTES = 0xffff_ffff;

export class SiteSeries {
  readonly maxColumns: number;
  readonly maxEntries: number;
  /** Time of each column: its last tick. */
  times: number[] = [];
  /** Per column: sites that changed (ascending) and their live bytes at the column's time. */
  sites: Uint32Array[] = [];
  bytes: Uint32Array[] = [];
  /** Ticks merged into each column. */
  private spans: number[] = [];
  /** Ticks per column. */
  stride = 1;
  entries = 0;

  constructor(options: SiteSeriesOptions = {}) {
    this.maxColumns = Math.max(2, options.maxColumns ?? 512);
    this.maxEntries = Math.max(1, options.maxEntries ?? 1 << 20);
  }

  get length(): number {
    return this.times.length;
  }

  /** Bytes held (typed arrays and the time/span lists). */
  get byteLength(): number {
    return this.entries * 8 + this.times.length * 16;
  }

  /**
   * One tick: `sites[i]` has `bytes[i]` live at `time`. Sites are sorted here
   * (a panel gets them from an untrusted page); a site given twice keeps its
   * last value; times must not go back (a tick before the last one is ignored).
   */
  add(time: number, sites: ArrayLike<number>, bytes: ArrayLike<number>): void {
    const n = Math.min(sites.length, bytes.length);
    const last = this.times.length - 1;
    if (last >= 0 && time < this.times[last]) return;
    const col = normalize(sites, bytes, n);
    if (last >= 0 && this.spans[last] < this.stride) {
      const merged = mergeColumns(this.sites[last], this.bytes[last], col.sites, col.bytes);
      this.entries += merged.sites.length - this.sites[last].length;
      this.sites[last] = merged.sites;
      this.bytes[last] = merged.bytes;
      this.times[last] = time;
      this.spans[last]++;
    } else {
      this.times.push(time);
      this.sites.push(col.sites);
      this.bytes.push(col.bytes);
      this.spans.push(1);
      this.entries += col.sites.length;
    }
    while (this.times.length > this.maxColumns || (this.entries > this.maxEntries && this.times.length > 1)) this.halve();
  }

  /** Merges each pair of adjacent columns (the oldest first); the stride doubles. */
  private halve(): void {
    const times: number[] = [];
    const sites: Uint32Array[] = [];
    const bytes: Uint32Array[] = [];
    const spans: number[] = [];
    let entries = 0;
    for (let c = 0; c < this.times.length; c += 2) {
      if (c + 1 === this.times.length) {
        times.push(this.times[c]);
        sites.push(this.sites[c]);
        bytes.push(this.bytes[c]);
        spans.push(this.spans[c]);
        entries += this.sites[c].length;
        break;
      }
      const m = mergeColumns(this.sites[c], this.bytes[c], this.sites[c + 1], this.bytes[c + 1]);
      times.push(this.times[c + 1]);
      sites.push(m.sites);
      bytes.push(m.bytes);
      spans.push(this.spans[c] + this.spans[c + 1]);
      entries += m.sites.length;
    }
    this.times = times;
    this.sites = sites;
    this.bytes = bytes;
    this.spans = spans;
    this.entries = entries;
    this.stride *= 2;
  }

  /**
   * Calls `fn` per column, oldest first, after applying its changes to `live`
   * (site → bytes, every site seen so far): the state at each column's time.
   */
  replay(fn: (column: number, time: number, live: ReadonlyMap<number, number>, changed: Uint32Array) => void): void {
    const live = new Map<number, number>();
    for (let c = 0; c < this.times.length; c++) {
      const s = this.sites[c];
      const b = this.bytes[c];
      for (let i = 0; i < s.length; i++) live.set(s[i], b[i]);
      fn(c, this.times[c], live, s);
    }
  }

  /** Every column as rows (time, site, bytes) in order: what a resync sends. */
  forEachEntry(fn: (time: number, site: number, bytes: number) => void): void {
    for (let c = 0; c < this.times.length; c++) {
      const s = this.sites[c];
      const b = this.bytes[c];
      for (let i = 0; i < s.length; i++) fn(this.times[c], s[i], b[i]);
    }
  }

  clear(): void {
    this.times = [];
    this.sites = [];
    this.bytes = [];
    this.spans = [];
    this.entries = 0;
    this.stride = 1;
  }
}

/** A column's entries sorted by site, one per site (the last given wins), values clamped to u32. */
function normalize(sites: ArrayLike<number>, bytes: ArrayLike<number>, n: number): { sites: Uint32Array; bytes: Uint32Array } {
  let sorted = true;
  for (let i = 1; i < n; i++) if (sites[i] <= sites[i - 1]) sorted = false;
  const clamp = (v: number) => (v > 0 ? (v < MAX_BYTES ? Math.floor(v) : MAX_BYTES) : 0);
  if (sorted) {
    const s = new Uint32Array(n);
    const b = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = sites[i];
      b[i] = clamp(bytes[i]);
    }
    return { sites: s, bytes: b };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) map.set(sites[i] >>> 0, clamp(bytes[i]));
  const keys = [...map.keys()].sort((x, y) => x - y);
  return { sites: Uint32Array.from(keys), bytes: Uint32Array.from(keys, (k) => map.get(k) ?? 0) };
}

/** Union of two sorted columns; where both have a site, the newer (`b`) value wins. */
function mergeColumns(as: Uint32Array, ab: Uint32Array, bs: Uint32Array, bb: Uint32Array): { sites: Uint32Array; bytes: Uint32Array } {
  const sites = new Uint32Array(as.length + bs.length);
  const bytes = new Uint32Array(as.length + bs.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < as.length || j < bs.length) {
    if (j === bs.length || (i < as.length && as[i] < bs[j])) {
      sites[k] = as[i];
      bytes[k++] = ab[i++];
    } else {
      if (i < as.length && as[i] === bs[j]) i++;
      sites[k] = bs[j];
      bytes[k++] = bb[j++];
    }
  }
  return { sites: sites.slice(0, k), bytes: bytes.slice(0, k) };
}
