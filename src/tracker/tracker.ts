// The tracker of one (module instance, memory): the hooks call it on every
// allocator call, with C semantics (C17 7.22.3), and it keeps the live-block
// table, the counters and the allocator misuse it saw. Hot path: no object is
// allocated per event, only typed-array words are written; errors (rare) are
// objects.
//
// Arguments come straight from wasm i32 values, which JavaScript sees as
// signed: every pointer and size is normalised with `>>> 0` here, so a block
// above 2 GiB is not a negative number.
import { LB, LiveBlocks } from './live-blocks';
import { FB, FreedBlocks } from './freed-blocks';
import { RecordTable } from './record-table';
import { takeSnapshot, type TrackerSnapshot } from './snapshot';
import { COUNTER, RO } from './layout';

export { COUNTER, RO } from './layout';

/** Site id used when the caller has none. */
export const NO_SITE = 0xffffffff;

export type TrackerErrorKind =
  | 'double-free' // free of a pointer freed before (and not allocated since)
  | 'invalid-free' // free of a pointer never allocated (or forgotten: older than the recent-frees window)
  | 'invalid-realloc' // realloc of a pointer that is not live
  | 'alloc-over-live' // the allocator returned a pointer we think is live: a free was missed
  | 'dealloc-size-mismatch'; // Rust dealloc with another size than the allocation's

export interface TrackerError {
  readonly kind: TrackerErrorKind;
  readonly ptr: number;
  /** Site of the faulting call (the second free of a double free). */
  readonly site: number;
  /** Where the block was allocated, when known. */
  readonly allocSite: number | null;
  /** Where it was freed the first time (double-free, invalid-realloc of a freed block). */
  readonly firstFreeSite: number | null;
  /** Size of the block, when known. */
  readonly size: number | null;
  /** The size the faulting call claimed (dealloc-size-mismatch). */
  readonly claimedSize: number | null;
  /** Tracker sequence number at the time (the next allocation's). */
  readonly seq: number;
  /** Milliseconds since the recording started. */
  readonly time: number;
}

export interface TrackerOptions {
  /** Milliseconds, any origin (default `performance.now`). */
  clock?: () => number;
  /** How many recent frees are remembered to detect double frees. */
  recentFrees?: number;
  /** Errors kept; later ones are only counted in `errorsDropped`. */
  maxErrors?: number;
  /** Initial slots of the live table. */
  initialCapacity?: number;
  /** Live-table load factors (see RecordTable). */
  maxLoad?: number;
  growLoad?: number;
}

const defaultClock = (): number => performance.now();

export class Tracker {
  readonly blocks: LiveBlocks;
  readonly freed: FreedBlocks;
  /**
   * Live blocks that come from a realloc, keyed by pointer: where the chain of
   * reallocs began (seq, site, time) and how long it is. C says realloc returns
   * a *new* object (C17 7.22.3.5), so a realloc'd block gets a new seq and the
   * realloc's site — the diff sees the old object freed and a new one
   * allocated, and sizes add up. But a buffer that grows by realloc is usually
   * better named by its first allocation, so that is kept here, off the hot
   * path: the table is only touched when it is not empty.
   */
  readonly origins: RecordTable;
  readonly errors: TrackerError[] = [];
  errorsDropped = 0;
  /**
   * false: misuse is counted in `errorsMuted`, never reported. For a module
   * instrumented without its free (a partial module): every reuse of freed
   * memory would look like an allocation over a live block.
   */
  reportErrors = true;
  errorsMuted = 0;
  /**
   * Discovery checked at runtime (set for a module whose allocator was found
   * by heuristic): misuse seen before any free has matched a block is held
   * back; if 8 such contradictions come before the first matched free — frees
   * of blocks never seen allocated, allocations over blocks never seen freed
   * — the discovery is wrong: misuse is muted from then on and `distrust`
   * says why. The first matched free ends the probation and releases what
   * was held.
   */
  probation = false;
  distrust: string | null = null;
  private held: TrackerError[] = [];
  /** Frees implied by allocations over live blocks (not matched frees). */
  private impliedFrees = 0;

