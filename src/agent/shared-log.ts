// The allocation events of threads that share one heap (emscripten -pthread:
// one shared WebAssembly.Memory, instantiated in the page and in each worker),
// in one SharedArrayBuffer, in the order they happened.
//
// Why one ordered log: each thread's own tracker would see a block freed by
// another thread as an invalid free here and a leak there. Every thread writes
// its events here; the context that compiled the module drains them, in
// sequence order, into the heap's one tracker (shared-heap.ts).
//
// Order: a record's sequence number is taken with a compare-and-swap on one
// counter. The rewriter reports a free *before* the allocator runs and an
// allocation *after* it returns, so when thread 2's malloc returns a pointer
// thread 1 just freed, thread 1's free has the smaller number (it was taken
// before the free made the pointer available). Records are published by a
// stamp written last; the drain stops at the first slot not yet stamped.
//
// Bounded: a ring of 2^19 records (16 MiB) and 4 MiB of site text. A worker
// that finds the ring full waits (≤ FULL_WAIT_MS) for the drain, the draining
// context drains first; past that the event is counted as lost, and until the
// drain moves again that writer drops at once instead of waiting again (the
// page's main thread busy-waits in emscripten's pthread_join and does not
// drain meanwhile: waiting on every event would stall the program).

/** Int32 words of the header (64 bytes; an f64 at byte 32). */
const H = { next: 0, drained: 1, lost: 2, threads: 3, text: 4, records: 5, textBytes: 6, magic: 7 } as const;
const HEADER_BYTES = 64;
const T0_BYTE = 32;
const MAGIC = 0x5741_4c47;
/** Int32 words of a record: the stamp (sequence + 1) is written last. */
const R = { stamp: 0, op: 1, a: 2, b: 3, c: 4, site: 5, thread: 6, time: 7, width: 8 } as const;
const RECORD_BYTES = R.width * 4;

/** `op` of a record that defines a thread's site (a: its id there, b/c: offset/length of its frames' JSON text). */
export const OP_SITE = 100;
const FULL_WAIT_MS = 2000;

export type LogVisitor = (op: number, a: number, b: number, c: number, site: number, thread: number, time: number) => void;

export class SharedLog {
  private readonly h: Int32Array;
  private readonly rec: Int32Array;
  private readonly text: Uint8Array;
  private readonly mask: number;
  /** Epoch milliseconds the records' times count from (0.1 ms units). */
  readonly t0: number;

  /** A new log; null where SharedArrayBuffer is missing (not cross-origin isolated). */
  static create(now: number, records = 1 << 19, textBytes = 4 << 20): SharedLog | null {
    if (typeof SharedArrayBuffer !== 'function') return null;
    const sab = new SharedArrayBuffer(HEADER_BYTES + records * RECORD_BYTES + textBytes);
    const h = new Int32Array(sab, 0, HEADER_BYTES / 4);
    h[H.records] = records;
    h[H.textBytes] = textBytes;
    h[H.magic] = MAGIC;
    new Float64Array(sab, T0_BYTE, 1)[0] = now;
    return new SharedLog(sab);
  }

  /** The log another context sent; null unless it is one (the channel is as untrusted as the page). */
  static from(sab: unknown): SharedLog | null {
    if (typeof SharedArrayBuffer !== 'function' || !(sab instanceof SharedArrayBuffer) || sab.byteLength < HEADER_BYTES) return null;
    const h = new Int32Array(sab, 0, HEADER_BYTES / 4);
    const records = h[H.records];
    const textBytes = h[H.textBytes];
    const power = records > 0 && (records & (records - 1)) === 0;
    if (h[H.magic] !== MAGIC || !power || textBytes < 0 || HEADER_BYTES + records * RECORD_BYTES + textBytes !== sab.byteLength)
      return null;
    return new SharedLog(sab);
  }

  private constructor(readonly sab: SharedArrayBuffer) {
    this.h = new Int32Array(sab, 0, HEADER_BYTES / 4);
    const records = this.h[H.records];
    this.mask = records - 1;
    this.rec = new Int32Array(sab, HEADER_BYTES, records * R.width);
    this.text = new Uint8Array(sab, HEADER_BYTES + records * RECORD_BYTES, this.h[H.textBytes]);
    this.t0 = new Float64Array(sab, T0_BYTE, 1)[0];
  }

