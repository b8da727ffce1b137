// A snapshot: the live table copied into dense typed arrays, sorted by
// allocation sequence number (oldest first). Sorting once here makes every diff
// a linear merge, and "allocated after snapshot A" a suffix of B.
//
// Sequence numbers are u32 and wrap after 2^32 allocations (≈70 min at 1 M
// allocations/s): order is taken relative to `nextSeq`, so it stays right as
// long as no live block is 2^32 allocations older than the snapshot.
import { LB } from './live-blocks';
import { radixSortColumns } from './radix-sort';
import { COUNTER, RO } from './layout';
import type { Tracker } from './tracker';

export interface ReallocOrigins {
  /** Index into the snapshot's block arrays of each live block that came from a realloc. */
  readonly index: Uint32Array;
  /** Seq, site and time (0.1 ms) of the first allocation of its realloc chain. */
  readonly seq: Uint32Array;
  readonly site: Uint32Array;
  readonly time: Uint32Array;
  /** Number of reallocs in the chain. */
  readonly count: Uint32Array;
}

/** Treat as immutable: the arrays are shared by everything that reads the snapshot. */
export interface TrackerSnapshot {
  /** Sequence number of the next allocation at the time of the snapshot. */
  readonly nextSeq: number;
  /** Milliseconds since the recording started. */
  readonly time: number;
  /** Tracker counters at the time, in COUNTER order. */
  readonly counters: Float64Array;
  readonly count: number;
  /** Per live block, oldest allocation first. */
  readonly ptr: Uint32Array;
  readonly size: Uint32Array;
  readonly site: Uint32Array;
  readonly seq: Uint32Array;
  /** Allocation time, 0.1 ms since the recording started. */
  readonly allocTime: Uint32Array;
  /** Sum of `size`. */
  readonly bytes: number;
  readonly origins: ReallocOrigins;
}

export function takeSnapshot(tracker: Tracker): TrackerSnapshot {
  const counters = tracker.counters();
  const nextSeq = tracker.nextSeq;
  const table = tracker.blocks.table;
  const words = table.words;
  const n = table.count;
  // Order key, oldest first: seq − nextSeq (mod 2^32) grows with seq up to
  // nextSeq. Its range is the age of the oldest live block.
  let minKey = 0xffffffff;
  for (let at = LB.seq; at < words.length; at += LB.width) {
    if (words[at - LB.seq] === 0) continue;
    const key = (words[at] - nextSeq) >>> 0;
    if (key < minKey) minKey = key;
  }
  const range = n === 0 ? 0 : 2 ** 32 - minKey;
  const cols = range <= BITSET_SPAN * n ? placeBySeqBitset(words, n, nextSeq, minKey, range) : sortBySeqRadix(words, n, nextSeq);
  const [ptr, size, site, seq, allocTime] = cols;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += size[i];
  return {
    nextSeq,
    time: counters[COUNTER.time],
    counters,
    count: n,
    ptr,
    size,
    site,
    seq,
    allocTime,
    bytes,
    origins: snapshotOrigins(tracker, seq, nextSeq),
  };
}

/**
 * Seq range up to which a snapshot places blocks with a bitset over sequence
 * numbers (range / 8 bytes + range / 8 of ranks) instead of sorting: 32 × the
 * live count keeps the bitset at ≤ 8 bytes per block.
 */
const BITSET_SPAN = 32;

const COLUMNS = [LB.ptr, LB.size, LB.site, LB.seq, LB.time] as const;

/**
 * Seqs are unique: with one bit per sequence number in [oldest, nextSeq), the
 * rank of a block's bit is its position in allocation order. Two reads of the
 * table and one scatter, no sort (≈3× faster than radix-sorting 1 M records).
 */