  totalAllocs = 0;
  totalFrees = 0;
  allocBytes = 0;
  freeBytes = 0;
  liveBytes = 0;
  failures = 0;
  reallocs = 0;
  /** Sequence number of the next allocation (u32, wraps after 2^32). */
  nextSeq = 0;

  private readonly clock: () => number;
  private readonly t0: number;
  private readonly maxErrors: number;

  constructor(options: TrackerOptions = {}) {
    this.clock = options.clock ?? defaultClock;
    this.t0 = this.clock();
    this.maxErrors = options.maxErrors ?? 1000;
    this.blocks = new LiveBlocks({
      initialCapacity: options.initialCapacity,
      maxLoad: options.maxLoad,
      growLoad: options.growLoad,
    });
    this.freed = new FreedBlocks(options.recentFrees ?? 65_536);
    this.origins = new RecordTable(RO.width, { initialCapacity: 64 });
  }

  get liveCount(): number {
    return this.blocks.count;
  }

  /** Milliseconds since the recording started. */
  elapsed(): number {
    return this.clock() - this.t0;
  }

  /** Time as stored in a record: u32 of 0.1 ms since the recording started. */
  private ticks(): number {
    const t = (this.clock() - this.t0) * 10;
    return t > 0 ? t >>> 0 : 0;
  }

  // --- C allocator -------------------------------------------------------

  malloc(ptr: number, size: number, site: number): void {
    ptr >>>= 0;
    size >>>= 0;
    // malloc(0) may return NULL without failing (C17 7.22.3 ¶1).
    if (ptr === 0) {
      if (size !== 0) this.failures++;
      return;
    }
    this.record(ptr, size, site);
  }

  calloc(ptr: number, n: number, elemSize: number, site: number): void {
    ptr >>>= 0;
    // A float product: n × elemSize can exceed 2^32 (and 2^53, then inexactly,
    // but still above 2^32), where calloc must fail.
    const total = (n >>> 0) * (elemSize >>> 0);
    if (ptr === 0) {
      if (total !== 0) this.failures++;
      return;
    }
    // A non-NULL result for an overflowing product is an allocator bug; the
    // block is at least as large as the address space allows.
    this.record(ptr, Math.min(total, 0xffffffff), site);
  }

  alignedAlloc(ptr: number, size: number, _align: number, site: number): void {
    this.malloc(ptr, size, site);
  }

  /** `ret` is posix_memalign's result; `outPtrValue` what it stored in *memptr. */
  posixMemalign(ret: number, outPtrValue: number, size: number, site: number): void {
    if (ret !== 0) {
      this.failures++;
      return;
    }
    // Success with size 0 may store NULL (POSIX): nothing to record.
    outPtrValue >>>= 0;
    if (outPtrValue !== 0) this.record(outPtrValue, size >>> 0, site);
  }

