/**
 * Maps byte offsets in the rewritten module back to the original module.
 * Built from the writer's output runs: a "copy" run maps 1:1, a replaced run
 * maps every byte to the start of what it replaced (e.g. a memory.grow that
 * became a call), an inserted run (added wrappers, imports) maps to -1.
 */
export class OffsetMap {
  private newStart: number[] = [];
  private origStart: number[] = [];
  private len: number[] = [];
  private copy: boolean[] = [];

  add(newStart: number, origStart: number, len: number, copy: boolean): void {
    if (len === 0) return;
    const n = this.newStart.length - 1;
    // merge adjacent copy runs so the table stays short
    if (copy && n >= 0 && this.copy[n] && this.newStart[n] + this.len[n] === newStart && this.origStart[n] + this.len[n] === origStart) {
      this.len[n] += len;
      return;
    }
    this.newStart.push(newStart);
    this.origStart.push(origStart);
    this.len.push(len);
    this.copy.push(copy);
  }

  toOriginal(offset: number): number {
    const ns = this.newStart;
    let lo = 0;
    let hi = ns.length - 1;
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

  /** Number of runs (for tests/diagnostics). */
  get runs(): number {
    return this.newStart.length;
  }
}
