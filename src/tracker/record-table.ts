// An open-addressing hash table of fixed-width u32 records, keyed by word 0
// (a non-zero u32: a wasm pointer; 0 = empty slot, since malloc never returns
// a recorded 0). All records live in one Uint32Array, so a lookup touches one
// run of consecutive memory and nothing is allocated per record.
//
// Why this layout and not a Map or a power-of-two table:
// - A record is 20 bytes (pointer, size, site, seq, time); the goal is ≤ 24
//   bytes per live block, so the table must run at ≥ 83 % load. Plain linear
//   probing degrades badly there (≈50 probes per miss at 90 %).
// - "Ordered" linear probing keeps every run sorted by hash (Amble & Knuth,
//   1974; the sorted form of Robin Hood hashing): a miss stops at the first
//   larger hash, and insert/delete shift a run with one copyWithin (a memmove)
//   instead of swapping records one by one.
// - Capacity is not a power of two: the home slot is the high part of
//   hash × capacity ("fastrange", Lemire 2016), so the table can grow by 1.3×
//   instead of 2×, which is what keeps bytes per block near 24 after a growth.
// - Runs may spill past the last home slot into a small overflow area instead
//   of wrapping to slot 0: no modular arithmetic in the probe loops.
//
// The hash is a multiplication by an odd constant, a bijection on u32, so two
// keys never share a hash and the sort order is total.

const HASH_MUL = 0x9e3779b1; // 2^32 / golden ratio, odd
const TWO_POW_MINUS_32 = 2.3283064365386963e-10; // exactly 2^-32

export interface RecordTableOptions {
  /** Initial number of home slots. */
  initialCapacity?: number;
  /** Grow when count / capacity would exceed this. */
  maxLoad?: number;
  /** Load right after a growth (capacity = count / growLoad). */
  growLoad?: number;
}

export class RecordTable {
  readonly width: number;
  /** The records; a record offset `at` (what find/insert return) is words[at .. at + width). */
  words: Uint32Array;
  /** Home slots (homes are in [0, capacity)). */
  capacity = 0;
  /** Home slots + overflow slots: words.length / width. */
  slots = 0;
  count = 0;
  private readonly maxLoad: number;
  private readonly growLoad: number;
  private readonly minCapacity: number;
  private limit = 0; // count that triggers a growth

  constructor(width: number, options: RecordTableOptions = {}) {
    this.width = width;
    this.maxLoad = options.maxLoad ?? 0.9;
    this.growLoad = options.growLoad ?? 0.7;
    this.minCapacity = Math.max(16, options.initialCapacity ?? 1024);
    this.words = new Uint32Array(0);
    this.allocate(this.minCapacity);
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.words.byteLength;
  }

  private allocate(capacity: number): void {
    this.capacity = capacity;
    // Overflow area: long enough for the runs that form at the top end at
    // maxLoad; if a run still reaches the end, the table grows (see insert).
    this.slots = capacity + 64 + (capacity >>> 7);
    this.words = new Uint32Array(this.slots * this.width);
    this.limit = Math.floor(capacity * this.maxLoad);
  }

  /**
   * Offset in `words` of the record of `key` (its word 0), or -1. Offsets, not
   * slot numbers: a slot number costs a division per call (measured ≈10 % of
   * an insert).
   */
  find(key: number): number {
    const w = this.width;
    const words = this.words;
    const h = Math.imul(key, HASH_MUL) >>> 0;
    const end = words.length;
    for (let at = ((h * this.capacity * TWO_POW_MINUS_32) >>> 0) * w; at < end; at += w) {
      const k = words[at];
      if (k === key) return at;
      // An empty slot or a larger hash: the key would have been here.
      if (k === 0 || Math.imul(k, HASH_MUL) >>> 0 > h) return -1;
    }
    return -1;
  }

  /**
   * Offset of the record of `key`, inserted if absent (words 1.. zeroed, for
   * the caller to fill). If the key was already present its record is kept as
   * it was and `existed` is set.
   */
  insert(key: number): number {
    if (this.count >= this.limit) this.resize(Math.ceil((this.count + 1) / this.growLoad));
    for (;;) {
      const at = this.tryInsert(key);
      if (at >= 0) return at;
      // A run reached the end of the overflow area: grow and retry.
      this.resize(Math.ceil(Math.max(this.capacity * 1.3, (this.count + 1) / this.growLoad)));
    }
  }

  /** Set by insert(): the key was already in the table. */
  existed = false;

  private tryInsert(key: number): number {
    const w = this.width;
    const words = this.words;
    const h = Math.imul(key, HASH_MUL) >>> 0;
    const end = words.length;
    let at = ((h * this.capacity * TWO_POW_MINUS_32) >>> 0) * w;
    for (; at < end; at += w) {
      const k = words[at];
      if (k === 0) break;
      if (k === key) {
        this.existed = true;
        return at;
      }
      if (Math.imul(k, HASH_MUL) >>> 0 > h) break;
    }
    if (at >= end) return -1;
    // `at` is the sorted position: shift the rest of the run right by one.
    let e = at;
    while (e < end && words[e] !== 0) e += w;
    if (e >= end) return -1;
    // A loop for short runs: copyWithin is a builtin call (≈20 ns) and most
    // runs are a few records.
    if (e - at <= 32) for (let j = e - 1; j >= at; j--) words[j + w] = words[j];
    else words.copyWithin(at + w, at, e);
    words[at] = key;
    for (let j = 1; j < w; j++) words[at + j] = 0;
    this.count++;
    this.existed = false;
    return at;
  }

  /** Removes the record at offset `at` (from find/insert). */
  removeAt(at: number): void {
    const w = this.width;
    const words = this.words;
    const end = words.length;
    const cap = this.capacity;
    // Pull back the rest of the run: every record after the hole that is not
    // at its home slot moves one slot closer to it.
    let e = at + w;
    for (; e < end; e += w) {
      const k = words[e];
      if (k === 0 || (((Math.imul(k, HASH_MUL) >>> 0) * cap * TWO_POW_MINUS_32) >>> 0) * w === e) break;
    }
    if (e - at <= 32 + w) for (let j = at + w; j < e; j++) words[j - w] = words[j];
    else words.copyWithin(at, at + w, e);
    for (let j = e - w; j < e; j++) words[j] = 0;
    this.count--;
    // Shrink a table that emptied out (a burst of allocations was freed), with
    // hysteresis so alternating alloc/free at the boundary does not thrash.
    if (this.count < cap * 0.2 && cap > this.minCapacity) {
      this.resize(Math.max(this.minCapacity, Math.ceil(this.count / this.growLoad)));
    }
  }

  /** Rebuilds with `capacity` home slots. Records keep their content. */
  resize(capacity: number): void {
    const w = this.width;
    const old = this.words;
    const n = this.count;
    for (;;) {
      this.allocate(Math.max(capacity, 16));
      this.count = 0;
      let ok = true;
      // Reinsert in old slot order: hashes ascend within each old run, so most
      // inserts append to the end of their new run.
      for (let at = 0; at < old.length; at += w) {
        const k = old[at];
        if (k === 0) continue;
        const to = this.tryInsert(k);
        if (to < 0) {
          ok = false;
          break;
        }
        for (let j = 1; j < w; j++) this.words[to + j] = old[at + j];
      }
      if (ok) break;
      capacity = Math.ceil(capacity * 1.3);
    }
    if (this.count !== n) throw new Error('RecordTable.resize lost records');
  }

  clear(): void {
    this.allocate(this.minCapacity);
    this.count = 0;
  }
}