  /**
   * realloc(oldPtr, size) returned newPtr.
   * - oldPtr 0: malloc.
   * - newPtr 0, size 0: the old block was freed (allocators built with
   *   REALLOC_ZERO_BYTES_FREES; wasi-libc's dlmalloc instead returns a minimum
   *   block in place, which lands in the success case with size 0).
   * - newPtr 0, size > 0: failure, the old block stays alive (C17 7.22.3.5 ¶4).
   * - otherwise the old object is freed and a new one allocated, in place
   *   (newPtr === oldPtr) or moved: new seq, this site, the origin kept in
   *   `origins`. Counted as one free + one alloc, so liveCount = totalAllocs −
   *   totalFrees and liveBytes = allocBytes − freeBytes always hold.
   */
  realloc(newPtr: number, oldPtr: number, size: number, site: number): void {
    newPtr >>>= 0;
    oldPtr >>>= 0;
    size >>>= 0;
    if (this.moving !== null && this.moving.count !== 0 && this.settleMove(newPtr, oldPtr, size, site)) return;
    if (oldPtr === 0) {
      this.malloc(newPtr, size, site);
      return;
    }
    if (newPtr === 0) {
      if (size === 0) this.free(oldPtr, site);
      else this.failures++;
      return;
    }
    this.reallocs++;
    const blocks = this.blocks;
    const b = blocks.find(oldPtr);
    if (b < 0) {
      this.badFree('invalid-realloc', oldPtr, site);
      this.record(newPtr, size, site);
      return;
    }
    const oldSize = blocks.get(b, LB.size);
    const oldSite = blocks.get(b, LB.site);
    let originSeq = blocks.get(b, LB.seq);
    let originSite = oldSite;
    let originTime = blocks.get(b, LB.time);
    let chain = 1;
    const origins = this.origins;
    if (origins.count !== 0) {
      const o = origins.find(oldPtr);
      if (o >= 0) {
        originSeq = origins.words[o + RO.seq];
        originSite = origins.words[o + RO.site];
        originTime = origins.words[o + RO.time];
        chain = origins.words[o + RO.count] + 1;
        origins.removeAt(o);
      }
    }
    this.totalFrees++;
    this.freeBytes += oldSize;
    this.liveBytes -= oldSize;
    if (newPtr === oldPtr) {
      // In place: rewrite the record where it is (one lookup instead of two).
      const seq = this.nextSeq;
      this.nextSeq = (seq + 1) >>> 0;
      blocks.set(b, LB.size, size);
      blocks.set(b, LB.site, site);
      blocks.set(b, LB.seq, seq);
      blocks.set(b, LB.time, this.ticks());
      this.totalAllocs++;
      this.allocBytes += size;
      this.liveBytes += size;
    } else {
      blocks.removeAt(b);
      // After a move the old pointer is dead: freeing it again is a double free.
      this.freed.note(oldPtr, oldSite, site, oldSize);
      this.record(newPtr, size, site);
    }
    this.noteOrigin(newPtr, originSeq, originSite, originTime, chain);
  }

  /** `ptr` came from a realloc: where its chain of reallocs began, and how long the chain is (see `origins`). */
  private noteOrigin(ptr: number, seq: number, site: number, time: number, chain: number): void {
    const origins = this.origins;
    const at = origins.insert(ptr);
    origins.words[at + RO.seq] = seq;
    origins.words[at + RO.site] = site;
    origins.words[at + RO.time] = time;
    origins.words[at + RO.count] = chain;
  }

  /**
   * Threads on one heap (src/agent/shared-heap.ts): realloc(ptr) is about to
   * run on some thread. Its block leaves the live table until the realloc's
   * result arrives (realloc), so that another thread's allocation of the same
   * address, when the realloc moves the block and frees ptr meanwhile, is
   * not taken for an allocation over a live block. Live bytes are unchanged.
   */
  reallocBegin(ptr: number): void {
    ptr >>>= 0;
    const blocks = this.blocks;
    const b = ptr === 0 ? -1 : blocks.find(ptr);
    if (b < 0) return; // (the realloc reports an invalid realloc)
    this.moving ??= new RecordTable(LB.width, { initialCapacity: 16 });
    const at = this.moving.insert(ptr);
    const w = this.moving.words;
    w[at + LB.size] = blocks.get(b, LB.size);
    w[at + LB.site] = blocks.get(b, LB.site);
    w[at + LB.seq] = blocks.get(b, LB.seq);
    w[at + LB.time] = blocks.get(b, LB.time);
    blocks.removeAt(b);
  }

  /** Blocks between reallocBegin and their realloc's result, keyed by pointer (LB layout). */
  private moving: RecordTable | null = null;

