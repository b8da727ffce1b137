// Leak kinds by a conservative scan of linear memory, as valgrind memcheck and
// LeakSanitizer do: any 4-byte-aligned u32 that equals a block's start (or
// falls inside it) is taken as a pointer to it.
//
// Kinds (memcheck's definitions, valgrind manual §4.2.8):
// - reachable: a chain of start pointers leads to it from a root;
// - possible:  only chains with at least one interior pointer lead to it;
// - definite:  no pointer to it was found, from roots or from other blocks;
// - indirect:  not reachable, but pointed to by a lost block (e.g. the tail of
//   a list whose head was dropped: 1 definite + n−1 indirect).
// A cycle of lost blocks has no pointer from outside, yet each of its blocks is
// pointed to: like memcheck, the first block of the cycle (lowest address, in
// the order the cliques are searched) is reported definite and the others
// indirect, so the leak is not hidden as "only indirect".
//
// Roots are byte ranges the caller chooses (data + bss, the live part of the
// shadow stack) and values held outside memory (the module's i32 globals). What
// is not a root is not scanned: free memory, the dead part of the stack. An
// allocator's own state inside the roots (dlmalloc's bins point at free chunks
// that may start at the last 4 bytes of a live block) can make a block
// "possible" that is not: pass ranges without it when its address is known.
import { radixSortColumns } from './radix-sort';

export const LEAK = { reachable: 0, possible: 1, indirect: 2, definite: 3 } as const;
export const LEAK_KINDS = ['reachable', 'possible', 'indirect', 'definite'] as const;
export type LeakKind = (typeof LEAK_KINDS)[number];

/** Any set of live blocks: a TrackerSnapshot fits. */
export interface BlockSet {
  readonly count: number;
  readonly ptr: Uint32Array;
  readonly size: Uint32Array;
}

export interface LeakRoots {
  /** Flat byte ranges [start0, end0, start1, end1, …] of memory that hold roots. */
  readonly ranges: ArrayLike<number>;
  /** Pointer values kept outside linear memory (i32 globals). */
  readonly values?: ArrayLike<number>;
}

export interface LeakReport {
  /** LEAK code per queried block (in query order; all blocks when no query). */
  readonly kind: Uint8Array;
  /** Blocks and bytes per kind, indexed by LEAK code, over the queried blocks. */
  readonly count: Float64Array;
  readonly bytes: Float64Array;
  /** Bytes of memory read (roots + blocks scanned). */
  readonly scannedBytes: number;
}

// Internal states, one per block in address order.
const UNREACHED = 0;
const REACHABLE = 1;
const POSSIBLE = 2;
const INDIRECT = 3;
const DEFINITE = 4;
const STATE_TO_LEAK = new Uint8Array([LEAK.definite, LEAK.reachable, LEAK.possible, LEAK.indirect, LEAK.definite]);

// Per block, in address order, one 16-byte record: start, length (≥ 1), state,
// index in the caller's BlockSet. A pointer lookup is a chain of dependent
// cache misses (≈90 ns each on a 64 MB heap, measured): with the state next to
// the bounds and an owner map that names the block directly, it is two misses
// (owner map, record) instead of four (bucket, starts, ends, states).
const BI = { start: 0, len: 1, state: 2, index: 3, width: 4 } as const;

/**
 * Blocks by address plus an owner map: the heap's address span cut into
 * granules of 2^shift bytes (about two granules per block), each naming the
 * first block that ends after the granule's start. The block holding an
 * address is that one or one of the few that follow it.
 */
class BlockIndex {
  readonly n: number;
  readonly blk: Uint32Array;
  readonly min: number;
  readonly span: number;
  readonly shift: number;
  readonly owner: Uint32Array;