function placeBySeqBitset(words: Uint32Array, n: number, nextSeq: number, minKey: number, range: number): Uint32Array[] {
  const nw = Math.ceil(range / 32);
  const bits = new Int32Array(nw);
  for (let at = 0; at < words.length; at += LB.width) {
    if (words[at] === 0) continue;
    const off = ((words[at + LB.seq] - nextSeq) >>> 0) - minKey;
    bits[off >>> 5] |= 1 << (off & 31);
  }
  const rank = new Uint32Array(nw);
  for (let w = 0, sum = 0; w < nw; w++) {
    rank[w] = sum;
    sum += popcount(bits[w]);
  }
  const cols = COLUMNS.map(() => new Uint32Array(n));
  const [ptr, size, site, seq, time] = cols;
  for (let at = 0; at < words.length; at += LB.width) {
    const p = words[at];
    if (p === 0) continue;
    const sq = words[at + LB.seq];
    const off = ((sq - nextSeq) >>> 0) - minKey;
    const w = off >>> 5;
    const i = rank[w] + popcount(bits[w] & ((1 << (off & 31)) - 1));
    ptr[i] = p;
    size[i] = words[at + LB.size];
    site[i] = words[at + LB.site];
    seq[i] = sq;
    time[i] = words[at + LB.time];
  }
  return cols;
}

/** For tables whose oldest block is far older than the rest: copy out, radix-sort by key. */
function sortBySeqRadix(words: Uint32Array, n: number, nextSeq: number): Uint32Array[] {
  const keys = new Uint32Array(n);
  const cols = COLUMNS.map(() => new Uint32Array(n));
  let j = 0;
  for (let at = 0; at < words.length; at += LB.width) {
    if (words[at] === 0) continue;
    for (let c = 0; c < COLUMNS.length; c++) cols[c][j] = words[at + COLUMNS[c]];
    keys[j] = (words[at + LB.seq] - nextSeq) >>> 0;
    j++;
  }
  return radixSortColumns(keys, cols).columns;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function snapshotOrigins(tracker: Tracker, seqs: Uint32Array, nextSeq: number): ReallocOrigins {
  const o = tracker.origins;
  const m = o.count;
  const out = {
    index: new Uint32Array(m),
    seq: new Uint32Array(m),
    site: new Uint32Array(m),
    time: new Uint32Array(m),
    count: new Uint32Array(m),
  };
  let j = 0;
  for (let at = 0; at < o.words.length; at += RO.width) {
    const p = o.words[at];
    if (p === 0) continue;
    const b = tracker.blocks.find(p);
    if (b < 0) continue;
    const i = indexOfSeq(seqs, tracker.blocks.get(b, LB.seq), nextSeq);
    if (i < 0) continue;
    out.index[j] = i;
    out.seq[j] = o.words[at + RO.seq];
    out.site[j] = o.words[at + RO.site];
    out.time[j] = o.words[at + RO.time];
    out.count[j] = o.words[at + RO.count];
    j++;
  }
  return j === m
    ? out
    : {
        index: out.index.slice(0, j),
        seq: out.seq.slice(0, j),
        site: out.site.slice(0, j),
        time: out.time.slice(0, j),
        count: out.count.slice(0, j),
      };
}

/**
 * Index of the block with sequence number `seq` in a seq-sorted array, or -1.
 * `base` is a sequence number not older than any in the array (the snapshot's
 * nextSeq, or a later one): the order key is (seq − base − 1) mod 2^32, which
 * ascends over the 2^32 sequence numbers up to and including `base`.
 */
export function indexOfSeq(seqs: Uint32Array, seq: number, base: number): number {
  const at = lowerBoundSeq(seqs, seq, base);
  return at < seqs.length && seqs[at] === seq >>> 0 ? at : -1;
}

/** First index whose block was allocated at or after `seq` (relative to `base`, as above). */
export function lowerBoundSeq(seqs: Uint32Array, seq: number, base: number): number {
  const key = (seq - base - 1) >>> 0;
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((seqs[mid] - base - 1) >>> 0 < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
