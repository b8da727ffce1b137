// Size of every linear memory over time, for the timeline chart. Bounded: when
// a memory's series is full, the older half is thinned (every other point
// dropped), so old history gets coarser and recent history stays sharp.
//
// A wasm memory never shrinks, so only changes are stored; a note with the same
// size only moves `lastTime` (the right end of the last step).

export type MemoryCause = 'initial' | 'js-grow' | 'wasm-grow' | 'poll';
export const MEMORY_CAUSES: readonly MemoryCause[] = ['initial', 'js-grow', 'wasm-grow', 'poll'];
const CAUSE_CODE: Record<MemoryCause, number> = { initial: 0, 'js-grow': 1, 'wasm-grow': 2, poll: 3 };

export interface MemorySeries {
  readonly memIndex: number;
  readonly shared: boolean;
  /** Milliseconds, as given to noteMemorySize. */
  readonly time: Float64Array;
  readonly bytes: Float64Array;
  /** Index into MEMORY_CAUSES. */
  readonly cause: Uint8Array;
  /** Time of the latest note, changed or not. */
  readonly lastTime: number;
  /** Points dropped by thinning so far. */
  readonly dropped: number;
}

class Series {
  time: Float64Array;
  bytes: Float64Array;
  cause: Uint8Array;
  n = 0;
  lastTime = 0;
  dropped = 0;
  shared = false;
  constructor(cap: number) {
    this.time = new Float64Array(cap);
    this.bytes = new Float64Array(cap);
    this.cause = new Uint8Array(cap);
  }
}

export class MemoryHistory {
  private readonly series = new Map<number, Series>();

  /** maxPoints per memory (≥ 8). */
  constructor(readonly maxPoints = 4096) {
    if (maxPoints < 8) throw new RangeError('maxPoints must be at least 8');
  }

  /** Marks a memory as shared (a SharedArrayBuffer; sizes only, growth is seen by polling). */
  describe(memIndex: number, info: { shared: boolean }): void {
    this.get(memIndex).shared = info.shared;
  }

  /**
   * Records memory `memIndex` at `byteLength` (read from memory.buffer, never
   * from a cached buffer: a detached one reads 0). Returns true if the size changed.
   */
  noteMemorySize(memIndex: number, byteLength: number, time: number, cause: MemoryCause): boolean {
    const s = this.get(memIndex);
    if (time > s.lastTime || s.n === 0) s.lastTime = time;
    if (s.n > 0 && s.bytes[s.n - 1] === byteLength) return false;
    if (s.n === this.maxPoints) this.thin(s);
    s.time[s.n] = time;
    s.bytes[s.n] = byteLength;
    s.cause[s.n] = CAUSE_CODE[cause];
    s.n++;
    return true;
  }

  /** Latest known size, or -1 for a memory never noted. */
  current(memIndex: number): number {
    const s = this.series.get(memIndex);
    return s && s.n > 0 ? s.bytes[s.n - 1] : -1;
  }

  memories(): number[] {
    return [...this.series.keys()].sort((x, y) => x - y);
  }

  /** A copy of one memory's points. */
  seriesOf(memIndex: number): MemorySeries {
    const s = this.series.get(memIndex) ?? new Series(0);
    return {
      memIndex,
      shared: s.shared,
      time: s.time.slice(0, s.n),
      bytes: s.bytes.slice(0, s.n),
      cause: s.cause.slice(0, s.n),
      lastTime: s.lastTime,
      dropped: s.dropped,
    };
  }

  private get(memIndex: number): Series {
    let s = this.series.get(memIndex);
    if (!s) {
      s = new Series(this.maxPoints);
      this.series.set(memIndex, s);
    }
    return s;
  }

  /** Drops every other point of the older half; the first point (the initial size) stays. */
  private thin(s: Series): void {
    const half = s.n >>> 1;
    let w = 1;
    for (let r = 1; r < s.n; r++) {
      if (r < half && (r & 1) === 0) continue;
      s.time[w] = s.time[r];
      s.bytes[w] = s.bytes[r];
      s.cause[w] = s.cause[r];
      w++;
    }
    s.dropped += s.n - w;
    s.n = w;
  }
}

/** What MemoryWatcher needs of a WebAssembly.Memory. */
export interface MemoryLike {
  readonly buffer: ArrayBufferLike;
}

/**
 * Notices growth of one memory cheaply. memory.grow inside wasm fires no event;
 * it detaches the old ArrayBuffer (byteLength becomes 0), and checking a cached
 * buffer's byteLength costs ≈6 ns against ≈31 ns for memory.buffer.byteLength
 * (measured in Chromium 156). A shared memory's old SharedArrayBuffer keeps its
 * length, so a shared memory is always read through memory.buffer.
 */
export class MemoryWatcher {
  private cached: ArrayBufferLike;
  private length: number;
  readonly shared: boolean;

  constructor(
    private readonly history: MemoryHistory,
    readonly memIndex: number,
    private readonly memory: MemoryLike,
    time: number,
  ) {
    this.cached = memory.buffer;
    this.length = this.cached.byteLength;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && this.cached instanceof SharedArrayBuffer;
    if (this.shared) history.describe(memIndex, { shared: true });
    history.noteMemorySize(memIndex, this.length, time, 'initial');
  }

  /** Byte length as of the last check. */
  get byteLength(): number {
    return this.length;
  }

  /** Call after events from wasm (cause 'wasm-grow') or from a timer ('poll'). True if it grew. */
  check(time: number, cause: MemoryCause = 'wasm-grow'): boolean {
    if (!this.shared && this.length !== 0 && this.cached.byteLength === this.length) return false;
    return this.read(time, cause);
  }

  /** Call after Memory.prototype.grow from JavaScript. */
  noteJsGrow(time: number): boolean {
    return this.read(time, 'js-grow');
  }

  private read(time: number, cause: MemoryCause): boolean {
    const buffer = this.memory.buffer;
    const length = buffer.byteLength;
    this.cached = buffer;
    if (length === this.length) return false;
    this.length = length;
    return this.history.noteMemorySize(this.memIndex, length, time, cause);
  }
}
