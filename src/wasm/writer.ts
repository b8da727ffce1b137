import { lebWidth, writeLebPadded } from './leb128';
import { fail } from './errors';
import { OffsetMap } from './offset-map';
import { Bytes } from './bytes';

interface Region {
  sizePos: number;
  sizeLen: number;
  start: number;
  end: number;
  level: number;
}

/** Replacement data this short is copied into the editor's own pool (no object per edit). */
const POOLED = 16;

function grown(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n < a.length) return a;
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Edits the original bytes instead of re-serializing the module: most of a
 * module (code, data, DWARF) is copied as-is, same-width patches (renumbered
 * indices) are written in place into the output, and only size-changing edits
 * are spliced. Size-prefixed regions (sections, function bodies, name
 * subsections) get their size LEB re-encoded — at its original width when
 * the new size fits, so nothing after them moves unnecessarily.
 *
 * Everything is kept in typed arrays and one byte pool, and the input is
 * never copied: patches are (position, width, value) records written into
 * the one output buffer after the copy. A second copy of a 32 MB module, an
 * array per edit and a comparator sort of tens of thousands of edits were
 * most of the rewrite's time (issue 15).
 */
export class Editor {
  /** Same-width patches, in creation order (a later patch of the same byte wins). */
  private patches = 0;
  private patchPos: Int32Array<ArrayBuffer>;
  private patchWidth: Uint8Array;
  private patchValue: Uint32Array;
  /** Spliced edits: [pos, pos + oldLen) replaced by data (in the pool at start, or `data[i]`). */
  private edits = 0;
  private pos: Int32Array<ArrayBuffer>;
  private oldLen: Int32Array<ArrayBuffer>;
  private owner: Int32Array<ArrayBuffer>;
  private start: Int32Array<ArrayBuffer>;
  private len: Int32Array<ArrayBuffer>;
  private data: (Uint8Array | null)[] = [];
  private readonly pool: Bytes;
  private regions: Region[] = [];
  /** The last `sortedEdits` (edits are only ever appended, so its length says whether it is current). */
  private sorted: Int32Array | null = null;

  /** `expected`: about how many patches and edits there will be (the module's function-index occurrences). */
  constructor(
    readonly input: Uint8Array,
    expected = 0,
  ) {
    const p = Math.max(256, expected);
    this.patchPos = new Int32Array(p);
    this.patchWidth = new Uint8Array(p);
    this.patchValue = new Uint32Array(p);
    const e = Math.max(64, expected >> 1);
    this.pos = new Int32Array(e);
    this.oldLen = new Int32Array(e);
    this.owner = new Int32Array(e);
    this.start = new Int32Array(e);
    this.len = new Int32Array(e);
    this.pool = new Bytes(Math.max(1024, e * 3));
  }

  /** Rewrites a u32 LEB: in place at the same width when it fits, else spliced. */
  patchU32(pos: number, width: number, value: number): void {
    if (lebWidth(value) <= width) {
      const i = this.patches++;
      if (i === this.patchPos.length) {
        this.patchPos = grown(this.patchPos, i);
        const w = new Uint8Array(i * 2);
        w.set(this.patchWidth);
        this.patchWidth = w;
        const v = new Uint32Array(i * 2);
        v.set(this.patchValue);
        this.patchValue = v;
      }
      this.patchPos[i] = pos;
      this.patchWidth[i] = width;
      this.patchValue[i] = value;
    } else {
      const at = this.pool.length;
      this.pool.u32(value);
      this.edit(pos, width, null, at, this.pool.length - at, -1);
    }
  }

  /**
   * Replaces [pos, pos+oldLen) with data (oldLen 0 = insert). An insertion at
   * a region's end belongs to that region only if `owner` names it. A
   * Uint8Array of more than a few bytes is kept by reference, not copied.
   */
  replace(pos: number, oldLen: number, data: Uint8Array | number[], owner = -1): void {
    if (data.length <= POOLED) {
      const at = this.pool.length;
      this.pool.raw(data);
      this.edit(pos, oldLen, null, at, data.length, owner);
    } else this.edit(pos, oldLen, data instanceof Uint8Array ? data : Uint8Array.from(data), 0, data.length, owner);
  }

  private edit(pos: number, oldLen: number, data: Uint8Array | null, start: number, len: number, owner: number): void {
    const i = this.edits++;
    if (i === this.pos.length) {
      this.pos = grown(this.pos, i);
      this.oldLen = grown(this.oldLen, i);
      this.owner = grown(this.owner, i);
      this.start = grown(this.start, i);
      this.len = grown(this.len, i);
    }
    this.pos[i] = pos;
    this.oldLen[i] = oldLen;
    this.owner[i] = owner;
    this.start[i] = start;
    this.len[i] = len;
    this.data.push(data);
  }

  /** Registers a size-prefixed region; inner regions need a higher level. Returns its id. */
  region(sizePos: number, sizeLen: number, start: number, end: number, level: number): number {
    this.regions.push({ sizePos, sizeLen, start, end, level });
    return this.regions.length - 1;
  }