  /** The drain's position when this writer last gave up waiting (see append). */
  private gaveUpAt = -1;

  /** A number for a new writing thread (1, 2, …; 0 is the draining context's). */
  join(): number {
    return Atomics.add(this.h, H.threads, 1) + 1;
  }

  /** Events dropped because the ring stayed full. */
  get lost(): number {
    return Atomics.load(this.h, H.lost);
  }

  /**
   * Appends one event; false when it was lost. `wait`: this context may
   * block (a worker); else `drain` (the draining context's own) makes room.
   */
  append(
    op: number,
    a: number,
    b: number,
    c: number,
    site: number,
    thread: number,
    time: number,
    wait: boolean,
    drain?: () => void,
  ): boolean {
    const h = this.h;
    const records = this.mask + 1;
    let waited = 0;
    for (;;) {
      const seq = Atomics.load(h, H.next);
      const drained = Atomics.load(h, H.drained);
      if ((seq - drained) >>> 0 >= records) {
        // Full: the draining context makes room, a worker waits for it
        // (not again while the drain has not moved since it gave up).
        if (drain && waited < 4) {
          drain();
          waited++;
          continue;
        }
        if (wait && drained !== this.gaveUpAt && waited < FULL_WAIT_MS / 50) {
          Atomics.wait(h, H.drained, drained, 50);
          waited++;
          continue;
        }
        this.gaveUpAt = drained;
        Atomics.add(h, H.lost, 1);
        return false;
      }
      if (Atomics.compareExchange(h, H.next, seq, (seq + 1) | 0) !== seq) continue;
      const o = (seq & this.mask) * R.width;
      const rec = this.rec;
      rec[o + R.op] = op;
      rec[o + R.a] = a;
      rec[o + R.b] = b;
      rec[o + R.c] = c;
      rec[o + R.site] = site;
      rec[o + R.thread] = thread;
      const t = (time - this.t0) * 10;
      rec[o + R.time] = t > 0 ? Math.min(t, 0x7fff_ffff) : 0;
      Atomics.store(rec, o + R.stamp, (seq + 1) | 0);
      return true;
    }
  }

  /** Defines thread `thread`'s site `id` by its frames' JSON text (before any event of that site). */
  appendSite(thread: number, id: number, json: string, time: number, wait: boolean, drain?: () => void): boolean {
    const bytes = new TextEncoder().encode(json);
    let at = -1;
    if (bytes.length <= this.text.length) {
      at = Atomics.add(this.h, H.text, bytes.length);
      // Past the end, the site is defined without frames (shown as unknown).
      if (at + bytes.length <= this.text.length) this.text.set(bytes, at);
      else at = -1;
    }
    const length = at < 0 ? 0 : bytes.length;
    return this.append(OP_SITE, id, Math.max(at, 0), length, 0, thread, time, wait, drain);
  }

  /** The text of a site record, or '' when none (lost, or out of bounds). */
  siteText(offset: number, length: number): string {
    if (length <= 0 || offset < 0 || offset + length > this.text.length) return '';
    // (TextDecoder refuses views of shared memory: a copy)
    return new TextDecoder().decode(this.text.slice(offset, offset + length));
  }

  /** Visits every published record in sequence order, then frees their slots; returns how many. */
  drain(visit: LogVisitor): number {
    const h = this.h;
    const rec = this.rec;
    let r = Atomics.load(h, H.drained);
    const from = r;
    for (;;) {
      const o = (r & this.mask) * R.width;
      if (Atomics.load(rec, o + R.stamp) !== ((r + 1) | 0)) break;
      visit(
        rec[o + R.op],
        rec[o + R.a],
        rec[o + R.b],
        rec[o + R.c],
        rec[o + R.site],
        rec[o + R.thread],
        this.t0 + (rec[o + R.time] >>> 0) / 10,
      );
      r = (r + 1) | 0;
    }
    if (r !== from) {
      Atomics.store(h, H.drained, r);
      Atomics.notify(h, H.drained);
    }
    return (r - from) >>> 0;
  }
}