  /**
   * The result of a realloc whose block reallocBegin took out: put back (the
   * usual realloc then runs), or, when another thread holds the address again
   * (the block moved and its old address was reused meanwhile), the old block
   * is freed here and the new one allocated. True when handled here.
   */
  private settleMove(newPtr: number, oldPtr: number, size: number, site: number): boolean {
    const moving = this.moving!;
    const at = oldPtr === 0 ? -1 : moving.find(oldPtr);
    if (at < 0) return false;
    const w = moving.words;
    const oldSize = w[at + LB.size];
    const oldSite = w[at + LB.site];
    const oldSeq = w[at + LB.seq];
    const oldTime = w[at + LB.time];
    moving.removeAt(at);
    if (this.blocks.find(oldPtr) < 0) {
      // Put back as it was (live bytes never left): the usual realloc follows.
      this.blocks.add(oldPtr, oldSize, oldSite, oldSeq, oldTime);
      return false;
    }
    // Moved, and its old address already given to another thread's block.
    this.reallocs++;
    this.totalFrees++;
    this.freeBytes += oldSize;
    this.liveBytes -= oldSize;
    this.dropOrigin(oldPtr);
    if (newPtr !== 0) {
      this.record(newPtr, size, site);
      this.noteOrigin(newPtr, oldSeq, oldSite, oldTime, 1);
    }
    return true;
  }

  free(ptr: number, site: number): void {
    ptr >>>= 0;
    const at = this.freedRecord(ptr, site);
    if (at >= 0) this.release(at, ptr, site);
  }

  /**
   * The live record that freeing `ptr` (already >>> 0) releases, or -1: for
   * NULL, which frees nothing (C17 7.22.3.3 ¶2, not an error), and for a
   * pointer not live, reported as an invalid free.
   */
  private freedRecord(ptr: number, site: number): number {
    if (ptr === 0) return -1;
    const at = this.blocks.find(ptr);
    if (at < 0) this.badFree('invalid-free', ptr, site);
    return at;
  }

  // --- Rust (GlobalAlloc via __rust_alloc & co.) ----------------------------

  rustAlloc(ptr: number, size: number, _align: number, site: number): void {
    this.malloc(ptr, size, site);
  }

  rustAllocZeroed(ptr: number, size: number, _align: number, site: number): void {
    this.malloc(ptr, size, site);
  }

  /** Rust passes the layout back: a size that differs from the allocation's is UB, reported. */
  rustDealloc(ptr: number, size: number, _align: number, site: number): void {
    ptr >>>= 0;
    const at = this.freedRecord(ptr, site);
    if (at < 0) return;
    const recorded = this.blocks.get(at, LB.size);
    if (recorded !== size >>> 0) {
      this.error('dealloc-size-mismatch', ptr, site, this.blocks.get(at, LB.site), null, recorded, size >>> 0);
    }
    this.release(at, ptr, site);
  }

  /** __rust_realloc(oldPtr, oldSize, align, newSize) returned newPtr. */
  rustRealloc(newPtr: number, oldPtr: number, _oldSize: number, _align: number, newSize: number, site: number): void {
    this.realloc(newPtr, oldPtr, newSize, site);
  }

  // --- reading -------------------------------------------------------------

  /** The counters in COUNTER order, written into `out` (no allocation when given). */
  counters(out: Float64Array = new Float64Array(COUNTER.length)): Float64Array {
    out[COUNTER.totalAllocs] = this.totalAllocs;
    out[COUNTER.totalFrees] = this.totalFrees;
    out[COUNTER.allocBytes] = this.allocBytes;
    out[COUNTER.freeBytes] = this.freeBytes;
    out[COUNTER.liveCount] = this.blocks.count;
    out[COUNTER.liveBytes] = this.liveBytes;
    out[COUNTER.failures] = this.failures;
    out[COUNTER.reallocs] = this.reallocs;
    out[COUNTER.errors] = this.errors.length;
    out[COUNTER.errorsDropped] = this.errorsDropped;
    out[COUNTER.nextSeq] = this.nextSeq;
    out[COUNTER.time] = this.elapsed();
    return out;
  }