  constructor(blocks: BlockSet) {
    const n = blocks.count;
    this.n = n;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // Hoisted: property loads on a caller's object in a 1 M loop are not free.
    const sizes = blocks.size;
    const sorted = radixSortColumns(blocks.ptr.slice(0, n), [order]);
    const starts = sorted.keys;
    const byAddr = sorted.columns[0];
    const blk = new Uint32Array(n * BI.width);
    let maxEnd = 0;
    for (let k = 0; k < n; k++) {
      const i = byAddr[k];
      const at = k * BI.width;
      // A zero-size block still owns its address (malloc(0) returns a unique pointer).
      const len = Math.max(sizes[i], 1);
      blk[at + BI.start] = starts[k];
      blk[at + BI.len] = len;
      blk[at + BI.index] = i;
      if (starts[k] + len > maxEnd) maxEnd = starts[k] + len;
    }
    const min = n > 0 ? starts[0] : 0;
    const span = n > 0 ? maxEnd - min : 0;
    let shift = 2;
    while (shift < 31 && span / 2 ** shift > Math.max(2 * n, 1024)) shift++;
    const granule = 2 ** shift;
    const granules = Math.floor(span / granule) + 1;
    const owner = new Uint32Array(granules);
    for (let g = 0, k = 0, base = min; g < granules; g++, base += granule) {
      while (k < n && blk[k * BI.width + BI.start] + blk[k * BI.width + BI.len] <= base) k++;
      owner[g] = k;
    }
    this.blk = blk;
    this.min = min;
    this.span = span;
    this.shift = shift;
    this.owner = owner;
  }
}

/**
 * Classifies `query` (indices into `blocks`; all blocks if omitted) against
 * every block of `blocks` (the full live table: reachability runs through all of
 * them) and the contents of `memory`.
 */
