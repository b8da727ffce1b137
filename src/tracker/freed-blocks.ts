// Recently freed pointers, so that a second free of the same pointer can be told
// apart from a free of a pointer that was never allocated (valgrind's "Invalid
// free() / delete" names where the block was allocated and first freed; so do we).
//
// A 4-way set-associative cache: `capacity / 4` sets of 4 entries, an entry is
// (ptr, allocSite, freeSite, size), 16 bytes, so a set is one 64-byte cache
// line. A free touches that one line. It remembers about the last `capacity`
// frees: a set keeps the last 4 frees that hashed to it, oldest dropped first
// (so with 65,536 entries, a free is forgotten after 65,536 more on average,
// rarely much sooner). An exact FIFO (a ring + a hash table) cost two more
// random memory accesses per free (bench/tracker.ts, ≈+60 ns per free).
//
// An entry is not removed when its address is handed out again by the
// allocator (that would cost a lookup on every malloc, the hottest path).
// It does not need to be: the cache is consulted only for a pointer that is not
// live, and when a reused address is freed again its entry is replaced with the
// new allocation's sites, so a stale entry is never reported.

export const FB = {
  ptr: 0,
  allocSite: 1,
  freeSite: 2,
  size: 3,
  width: 4,
} as const;

const WAYS = 4;
const SET_WORDS = WAYS * FB.width;
const HASH_MUL = 0x9e3779b1;

export class FreedBlocks {
  readonly words: Uint32Array;
  private readonly setShift: number;
  private filled = 0;

  /** `capacity` is rounded up to a power of two, at least 4. */
  constructor(capacity = 65_536) {
    let sets = 1;
    while (sets * WAYS < capacity) sets *= 2;
    this.words = new Uint32Array(sets * SET_WORDS);
    this.setShift = 32 - Math.log2(sets);
  }

  get capacity(): number {
    return this.words.length / FB.width;
  }

  /** Entries held (up to capacity). */
  get count(): number {
    return this.filled;
  }

  get byteLength(): number {
    return this.words.byteLength;
  }

  private setOf(ptr: number): number {
    // Fibonacci hashing: the top bits of ptr × 2^32/φ; a shift of 32 (one set) is 0.
    return this.setShift === 32 ? 0 : (Math.imul(ptr, HASH_MUL) >>> this.setShift) * SET_WORDS;
  }

  note(ptr: number, allocSite: number, freeSite: number, size: number): void {
    const words = this.words;
    const set = this.setOf(ptr);
    // Newest first: shift the entries before `ptr`'s own (or the last, the
    // oldest, which is dropped) down by one, write at the front.
    let last = set + SET_WORDS - FB.width;
    for (let e = set; e < last; e += FB.width) {
      if (words[e] === ptr) {
        last = e;
        break;
      }
    }
    if (words[last] === 0) this.filled++;
    for (let j = last + FB.width - 1; j >= set + FB.width; j--) words[j] = words[j - FB.width];
    words[set] = ptr;
    words[set + FB.allocSite] = allocSite;
    words[set + FB.freeSite] = freeSite;
    words[set + FB.size] = size;
  }

  /** Offset of the entry of a recently freed `ptr`, or -1; read fields with `get`. */
  find(ptr: number): number {
    const words = this.words;
    const set = this.setOf(ptr);
    for (let e = set; e < set + SET_WORDS; e += FB.width) if (words[e] === ptr) return e;
    return -1;
  }

  get(at: number, field: number): number {
    return this.words[at + field];
  }

  clear(): void {
    this.words.fill(0);
    this.filled = 0;
  }
}
