import { encodeU32, lebWidth, writeLebPadded } from './leb128';
import { fail } from './errors';
import { OffsetMap } from './offset-map';

interface Region {
  sizePos: number;
  sizeLen: number;
  start: number;
  end: number;
  level: number;
}

/**
 * Edits the original bytes instead of re-serializing the module: most of a
 * module (code, data, DWARF) is copied as-is, same-width patches (renumbered
 * indices) are written in place into a copy, and only size-changing edits are
 * spliced. Size-prefixed regions (sections, function bodies, name
 * subsections) get their size LEB re-encoded — at its original width when
 * the new size fits, so nothing after them moves unnecessarily.
 */
export class Editor {
  readonly work: Uint8Array;
  private pos: number[] = [];
  private oldLen: number[] = [];
  private data: Uint8Array[] = [];
  private owner: number[] = [];
  private regions: Region[] = [];

  constructor(readonly input: Uint8Array) {
    this.work = input.slice();
  }

  /** Rewrites a u32 LEB: in place at the same width when it fits, else spliced. */
  patchU32(pos: number, width: number, value: number): void {
    if (lebWidth(value) <= width) writeLebPadded(this.work, pos, value, width);
    else this.replace(pos, width, encodeU32(value));
  }

  /**
   * Replaces [pos, pos+oldLen) with data (oldLen 0 = insert). An insertion at
   * a region's end belongs to that region only if `owner` names it.
   */
  replace(pos: number, oldLen: number, data: Uint8Array | number[], owner = -1): void {
    this.pos.push(pos);
    this.oldLen.push(oldLen);
    this.data.push(data instanceof Uint8Array ? data : Uint8Array.from(data));
    this.owner.push(owner);
  }

  /** Registers a size-prefixed region; inner regions need a higher level. Returns its id. */
  region(sizePos: number, sizeLen: number, start: number, end: number, level: number): number {
    this.regions.push({ sizePos, sizeLen, start, end, level });
    return this.regions.length - 1;
  }

  private sortedEdits(): number[] {
    const order = this.pos.map((_, i) => i);
    const { pos, oldLen } = this;
    // by position; at equal positions insertions come before replacements; then by creation order
    order.sort((a, b) => pos[a] - pos[b] || (oldLen[a] === 0 ? 0 : 1) - (oldLen[b] === 0 ? 0 : 1) || a - b);
    return order;
  }

  private contains(outer: Region, inner: number): boolean {
    if (inner < 0) return false;
    const r = this.regions[inner];
    return r === outer || (outer.start <= r.start && r.end <= outer.end);
  }

  private fixSizes(): void {
    const levels = [...new Set(this.regions.map((r) => r.level))].sort((a, b) => b - a);
    for (const level of levels) {
      const order = this.sortedEdits();
      const pos = order.map((i) => this.pos[i]);
      for (const r of this.regions) {
        if (r.level !== level) continue;
        // first edit with pos >= r.start
        let lo = 0;
        let hi = pos.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (pos[mid] < r.start) lo = mid + 1;
          else hi = mid;
        }
        let delta = 0;
        for (let k = lo; k < pos.length && pos[k] <= r.end; k++) {
          const e = order[k];
          if (pos[k] === r.end && !this.contains(r, this.owner[e])) continue;
          delta += this.data[e].length - this.oldLen[e];
        }
        if (delta !== 0) this.patchU32(r.sizePos, r.sizeLen, r.end - r.start + delta);
      }
    }
  }

  finish(): { bytes: Uint8Array; map: OffsetMap } {
    this.fixSizes();
    const order = this.sortedEdits();
    let total = this.input.length;
    for (let i = 0; i < this.pos.length; i++) total += this.data[i].length - this.oldLen[i];
    const out = new Uint8Array(total);
    const map = new OffsetMap();
    const work = this.work;
    let o = 0;
    let n = 0;
    for (const e of order) {
      const p = this.pos[e];
      if (p < o) fail('internal error: overlapping edits');
      out.set(work.subarray(o, p), n);
      map.add(n, o, p - o, true);
      n += p - o;
      const d = this.data[e];
      out.set(d, n);
      map.add(n, this.oldLen[e] > 0 ? p : -1, d.length, false);
      n += d.length;
      o = p + this.oldLen[e];
    }
    out.set(work.subarray(o), n);
    map.add(n, o, work.length - o, true);
    return { bytes: out, map };
  }
}
