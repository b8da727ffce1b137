// The page side of the rewriter's 'ring' event path (src/wasm/README.md):
// call-site wrappers store each event as a record in a ring that lives in the
// module's own memory 0, in a block obtained once from the module's own
// allocator (so its sbrk/heap stays consistent and the block is no event),
// and call `ev` only on a site's first event or when the ring is full. This
// class owns that block and decodes it, in order, into the record's dispatch.

/** Record header: `kind | nargs << 4 | site << 6` (src/wasm/wrappers.ts RING_*). */
export const RING_KIND_MASK = 0xf, RING_NARGS_SHIFT = 4, RING_NARGS_MASK = 3, RING_SITE_SHIFT = 6;
/** Largest record in bytes (header + 3 arguments): `end` stays this far from the block's end. */
export const RING_MAX_RECORD = 16;
/** Ring block size: ≈5,000 malloc/free pairs between two drains. */
export const RING_BYTES = 64 * 1024;

/** The rewriter's ring exports, as read from the raw (unwrapped) exports. */
export interface RingExports {
  memory: WebAssembly.Memory;
  pos: WebAssembly.Global;
  end: WebAssembly.Global;
  alloc: (...args: number[]) => number;
  allocArgs: 'size' | 'size-align';
}

export type RingSink = (kind: number, a: number, b: number, c: number, site: number) => void;

export class EventRing {
  private base = 0;
  private view: Uint32Array | null = null;
  private state: 'idle' | 'busy' | 'active' | 'failed' = 'idle';

  constructor(private readonly x: RingExports, private readonly bytes = RING_BYTES) {}

  get active(): boolean {
    return this.state === 'active';
  }

  /**
   * Gets the block from the module's allocator and hands it to the wrappers.
   * Called from `ev` right after an allocator call returned, so the allocator
   * is usable and not running; the call itself is not reported (it does not
   * go through a wrapper). Never throws; on failure the call path stays.
   */
  activate(): boolean {
    if (this.state !== 'idle') return this.state === 'active';
    this.state = 'busy'; // a memory.grow inside the allocator calls `ev` again
    try {
      const p = (this.x.allocArgs === 'size' ? this.x.alloc(this.bytes) : this.x.alloc(this.bytes, 8)) >>> 0;
      if (p === 0 || (p & 3) !== 0 || p + this.bytes > this.x.memory.buffer.byteLength) throw new Error('no ring block');
      this.base = p;
      this.x.pos.value = p;
      this.x.end.value = p + this.bytes - RING_MAX_RECORD;
      this.state = 'active';
      return true;
    } catch {
      this.state = 'failed';
      return false;
    }
  }

  /** Records waiting in the ring (bytes). */
  get pending(): number {
    return this.state === 'active' ? (this.x.pos.value >>> 0) - this.base : 0;
  }

  /**
   * Empties the ring into `sink`, oldest first. The cursor is reset before
   * the first record is dispatched, so a throwing sink loses the rest of
   * this batch but never sees a record twice.
   */
  drain(sink: RingSink): void {
    if (this.state !== 'active') return;
    const end = this.x.pos.value >>> 0;
    const base = this.base;
    if (end === base) return;
    this.x.pos.value = base;
    let v = this.view;
    const buffer = this.x.memory.buffer;
    if (v === null || v.buffer !== buffer) v = this.view = new Uint32Array(buffer);
    for (let i = base >>> 2, e = end >>> 2; i < e;) {
      const h = v[i];
      const n = (h >>> RING_NARGS_SHIFT) & RING_NARGS_MASK;
      sink(h & RING_KIND_MASK, n > 0 ? v[i + 1] : 0, n > 1 ? v[i + 2] : 0, n > 2 ? v[i + 3] : 0, h >>> RING_SITE_SHIFT);
      i += 1 + n;
    }
  }

  /** Drops whatever the ring holds (a disabled record). */
  discard(): void {
    if (this.state === 'active') this.x.pos.value = this.base;
  }
}
