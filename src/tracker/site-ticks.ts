// Per-site live bytes of one tracker, taken at each tick of the page agent,
// and the live blocks at the highest live heap seen (the peak, DHAT's t-gmax).
//
// Why a scan per tick and not counters per event: on the 'table' event path
// malloc and free never leave wasm (src/agent/wasm-table.ts), so JS sees no
// event to count; the live-block table is the truth both paths share. One pass
// over its records (ptr, size, site, seq, time; LB) sums bytes by site: ≈1–3 ms
// per 1 M live blocks, paid only at ticks where the tracker's counters moved.
// The same pass copies the records when the live heap is above the peak, so
// the peak costs one copy of the live set per tick at which a new maximum is
// seen (none once the heap stays below it). Resolution is the tick: a spike
// allocated and freed between two ticks is not seen.
//
// The same pass also finds the live heap's extent (the lowest live block and
// the end of the highest): what the panel compares with the live bytes and the
// linear memory size to tell fragmentation (free space between live blocks)
// from a high-water mark (memory above the highest live block). No module we
// test exports the allocator's own figures (`mallinfo`; dlmalloc's state is a
// static whose address no export or name section gives), so this is read from
// the blocks; two compares per live block.
import { LB } from './live-blocks';
import { NO_SITE } from './tracker';
import { SiteSeries, type SiteSeriesOptions } from './site-series';

/** Stack ids above this are counted as unknown (the page interns at most 100,000). */
const MAX_SITE_ID = 1 << 20;
const NO_RECORDS = new Uint32Array(0);

export interface PeakBlocks {
  /** What the tick was given as its time. */
  time: number;
  count: number;
  bytes: number;
  /** `count` records of LB.width u32 (ptr, size, site, seq, time), in table order. */
  records: Uint32Array;
}

export interface TickChanges {
  sites: number[];
  bytes: number[];
}

export class SiteTicks {
  readonly history: SiteSeries;
  peak: PeakBlocks | null = null;
  /** Lowest live block address at the last scanned tick (0 when none was live). */
  low = 0;
  /** End (address + size) of the highest live block at the last scanned tick (0 when none). */
  high = 0;
  private cur: Float64Array = new Float64Array(256);
  private prev: Float64Array = new Float64Array(256);
  /** Highest site index with a non-zero value in `prev`. */
  private prevTop = -1;
  private lastKey = '';

  constructor(options?: SiteSeriesOptions) {
    this.history = new SiteSeries(options);
  }

  /**
   * One tick over the live-block records `words` (a tracker's table: empty
   * slots have ptr 0). `liveCount`, `liveBytes`, `allocs`, `frees` are the
   * tracker's counters: when none moved since the last tick nothing is
   * scanned. Returns the sites whose live bytes changed (ascending; site 0 =
   * unknown) and records them in `history`.
   */
  tick(time: number, words: Uint32Array, liveCount: number, liveBytes: number, allocs: number, frees: number): TickChanges {
    const key = `${liveCount}/${liveBytes}/${allocs}/${frees}`;
    if (key === this.lastKey) return { sites: [], bytes: [] };
    this.lastKey = key;
    const takePeak = this.peak === null || liveBytes > this.peak.bytes;
    let records: Uint32Array | null = null;
    if (takePeak) {
      const old = this.peak?.records;
      records = old && old.length >= liveCount * LB.width ? old : new Uint32Array(liveCount * LB.width);
    }
    // Size the per-site sums once (a first pass over the site words only), so the summing loop has no branch but the empty slot.
    let top = -1;
    const width = LB.width;
    const end = words.length;
    for (let at = 0; at < end; at += width) {
      if (words[at] === 0) continue;
      const site = words[at + LB.site];
      if (site > top && site !== NO_SITE) top = site;
    }
    if (top >= MAX_SITE_ID) top = MAX_SITE_ID - 1;
    if (top >= this.cur.length) this.cur = grow(this.cur, Math.max(top + 1, this.cur.length * 2));
    const cur = this.cur;
    let n = 0;
    let bytes = 0;
    let low = 0xffff_ffff;
    let high = 0;
    // Offsets 1–4 are LB.size, LB.site, LB.seq, LB.time (literals: this loop runs over every live block).
    // One loop for both ticks: without a peak copy `out` is empty, so the copy is one failed compare a block.
    const out = records ?? NO_RECORDS;
    const cap = out.length;
    for (let at = 0; at < end; at += width) {
      const ptr = words[at];
      if (ptr === 0) continue;
      const size = words[at + 1];
      const site = words[at + 2];
      cur[site < MAX_SITE_ID ? site : 0] += size;
      bytes += size;
      if (ptr < low) low = ptr;
      if (ptr + size > high) high = ptr + size;
      const o = n * width;
      if (o < cap) {
        out[o] = ptr;
        out[o + 1] = size;
        out[o + 2] = site;
        out[o + 3] = words[at + 3];
        out[o + 4] = words[at + 4];
      }
      n++;
    }
    this.low = high > 0 ? low : 0;
    this.high = high;
    // Blocks of unknown site (NO_SITE) were summed at 0.
    if (top < 0 && bytes > 0) top = 0;
    if (records !== null) this.peak = { time, count: Math.min(n, liveCount), bytes, records };
    const prev = this.prev.length >= cur.length ? this.prev : grow(this.prev, cur.length);
    const sites: number[] = [];
    const values: number[] = [];
    const last = Math.max(top, this.prevTop);
    for (let s = 0; s <= last; s++) {
      if (cur[s] !== prev[s]) {
        sites.push(s);
        values.push(cur[s]);
      }
    }
    // cur becomes prev; the old prev, zeroed up to its top, the next cur.
    prev.fill(0, 0, this.prevTop + 1);
    this.prev = cur;
    this.cur = prev;
    this.prevTop = top;
    if (sites.length > 0 || this.history.length === 0) this.history.add(time, sites, values);
    return { sites, bytes: values };
  }

  clear(): void {
    this.history.clear();
    this.peak = null;
  }
}

function grow(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

export interface RecordGroup {
  site: number;
  count: number;
  bytes: number;
}

/** Records (LB layout) grouped by site (NO_SITE → 0), largest bytes first. */
export function groupRecords(records: Uint32Array, count: number): RecordGroup[] {
  const bySite = new Map<number, RecordGroup>();
  for (let i = 0; i < count; i++) {
    const o = i * LB.width;
    const raw = records[o + LB.site];
    const site = raw === NO_SITE ? 0 : raw;
    let g = bySite.get(site);
    if (!g) bySite.set(site, (g = { site, count: 0, bytes: 0 }));
    g.count++;
    g.bytes += records[o + LB.size];
  }
  return [...bySite.values()].sort((a, b) => b.bytes - a.bytes || a.site - b.site);
}
