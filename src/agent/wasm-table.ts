// The page side of the rewriter's 'table' event path (src/wasm/table-wrappers.ts):
// malloc/free-like call sites keep the live-block table themselves, in a
// second memory of the module (exported as `__wasm_leaks_table`), so a
// malloc or free costs a few wasm stores instead of a call into JavaScript.
//
// `TableTracker` is the instance's tracker in that mode: a `Tracker` (same
// semantics, same snapshots, same errors) whose live-block table, recent
// frees and counters are moved into that memory once the instance exists.
// Events that still reach JavaScript — a site's first event, calloc/realloc/
// aligned/posix_memalign, failures, invalid or double frees, a full table,
// calls from JS to exported allocators — run the ordinary Tracker code on
// the very same table through `WasmTable`, so there is one live set.
import { Tracker, LB, FB, type LiveBlocks, type FreedBlocks, type TrackerOptions, type TrackerSnapshot } from '../tracker';

// The layout is the rewriter's own (src/wasm/table-wrappers.ts): one
// definition for the wasm that writes the table and the JS that reads it.
import { TH, TF, TABLE_HASH_MUL, ORIGIN_SHIFT, HOME_SHIFT, FREED_SHIFT, type TableLayout } from '../wasm/table-wrappers';
/** The table grows (×2, rehashed here) when an insert would exceed this load. */
export const TABLE_MAX_LOAD = 0.7;

/** Where things are in the table memory. */
export type TableLayoutLike = Pick<
  TableLayout,
  'siteMap' | 'sites' | 'originMap' | 'freed' | 'freedEntries' | 'ctxCache' | 'ctxEntries' | 'base' | 'capacity'
>;

// The original grow, captured before the hooks patch Memory.prototype.grow:
// growing our own table is no event of the page's.
const growMemory: (this: WebAssembly.Memory, delta: number) => number = WebAssembly.Memory.prototype.grow;

/**
 * The live-block table in the table memory, with the API of `LiveBlocks` (and
 * of its RecordTable as far as snapshots read it: `table.words`,
 * `table.count`). Offsets (`at`) are word offsets into `words`, the slot
 * region; a record is LB-shaped (ptr, size, site, seq, time), ptr 0 = empty.
 * Same hashing, probing and deletion as the wasm wrappers.
 */