  /**
   * Edit indices by position; at equal positions insertions come before
   * replacements; then by creation order. One numeric sort of packed keys
   * (position, kind, index) when they fit in 53 bits, else a comparator.
   */
  private sortedEdits(): Int32Array {
    // fixing sizes rarely adds an edit (a size that outgrows its LEB): reuse the last order
    if (this.sorted && this.sorted.length === this.edits) return this.sorted;
    this.sorted = this.sortEdits();
    return this.sorted;
  }

  private sortEdits(): Int32Array {
    const n = this.edits;
    const { pos, oldLen } = this;
    const order = new Int32Array(n);
    const IDX = 2 ** 21;
    let maxPos = 0;
    for (let i = 0; i < n; i++) if (pos[i] > maxPos) maxPos = pos[i];
    if (n < IDX && maxPos < 2 ** 31) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = (pos[i] * 2 + (oldLen[i] === 0 ? 0 : 1)) * IDX + i;
      keys.sort();
      for (let i = 0; i < n; i++) order[i] = keys[i] % IDX;
      return order;
    }
    const o: number[] = [];
    for (let i = 0; i < n; i++) o.push(i);
    o.sort((a, b) => pos[a] - pos[b] || (oldLen[a] === 0 ? 0 : 1) - (oldLen[b] === 0 ? 0 : 1) || a - b);
    order.set(o);
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
      const n = order.length;
      const pos = new Int32Array(n);
      for (let k = 0; k < n; k++) pos[k] = this.pos[order[k]];
      for (const r of this.regions) {
        if (r.level !== level) continue;
        // first edit with pos >= r.start
        let lo = 0;
        let hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (pos[mid] < r.start) lo = mid + 1;
          else hi = mid;
        }
        let delta = 0;
        for (let k = lo; k < n && pos[k] <= r.end; k++) {
          const e = order[k];
          if (pos[k] === r.end && !this.contains(r, this.owner[e])) continue;
          delta += this.len[e] - this.oldLen[e];
        }
        if (delta !== 0) this.patchU32(r.sizePos, r.sizeLen, r.end - r.start + delta);
      }
    }
  }

  finish(): { bytes: Uint8Array; map: OffsetMap } {
    this.fixSizes();
    const order = this.sortedEdits();
    const n = this.edits;
    let total = this.input.length;
    for (let i = 0; i < n; i++) total += this.len[i] - this.oldLen[i];
    const out = new Uint8Array(total);
    const map = new OffsetMap(2 * n + 1);
    const input = this.input;
    const pool = this.pool.buf;
    // copied runs: input [runIn, runIn + runLen) -> output runOut
    const runIn = new Int32Array(n + 1);
    const runOut = new Int32Array(n + 1);
    const runLen = new Int32Array(n + 1);
    let o = 0;
    let w = 0;
    for (let k = 0; k < n; k++) {
      const e = order[k];
      const p = this.pos[e];
      if (p < o) fail('internal error: overlapping edits');
      out.set(input.subarray(o, p), w);
      map.add(w, o, p - o, true);
      runIn[k] = o;
      runOut[k] = w;
      runLen[k] = p - o;
      w += p - o;
      const d = this.data[e];
      const len = this.len[e];
      if (d) out.set(d, w);
      else for (let j = 0, s = this.start[e]; j < len; j++) out[w + j] = pool[s + j];
      map.add(w, this.oldLen[e] > 0 ? p : -1, len, false);
      w += len;
      o = p + this.oldLen[e];
    }
    out.set(input.subarray(o), w);
    map.add(w, o, input.length - o, true);
    runIn[n] = o;
    runOut[n] = w;
    runLen[n] = input.length - o;
    this.applyPatches(out, runIn, runOut, runLen);
    return { bytes: out, map };
  }

  /**
   * Writes the patches into the output where their bytes were copied to;
   * bytes inside a replaced range are dropped (as if patched before the
   * splice). Patches come mostly in increasing position, so the run is found
   * by walking from the last one, else by binary search.
   */
  private applyPatches(out: Uint8Array, runIn: Int32Array, runOut: Int32Array, runLen: Int32Array): void {
    const { patchPos, patchWidth, patchValue } = this;
    const runs = runIn.length;
    const runOf = (pos: number, from: number): number => {
      let k = from;
      if (runIn[k] > pos) {
        // last run starting at or before pos
        let lo = 0;
        let hi = k;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (runIn[mid] <= pos) lo = mid;
          else hi = mid - 1;
        }
        k = lo;
      } else while (k + 1 < runs && runIn[k + 1] <= pos) k++;
      return k;
    };
    let k = 0;
    for (let i = 0; i < this.patches; i++) {
      const pos = patchPos[i];
      const width = patchWidth[i];
      k = runOf(pos, k);
      if (pos + width <= runIn[k] + runLen[k]) {
        writeLebPadded(out, runOut[k] + pos - runIn[k], patchValue[i], width);
        continue;
      }
      // straddles a splice: byte by byte
      let v = patchValue[i];
      for (let j = 0; j < width; j++) {
        const byte = j < width - 1 ? (v & 0x7f) | 0x80 : v & 0x7f;
        v >>>= 7;
        const r = runOf(pos + j, k);
        if (pos + j < runIn[r] + runLen[r]) out[runOut[r] + pos + j - runIn[r]] = byte;
      }
    }
  }
}
