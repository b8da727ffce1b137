/**
 * Maps byte offsets in the rewritten module back to the original module.
 * Built from the writer's output runs: a "copy" run maps 1:1, a replaced run
 * maps every byte to the start of what it replaced (e.g. a memory.grow that
 * became a call), an inserted run (added wrappers, imports) maps to -1.
 * Typed arrays: a dense module makes tens of thousands of runs.
 */
/** An OffsetMap as data (structured-clonable, transferable buffers). */
export interface OffsetRuns {
  newStart: Int32Array<ArrayBuffer>;
  origStart: Int32Array<ArrayBuffer>;
  len: Int32Array<ArrayBuffer>;
  copy: Uint8Array<ArrayBuffer>;
}

export class OffsetMap {
  private n = 0;
  private newStart: Int32Array;
  private origStart: Int32Array;
  private len: Int32Array;
  private copy: Uint8Array;

  /** `capacity`: the expected number of runs (grows beyond it). */
  constructor(capacity = 16) {
    const c = Math.max(1, capacity);
    this.newStart = new Int32Array(c);
    this.origStart = new Int32Array(c);
    this.len = new Int32Array(c);
    this.copy = new Uint8Array(c);
  }

  add(newStart: number, origStart: number, len: number, copy: boolean): void {
    if (len === 0) return;
    const n = this.n - 1;
    // merge adjacent copy runs so the table stays short
    if (copy && n >= 0 && this.copy[n] && this.newStart[n] + this.len[n] === newStart && this.origStart[n] + this.len[n] === origStart) {
      this.len[n] += len;
      return;
    }
    if (this.n === this.newStart.length) this.grow();
    const i = this.n++;
    this.newStart[i] = newStart;
    this.origStart[i] = origStart;
    this.len[i] = len;
    this.copy[i] = copy ? 1 : 0;
  }

  private grow(): void {
    const c = this.newStart.length * 2;
    this.newStart = grown(this.newStart, new Int32Array(c));
    this.origStart = grown(this.origStart, new Int32Array(c));
    this.len = grown(this.len, new Int32Array(c));
    this.copy = grown(this.copy, new Uint8Array(c));
  }

  toOriginal(offset: number): number {
    const ns = this.newStart;
    let lo = 0;
    let hi = this.n - 1;
    if (hi < 0 || offset < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ns[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    if (offset < ns[lo] || offset >= ns[lo] + this.len[lo]) return -1;
    const o = this.origStart[lo];
    if (o < 0) return -1;
    return this.copy[lo] ? o + (offset - ns[lo]) : o;
  }

  /**
   * The runs as trimmed copies: what another context (the page, for a module
   * rewritten in a worker) rebuilds the same map from with `fromRuns`.
   */
  toRuns(): OffsetRuns {
    const n = this.n;
    return {
      newStart: this.newStart.slice(0, n),
      origStart: this.origStart.slice(0, n),
      len: this.len.slice(0, n),
      copy: this.copy.slice(0, n),
    };
  }

  /** The map `toRuns` describes; throws on runs that are not ascending and disjoint (they come from another context). */
  static fromRuns(r: OffsetRuns): OffsetMap {
    const n = r.newStart.length;
    if (r.origStart.length !== n || r.len.length !== n || r.copy.length !== n) throw new Error('offset runs of unequal lengths');
    for (let i = 1; i < n; i++) if (r.newStart[i] < r.newStart[i - 1] + r.len[i - 1]) throw new Error('offset runs out of order');
    const m = new OffsetMap(n);
    m.newStart.set(r.newStart);
    m.origStart.set(r.origStart);
    m.len.set(r.len);
    m.copy.set(r.copy);
    m.n = n;
    return m;
  }

  /** Number of runs (for tests/diagnostics). */
  get runs(): number {
    return this.n;
  }
}

/** `to`, a larger array, with `from` copied to its start. */
function grown<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