export class WasmTable {
  u32!: Uint32Array;
  f64!: Float64Array;
  words!: Uint32Array;
  private capacity = 0;
  private shift = 0;
  private mask = 0;
  /** Whether markOrigin wrote the origin map since it was last cleared (the map starts zeroed: fresh table memory). */
  private originsMarked = false;
  readonly freed: WasmFreed;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly layout: TableLayoutLike,
  ) {
    this.capacity = layout.capacity;
    this.views();
    this.freed = new WasmFreed(this);
  }

  /** Writes the header for the current capacity: from here on the wrappers use the table. */
  start(): void {
    const cap = this.capacity;
    const h = this.u32;
    h[TH.MASK] = cap - 1;
    h[TH.SHIFT] = HOME_SHIFT + Math.log2(cap);
    h[TH.BASE] = this.layout.base;
    h[TH.END] = this.layout.base + cap * LB.width * 4;
    h[TH.LIMIT] = Math.floor(cap * TABLE_MAX_LOAD);
    this.mask = cap - 1;
    this.shift = HOME_SHIFT + Math.log2(cap);
  }

  private views(): void {
    const buf = this.memory.buffer;
    this.u32 = new Uint32Array(buf);
    this.f64 = new Float64Array(buf, 0, 8);
    this.words = new Uint32Array(buf, this.layout.base, this.capacity * LB.width);
  }

  /** RecordTable view for takeSnapshot: `words` and `count`. */
  get table(): this {
    return this;
  }

  get count(): number {
    return this.u32[TH.COUNT];
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  private home(ptr: number): number {
    return ((ptr >>> HOME_SHIFT) ^ (ptr >>> this.shift)) & this.mask;
  }

  find(ptr: number): number {
    ptr >>>= 0;
    const w = this.words;
    const mask = this.mask;
    for (let i = this.home(ptr); ; i = (i + 1) & mask) {
      const k = w[i * LB.width];
      if (k === ptr) return i * LB.width;
      if (k === 0) return -1;
    }
  }

  replaced = false;
  replacedSize = 0;
  replacedSite = 0;

  /** As LiveBlocks.add: records a block, overwriting a live one (then `replaced` is set). */
  add(ptr: number, size: number, site: number, seq: number, time: number): number {
    ptr >>>= 0;
    if (this.u32[TH.COUNT] >= this.u32[TH.LIMIT]) this.grow(this.capacity * 2);
    const w = this.words;
    const mask = this.mask;
    let i = this.home(ptr);
    for (; ; i = (i + 1) & mask) {
      const k = w[i * LB.width];
      if (k === 0 || k === ptr) break;
    }
    const at = i * LB.width;
    this.replaced = w[at] === ptr;
    if (this.replaced) {
      this.replacedSize = w[at + LB.size];
      this.replacedSite = w[at + LB.site];
    } else {
      w[at] = ptr;
      this.u32[TH.COUNT]++;
    }
    w[at + LB.size] = size;
    w[at + LB.site] = site;
    w[at + LB.seq] = seq;
    w[at + LB.time] = time;
    return at;
  }

  get(at: number, field: number): number {
    return this.words[at + field];
  }

  set(at: number, field: number, value: number): void {
    this.words[at + field] = value;
  }

  /** Backward-shift deletion, as the wasm free wrapper does it. */
  removeAt(at: number): void {
    const w = this.words;
    const mask = this.mask;
    let i = at / LB.width;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = w[j * LB.width];
      if (k === 0) break;
      const home = this.home(k);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        w.copyWithin(i * LB.width, j * LB.width, j * LB.width + LB.width);
        i = j;
      }
    }
    w[i * LB.width] = 0;
    this.u32[TH.COUNT]--;
  }

  /** Rehash into `capacity` slots (a power of two), growing the memory if needed. Rare: JS only. */
  grow(capacity: number): void {
    const old = this.words;
    const records = new Uint32Array(this.count * LB.width);
    let n = 0;
    for (let at = 0; at < old.length; at += LB.width) {
      if (old[at] === 0) continue;
      records.set(old.subarray(at, at + LB.width), n);
      n += LB.width;
    }
    const need = this.layout.base + capacity * LB.width * 4;
    const have = this.memory.buffer.byteLength;
    if (need > have) growMemory.call(this.memory, Math.ceil((need - have) / 65536));
    this.capacity = capacity;
    this.views();
    this.words.fill(0);
    this.start();
    const w = this.words;
    const mask = this.mask;
    for (let r = 0; r < n; r += LB.width) {
      let i = this.home(records[r]);
      while (w[i * LB.width] !== 0) i = (i + 1) & mask;
      w.set(records.subarray(r, r + LB.width), i * LB.width);
    }
  }

  clear(): void {
    this.words.fill(0);
    this.u32[TH.COUNT] = 0;
  }

  // --- site map and origin map --------------------------------------------

  /** The page interned static site `site` as `id`: the wrappers stop calling `ev` for it. */
  setSite(site: number, id: number): void {
    if (site < this.layout.sites) this.u32[(this.layout.siteMap >>> 2) + site] = id;
  }

  /** Empties the context cache: every allocation reaches `ev` until its context is cached again. */
  clearContexts(): void {
    const start = this.layout.ctxCache >>> 2;
    this.u32.fill(0, start, start + this.layout.ctxEntries * 4);
  }

  /** A block at `ptr` has a realloc origin (kept in JS): its free must reach JS. */
  markOrigin(ptr: number): void {
    new Uint8Array(this.memory.buffer, this.layout.originMap, 1 << (32 - ORIGIN_SHIFT))[Math.imul(ptr, TABLE_HASH_MUL) >>> ORIGIN_SHIFT] =
      1;
    this.originsMarked = true;
  }

  /** Zeroes the origin map; only markOrigin writes it, so a map not marked since is already zero (a page with many instances ticks each). */
  clearOrigins(): void {
    if (!this.originsMarked) return;
    new Uint8Array(this.memory.buffer, this.layout.originMap, 1 << (32 - ORIGIN_SHIFT)).fill(0);
    this.originsMarked = false;
  }
}