  /** An immutable copy of the live table, sorted by allocation order. */
  snapshot(): TrackerSnapshot {
    return takeSnapshot(this);
  }

  /** Bytes held by the tracker's tables. */
  get byteLength(): number {
    return this.blocks.byteLength + this.freed.byteLength + this.origins.byteLength;
  }

  // --- internals -------------------------------------------------------------

  private record(ptr: number, size: number, site: number): void {
    const seq = this.nextSeq;
    this.nextSeq = (seq + 1) >>> 0;
    const blocks = this.blocks;
    blocks.add(ptr, size, site, seq, this.ticks());
    if (blocks.replaced) {
      // The allocator handed out a pointer we hold as live: its free was not
      // seen (an uninstrumented path). Count that free so the sums stay true.
      const old = blocks.replacedSize;
      this.impliedFrees++;
      this.totalFrees++;
      this.freeBytes += old;
      this.liveBytes -= old;
      this.dropOrigin(ptr);
      this.error('alloc-over-live', ptr, site, blocks.replacedSite, null, old, null);
    }
    this.totalAllocs++;
    this.allocBytes += size;
    this.liveBytes += size;
  }

  private release(at: number, ptr: number, site: number): void {
    const blocks = this.blocks;
    const size = blocks.get(at, LB.size);
    const allocSite = blocks.get(at, LB.site);
    blocks.removeAt(at);
    if (this.origins.count !== 0) this.dropOrigin(ptr);
    this.freed.note(ptr, allocSite, site, size);
    this.totalFrees++;
    this.freeBytes += size;
    this.liveBytes -= size;
    if (this.probation) this.endProbation();
  }

  private dropOrigin(ptr: number): void {
    const o = this.origins.find(ptr);
    if (o >= 0) this.origins.removeAt(o);
  }

  private badFree(kind: 'invalid-free' | 'invalid-realloc', ptr: number, site: number): void {
    const f = this.freed.find(ptr);
    if (f >= 0) {
      const freed = this.freed;
      this.error(
        kind === 'invalid-free' ? 'double-free' : kind,
        ptr,
        site,
        freed.get(f, FB.allocSite),
        freed.get(f, FB.freeSite),
        freed.get(f, FB.size),
        null,
      );
    } else {
      this.error(kind, ptr, site, null, null, null, null);
    }
  }

  private error(
    kind: TrackerErrorKind,
    ptr: number,
    site: number,
    allocSite: number | null,
    firstFreeSite: number | null,
    size: number | null,
    claimedSize: number | null,
  ): void {
    if (!this.reportErrors) {
      this.errorsMuted++;
      return;
    }
    const e: TrackerError = { kind, ptr, site, allocSite, firstFreeSite, size, claimedSize, seq: this.nextSeq, time: this.elapsed() };
    if (this.probation) {
      if (this.totalFrees - this.impliedFrees === 0) {
        this.held.push(e);
        if (this.held.length >= 8) {
          this.distrust = `allocator discovery contradicted at runtime: ${this.held.length} misuse reports (${[...new Set(this.held.map((h) => h.kind))].join(', ')}) before any free matched an allocation; misuse is not reported for this module`;
          this.reportErrors = false;
          this.errorsMuted += this.held.length;
          this.held = [];
        }
        return;
      }
      this.endProbation();
    }
    this.keep(e);
  }

  private keep(e: TrackerError): void {
    if (this.errors.length >= this.maxErrors) {
      this.errorsDropped++;
      return;
    }
    this.errors.push(e);
  }

  /** A free matched an allocation: the discovery holds; what was held is reported. */
  private endProbation(): void {
    this.probation = false;
    for (const h of this.held) this.keep(h);
    this.held = [];
  }
}
