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
import { radixSortOrder } from './radix-sort';

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

/**
 * Blocks sorted by address with a bucket index over the address span, so a
 * pointer lookup is a range check, one bucket read and a binary search over
 * the few blocks of that bucket (about one per bucket on average).
 */
class BlockIndex {
  readonly n: number;
  readonly starts: Uint32Array;
  readonly ends: Float64Array; // start + size can be 2^32
  readonly order: Uint32Array; // address rank → block index
  private readonly min: number;
  private readonly span: number;
  private readonly shift: number;
  private readonly first: Uint32Array; // bucket → first rank starting in or after it

  constructor(blocks: BlockSet) {
    const n = blocks.count;
    this.n = n;
    this.order = radixSortOrder(blocks.ptr, n);
    this.starts = new Uint32Array(n);
    this.ends = new Float64Array(n);
    let maxEnd = 0;
    for (let k = 0; k < n; k++) {
      const i = this.order[k];
      const s = blocks.ptr[i];
      this.starts[k] = s;
      // A zero-size block still owns its address (malloc(0) returns a unique pointer).
      const e = s + Math.max(blocks.size[i], 1);
      this.ends[k] = e;
      if (e > maxEnd) maxEnd = e;
    }
    this.min = n > 0 ? this.starts[0] : 0;
    this.span = n > 0 ? maxEnd - this.min : 0;
    // About one bucket per block, at most 4 M buckets (16 MB of index).
    const buckets = Math.min(1 << 22, Math.max(1, n));
    let shift = 0;
    while (shift < 31 && this.span / 2 ** shift > buckets) shift++;
    this.shift = shift;
    const nb = Math.floor((this.span - 1) / 2 ** shift) + 2;
    this.first = new Uint32Array(Math.max(nb, 2));
    for (let b = 0, k = 0; b < this.first.length; b++) {
      const base = this.min + b * 2 ** shift;
      while (k < n && this.starts[k] < base) k++;
      this.first[b] = k;
    }
  }

  /** Address rank × 2 + 1 if `v` is the start of a block, rank × 2 if inside one, −1 if neither. */
  find(v: number): number {
    const d = (v - this.min) >>> 0;
    if (d >= this.span) return -1;
    const b = d >>> this.shift;
    // The block containing v starts in this bucket or is the last one before it.
    let lo = this.first[b];
    let hi = this.first[b + 1];
    if (lo > 0) lo--;
    const starts = this.starts;
    // Last rank in [lo, hi) with start ≤ v.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0 || v >= this.ends[k]) return -1;
    return starts[k] === v ? k * 2 + 1 : k * 2;
  }
}

/**
 * Classifies `query` (indices into `blocks`; all blocks if omitted) against
 * every block of `blocks` (the full live table: reachability runs through all of
 * them) and the contents of `memory`.
 */
export function classifyLeaks(blocks: BlockSet, memory: Uint8Array, roots: LeakRoots, query?: Uint32Array): LeakReport {
  const index = new BlockIndex(blocks);
  const n = index.n;
  const state = new Uint8Array(n);
  // Each block is pushed at most twice (possible, then reachable) in phase 1.
  const stack = new Int32Array(2 * n + 1);
  let top = 0;
  const words =
    memory.byteOffset % 4 === 0
      ? new Uint32Array(memory.buffer, memory.byteOffset, memory.byteLength >>> 2)
      : new Uint32Array(memory.slice().buffer, 0, memory.byteLength >>> 2);
  const memWords = words.length;
  let scanned = 0;

  // Phase 1: from the roots. A start pointer from a root or a reachable block
  // makes a block reachable; any other pointer makes it (at best) possible.
  const reach = (v: number, definiteParent: boolean): void => {
    const hit = index.find(v >>> 0);
    if (hit < 0) return;
    const k = hit >>> 1;
    const s = state[k];
    if ((hit & 1) === 1 && definiteParent) {
      if (s !== REACHABLE) {
        state[k] = REACHABLE;
        stack[top++] = k;
      }
    } else if (s === UNREACHED) {
      state[k] = POSSIBLE;
      stack[top++] = k;
    }
  };
  const scanRange = (start: number, end: number, definiteParent: boolean): void => {
    const from = Math.ceil(Math.max(0, start) / 4);
    const to = Math.min(memWords, Math.floor(end / 4));
    scanned += Math.max(0, to - from) * 4;
    for (let w = from; w < to; w++) {
      const v = words[w];
      // Most words are not in the heap's address span: one compare.
      if (v !== 0) reach(v, definiteParent);
    }
  };
  const ranges = roots.ranges;
  for (let r = 0; r + 1 < ranges.length; r += 2) scanRange(ranges[r], ranges[r + 1], true);
  if (roots.values) for (let r = 0; r < roots.values.length; r++) reach(roots.values[r], true);
  while (top > 0) {
    const k = stack[--top];
    scanRange(index.starts[k], index.ends[k], state[k] === REACHABLE);
  }

  // Phase 2: what is left is lost. In address order, each block still
  // unreached leads a clique: it is definite, and everything it reaches that is
  // unreached, or was an earlier leader, becomes indirect.
  for (let leader = 0; leader < n; leader++) {
    if (state[leader] !== UNREACHED) continue;
    state[leader] = DEFINITE;
    stack[top++] = leader;
    while (top > 0) {
      const k = stack[--top];
      const from = Math.ceil(index.starts[k] / 4);
      const to = Math.min(memWords, Math.floor(index.ends[k] / 4));
      scanned += Math.max(0, to - from) * 4;
      for (let w = from; w < to; w++) {
        const v = words[w];
        if (v === 0) continue;
        const hit = index.find(v);
        if (hit < 0) continue;
        const m = hit >>> 1;
        const s = state[m];
        if (s === UNREACHED) {
          state[m] = INDIRECT;
          stack[top++] = m;
        } else if (s === DEFINITE && m !== leader) {
          state[m] = INDIRECT; // its own clique is already marked
        }
      }
    }
  }

  // Report, in the caller's block indices.
  const rankOf = new Uint32Array(n);
  for (let k = 0; k < n; k++) rankOf[index.order[k]] = k;
  const q = query ?? null;
  const m = q ? q.length : n;
  const kind = new Uint8Array(m);
  const count = new Float64Array(4);
  const bytes = new Float64Array(4);
  for (let j = 0; j < m; j++) {
    const i = q ? q[j] : j;
    const code = STATE_TO_LEAK[state[rankOf[i]]];
    kind[j] = code;
    count[code]++;
    bytes[code] += blocks.size[i];
  }
  return { kind, count, bytes, scannedBytes: scanned };
}