/**
 * Recent frees in the table memory, with the API of `FreedBlocks`: a
 * direct-mapped cache of `freedEntries` entries (ptr, allocSite, freeSite,
 * size), entry (ptr >>> 4) mod freedEntries, written by the wasm free
 * wrappers and by the tracker alike. It forgets a free when a block 1 MiB
 * away (at 65,536 entries) is freed: FreedBlocks' 4-way sets forget by age.
 */
export class WasmFreed {
  private readonly mask: number;
  constructor(private readonly t: WasmTable) {
    this.mask = t.layout.freedEntries - 1;
  }

  get capacity(): number {
    return this.t.layout.freedEntries;
  }

  get byteLength(): number {
    return this.t.layout.freedEntries * FB.width * 4;
  }

  /** Word offset (into the whole memory) of `ptr`'s entry. */
  private slot(ptr: number): number {
    return (this.t.layout.freed >>> 2) + ((ptr >>> FREED_SHIFT) & this.mask) * FB.width;
  }

  note(ptr: number, allocSite: number, freeSite: number, size: number): void {
    const u = this.t.u32;
    const e = this.slot(ptr);
    u[e] = ptr;
    u[e + FB.allocSite] = allocSite;
    u[e + FB.freeSite] = freeSite;
    u[e + FB.size] = size;
  }

  find(ptr: number): number {
    const e = this.slot(ptr >>> 0);
    return this.t.u32[e] === ptr >>> 0 ? e : -1;
  }

  get(at: number, field: number): number {
    return this.t.u32[at + field];
  }

  clear(): void {
    const start = this.t.layout.freed >>> 2;
    this.t.u32.fill(0, start, start + this.t.layout.freedEntries * FB.width);
  }
}

/** Recent frees a TableTracker keeps in JS before it is attached to its table memory. */
const PRE_ATTACH_RECENT_FREES = 4096;

/** The Tracker's event methods that the table tracker runs between a pull and a push as they are. */
const WRAPPED_EVENTS = [
  'malloc',
  'calloc',
  'alignedAlloc',
  'posixMemalign',
  'free',
  'rustAlloc',
  'rustAllocZeroed',
  'rustDealloc',
  'rustRealloc',
] as const;
type WrappedEvent = (typeof WRAPPED_EVENTS)[number];

/**
 * The tracker of an instance on the table path. Before `attach` (an event
 * during instantiation, or a module whose table could not be found) it is a
 * plain Tracker; `attach` moves its live blocks, recent frees and counters
 * into the table memory and enables the wrappers' fast path.
 */
export class TableTracker extends Tracker {
  table: WasmTable | null = null;

  /**
   * Before `attach` only the events of instantiation (a start function) are
   * the JS tables': their recent frees need not be the 65,536 (1 MB) a
   * JS-path tracker keeps, allocated anew for every instance a page makes.
   */
  constructor(options: TrackerOptions = {}) {
    super({ recentFrees: PRE_ATTACH_RECENT_FREES, ...options });
  }