export function classifyLeaks(blocks: BlockSet, memory: Uint8Array, roots: LeakRoots, query?: Uint32Array): LeakReport {
  const index = new BlockIndex(blocks);
  const { n, blk, min, span, shift, owner } = index;
  // Each block is pushed at most twice (possible, then reachable) in phase 1.
  const stack = new Int32Array(2 * n + 1);
  let top = 0;
  const words =
    memory.byteOffset % 4 === 0
      ? new Uint32Array(memory.buffer, memory.byteOffset, memory.byteLength >>> 2)
      : new Uint32Array(memory.slice().buffer, 0, memory.byteLength >>> 2);
  const memWords = words.length;
  let scanned = 0;

  /** Record offset (rank × BI.width) of the block holding address v, or −1. */
  const find = (v: number): number => {
    const d = (v - min) >>> 0;
    if (d >= span) return -1;
    return resolve(owner[d >>> shift], v);
  };
  /** From the owner map's candidate rank k to the record holding v, or −1. */
  const resolve = (k: number, v: number): number => {
    if (k >= n) return -1;
    let at = k * BI.width;
    // Later blocks that start in the same granule, at or before v.
    while (++k < n && blk[at + BI.width + BI.start] <= v) at += BI.width;
    const s = blk[at + BI.start];
    return s <= v && v < s + blk[at + BI.len] ? at : -1;
  };

  // The scan works in batches of words drawn from many blocks, in three loops:
  // candidates from the owner map, a touch of each candidate's record, then the
  // decisions, so the cache misses of a batch are independent loads the CPU can
  // overlap instead of a chain behind each unpredictable branch. Measured on the
  // random-pointer heap of bench/tracker.ts (2-core VM): ≈45 → ≈55 MB/s with
  // the hot variables in locals; what remains is cache and TLB misses.
  const CHUNK = 1024;
  const candV = new Uint32Array(CHUNK);
  const candK = new Uint32Array(CHUNK);
  const candM = new Int32Array(CHUNK);
  const BLOCKS_AHEAD = 64;
  const ahead = new Int32Array(BLOCKS_AHEAD);
  let touched = 0;
  // The range being read: words [cur, curEnd) with mode curMode, where a mode is
  // REACHABLE (a root or reachable parent), POSSIBLE, or leader offset + 8 (phase 2).
  let cur = 0;
  let curEnd = 0;
  let curMode = 0;
  let nAhead = 0;
  let iAhead = 0;
  let cliqueMode = 0;

  /** Loads the next block from the stack into cur; false when there is none. */
  const nextBlock = (): boolean => {
    if (iAhead === nAhead) {
      if (top === 0) return false;
      // Pop several blocks and touch their first word: independent misses.
      nAhead = 0;
      iAhead = 0;
      let t = 0;
      while (top > 0 && nAhead < BLOCKS_AHEAD) {
        const at = stack[--top];
        ahead[nAhead++] = at;
        t ^= words[Math.min(memWords - 1, blk[at + BI.start] >>> 2)];
      }
      touched ^= t;
    }
    const at = ahead[iAhead++];
    const s = blk[at + BI.start];
    cur = Math.ceil(s / 4);
    curEnd = Math.min(memWords, Math.floor((s + blk[at + BI.len]) / 4));
    curMode = cliqueMode !== 0 ? cliqueMode : blk[at + BI.state] === REACHABLE ? REACHABLE : POSSIBLE;
    if (curEnd > cur) scanned += (curEnd - cur) * 4;
    return true;
  };

  /** Scans the current range, then every block pushed, until no work is left. */
  const drain = (): void => {
    // Locals for the hot loop (closure variables are memory, not registers).
    let c = cur;
    let e = curEnd;
    let md = curMode;
    for (;;) {
      let m = 0;
      while (m < CHUNK) {
        if (c >= e) {
          if (!nextBlock()) break;
          c = cur;
          e = curEnd;
          md = curMode;
          continue;
        }
        const v = words[c++];
        const d = (v - min) >>> 0;
        if (d < span) {
          candV[m] = v;
          candK[m] = owner[d >>> shift];
          candM[m] = md;
          m++;
        }
      }
      cur = c;
      if (m === 0) return;
      let t = 0;
      for (let i = 0; i < m; i++) {
        const k = candK[i];
        t ^= blk[(k < n ? k : 0) * BI.width];
      }
      touched ^= t;
      for (let i = 0; i < m; i++) {
        const v = candV[i];
        const at = resolve(candK[i], v);
        if (at < 0) continue;
        const st = blk[at + BI.state];
        const mode = candM[i];
        if (mode === REACHABLE) {
          if (blk[at + BI.start] === v) {
            if (st !== REACHABLE) {
              blk[at + BI.state] = REACHABLE;
              stack[top++] = at;
            }
          } else if (st === UNREACHED) {
            blk[at + BI.state] = POSSIBLE;
            stack[top++] = at;
          }
        } else if (mode === POSSIBLE) {
          if (st === UNREACHED) {
            blk[at + BI.state] = POSSIBLE;
            stack[top++] = at;
          }
        } else if (st === UNREACHED) {
          blk[at + BI.state] = INDIRECT;
          stack[top++] = at;
        } else if (st === DEFINITE && at !== mode - 8) {
          blk[at + BI.state] = INDIRECT; // an earlier leader: its own clique is already marked
        }
      }
    }
  };

  // Phase 1: from the roots. A start pointer from a root or a reachable block
  // makes a block reachable; any other pointer makes it (at best) possible.
  const ranges = roots.ranges;
  const values = roots.values ?? [];
  for (let r = 0; r < values.length; r++) {
    const v = values[r] >>> 0;
    const at = find(v);
    if (at < 0) continue;
    const exact = blk[at + BI.start] === v;
    if (exact ? blk[at + BI.state] !== REACHABLE : blk[at + BI.state] === UNREACHED) {
      blk[at + BI.state] = exact ? REACHABLE : POSSIBLE;
      stack[top++] = at;
    }
  }
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    cur = Math.ceil(Math.max(0, ranges[r]) / 4);
    curEnd = Math.min(memWords, Math.floor(ranges[r + 1] / 4));
    curMode = REACHABLE;
    if (curEnd > cur) scanned += (curEnd - cur) * 4;
    drain();
  }
  drain();

  // Phase 2: what is left is lost. In address order, each block still
  // unreached leads a clique: it is definite, and everything it reaches that is
  // unreached, or was an earlier leader, becomes indirect.
  for (let leader = 0; leader < n * BI.width; leader += BI.width) {
    if (blk[leader + BI.state] !== UNREACHED) continue;
    blk[leader + BI.state] = DEFINITE;
    stack[top++] = leader;
    cliqueMode = leader + 8;
    drain();
  }
  void touched;

  // Report, in the caller's block indices.
  const stateOf = new Uint8Array(n);
  for (let at = 0; at < n * BI.width; at += BI.width) stateOf[blk[at + BI.index]] = blk[at + BI.state];
  const q = query ?? null;
  const m = q ? q.length : n;
  const kind = new Uint8Array(m);
  const count = new Float64Array(4);
  const bytes = new Float64Array(4);
  const sizes = blocks.size;
  for (let j = 0; j < m; j++) {
    const i = q ? q[j] : j;
    const code = STATE_TO_LEAK[stateOf[i]];
    kind[j] = code;
    count[code]++;
    bytes[code] += sizes[i];
  }
  return { kind, count, bytes, scannedBytes: scanned };
}
