/**
 * Flat, allocation-free list of every place a function index (or a
 * memory.grow) appears, recorded during the single parse pass so the rewriter
 * never has to scan code twice. 6 int32 per record.
 */
export const R_CALL = 1; // call f            (code)
export const R_RETURN_CALL = 2; // return_call f (code)
export const R_REF_FUNC = 3; // ref.func f      (code or const expr)
export const R_MEM_GROW = 4; // memory.grow m  (code), value = memory index
export const R_FUNCIDX = 5; // plain funcidx in export/start/element vectors
export const R_MEM_SIZE = 6; // memory.size m (code): a heap-growth signal for structural discovery
// Indirect calls: value = type index; immPos/immLen span all the instruction's immediates.
export const R_CALL_INDIRECT = 7; // call_indirect t tbl
export const R_RETURN_CALL_INDIRECT = 8; // return_call_indirect t tbl
export const R_CALL_REF = 9; // call_ref t
export const R_RETURN_CALL_REF = 10; // return_call_ref t

export class RefList {
  data = new Int32Array(1024);
  length = 0;

  push(kind: number, instrPos: number, immPos: number, immLen: number, value: number, func: number): void {
    let d = this.data;
    const i = this.length * 6;
    if (i + 6 > d.length) {
      const n = new Int32Array(d.length * 2);
      n.set(d);
      this.data = d = n;
    }
    d[i] = kind;
    d[i + 1] = instrPos;
    d[i + 2] = immPos;
    d[i + 3] = immLen;
    d[i + 4] = value;
    d[i + 5] = func;
    this.length++;
  }
  kind(i: number): number {
    return this.data[i * 6];
  }
  instrPos(i: number): number {
    return this.data[i * 6 + 1];
  }
  immPos(i: number): number {
    return this.data[i * 6 + 2];
  }
  immLen(i: number): number {
    return this.data[i * 6 + 3];
  }
  value(i: number): number {
    return this.data[i * 6 + 4];
  }
  /** Defining function (original index) for code records, -1 elsewhere. */
  func(i: number): number {
    return this.data[i * 6 + 5];
  }
}