  attach(memory: WebAssembly.Memory, layout: TableLayoutLike): void {
    if (this.table) return;
    const t = new WasmTable(memory, layout);
    t.start();
    // The JS tables so far (usually empty: scanned only when not, as a page may
    // make thousands of instances) move over.
    if (this.blocks.count > 0) {
      const words = this.blocks.table.words;
      for (let at = 0; at < words.length; at += LB.width) {
        if (words[at] !== 0) t.add(words[at], words[at + LB.size], words[at + LB.site], words[at + LB.seq], words[at + LB.time]);
      }
    }
    if (this.freed.count > 0) {
      const fw = this.freed.words;
      for (let e = fw.length - FB.width; e >= 0; e -= FB.width) {
        if (fw[e] !== 0) t.freed.note(fw[e], fw[e + FB.allocSite], fw[e + FB.freeSite], fw[e + FB.size]);
      }
    }
    if (this.origins.count > 0) {
      for (let at = 0; at < this.origins.words.length; at += this.origins.width) {
        if (this.origins.words[at] !== 0) t.markOrigin(this.origins.words[at]);
      }
    }
    // Counters: the wrappers update them in the header. The Tracker code keeps
    // them in plain fields (accessors here would turn this object into a slow
    // dictionary-mode object for every event): each JS-path event pulls them
    // from the header and pushes them back; readers call sync() first.
    t.f64[TF.ALLOCS] = this.totalAllocs;
    t.f64[TF.FREES] = this.totalFrees;
    t.f64[TF.ALLOC_BYTES] = this.allocBytes;
    t.f64[TF.FREE_BYTES] = this.freeBytes;
    t.u32[TH.NEXT_SEQ] = this.nextSeq;
    const self = this as unknown as { blocks: LiveBlocks; freed: FreedBlocks };
    self.blocks = t as unknown as LiveBlocks;
    self.freed = t.freed as unknown as FreedBlocks;
    this.table = t;
    this.tick();
  }

  /** Copies the tracker's time (0.1 ms since its start) where the wrappers read it. Call at timer ticks. */
  tick(): void {
    const t = this.table;
    if (!t) return;
    const ms = this.elapsed();
    t.u32[TH.TIME] = ms > 0 ? (ms * 10) >>> 0 : 0;
    if (this.origins.count === 0) t.clearOrigins();
    this.sync();
  }

  /** Brings the counter fields up to date with what the wasm wrappers did. */
  sync(): void {
    if (this.depth === 0) this.pull();
  }

  private depth = 0;

  private pull(): void {
    const t = this.table;
    if (!t) return;
    this.totalAllocs = t.f64[TF.ALLOCS];
    this.totalFrees = t.f64[TF.FREES];
    this.allocBytes = t.f64[TF.ALLOC_BYTES];
    this.freeBytes = t.f64[TF.FREE_BYTES];
    this.liveBytes = this.allocBytes - this.freeBytes;
    this.nextSeq = t.u32[TH.NEXT_SEQ];
  }

  private push(): void {
    const t = this.table;
    if (!t) return;
    t.f64[TF.ALLOCS] = this.totalAllocs;
    t.f64[TF.FREES] = this.totalFrees;
    t.f64[TF.ALLOC_BYTES] = this.allocBytes;
    t.f64[TF.FREE_BYTES] = this.freeBytes;
    t.u32[TH.NEXT_SEQ] = this.nextSeq;
  }

  /** Runs one JS-path event between a pull and a push (outermost call only: events nest). */
  private event(run: () => void): void {
    if (this.depth++ === 0) this.pull();
    try {
      run();
    } finally {
      if (--this.depth === 0) this.push();
    }
  }

  // Every event method but realloc (below) is the Tracker's own, run between a
  // pull and a push: the same wrapping for each, so it is installed in a loop.
  static {
    for (const name of WRAPPED_EVENTS) {
      const own = Tracker.prototype[name] as (this: Tracker, ...args: number[]) => void;
      (TableTracker.prototype as unknown as Record<WrappedEvent, unknown>)[name] = function (this: TableTracker, ...args: number[]): void {
        this.event(() => own.apply(this, args));
      };
    }
  }

  override realloc(newPtr: number, oldPtr: number, size: number, site: number): void {
    this.event(() => {
      super.realloc(newPtr, oldPtr, size, site);
      const t = this.table;
      if (t !== null && newPtr !== 0 && this.origins.count !== 0 && this.origins.find(newPtr >>> 0) >= 0) t.markOrigin(newPtr);
    });
  }

  override counters(out?: Float64Array): Float64Array {
    this.sync();
    return super.counters(out);
  }

  override snapshot(): TrackerSnapshot {
    this.sync();
    return super.snapshot();
  }
}
