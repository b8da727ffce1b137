import { utf8 } from '../wasm/cursor';

/** Where the pieces symbolization needs are in a module; found by walking section headers only. */
export interface ModuleLayout {
  /** Custom section payloads (after the name), first of each name. */
  customs: Map<string, Uint8Array>;
  /** Offset of the Code section payload (the byte after its size LEB): DWARF address 0. -1 if none. */
  codeStart: number;
  codeEnd: number;
}

/** An unsigned LEB128 at `p` (below `end`): its value and the offset after it. */
export function leb(b: Uint8Array, p: number, end: number): [number, number] {
  let r = 0,
    shift = 0;
  for (;;) {
    if (p >= end || shift > 28) throw new Error(`bad LEB at 0x${p.toString(16)}`);
    const x = b[p++];
    r += (x & 0x7f) * 2 ** shift;
    if (!(x & 0x80)) return [r, p];
    shift += 7;
  }
}

/**
 * Walks section headers (never function bodies): cheap on big modules and
 * tolerant of instructions the rewriter does not know. Throws on a malformed
 * header; the caller turns that into a problem.
 */
export function layout(b: Uint8Array): ModuleLayout {
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) throw new Error('not a wasm module');
  const out: ModuleLayout = { customs: new Map(), codeStart: -1, codeEnd: -1 };
  let p = 8;
  while (p < b.length) {
    const id = b[p++];
    const [size, q] = leb(b, p, b.length);
    const end = q + size;
    if (end > b.length) throw new Error(`section ${id} at 0x${(p - 1).toString(16)} runs past the end`);
    if (id === 0) {
      const [n, r] = leb(b, q, end);
      if (r + n > end) throw new Error('custom section name runs past its section');
      const name = utf8(b, r, r + n);
      if (!out.customs.has(name)) out.customs.set(name, b.subarray(r + n, end));
    } else if (id === 10) {
      out.codeStart = q;
      out.codeEnd = end;
    }
    p = end;
  }
  return out;
}
