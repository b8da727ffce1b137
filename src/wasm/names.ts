import { Cursor, type Span } from './cursor';
import { fail } from './errors';
import type { Editor } from './writer';

/** A subsection of the name section whose entries are keyed by function index. */
/** `id`: 1 function names, 2 local names, 3 label names. */
export interface FuncIndexedSubsection extends Span {
  countPos: number;
  countLen: number;
  count: number;
  /** Offsets, widths and values of every function-index LEB (entry starts). */
  idxPos: number[];
  idxLen: number[];
  idxVal: number[];
}

export interface NameSection {
  moduleName: string | null;
  funcNames: Map<number, string>;
  funcIndexed: FuncIndexedSubsection[];
}

/**
 * Parses the "name" custom section payload [start, end). Subsections other
 * than 1–3 are not function-indexed and are kept byte-for-byte.
 */
export function parseNameSection(bytes: Uint8Array, start: number, end: number): NameSection {
  const ns: NameSection = { moduleName: null, funcNames: new Map(), funcIndexed: [] };
  const c = new Cursor(bytes, start, end);
  let lastId = -1;
  while (c.p < end) {
    const span = c.span();
    const { id, contentStart, end: subEnd } = span;
    if (subEnd > end) fail('name subsection runs past its section');
    if (id <= lastId) fail('name subsections out of order');
    lastId = id;
    const s = new Cursor(bytes, contentStart, subEnd);
    if (id === 0) ns.moduleName = s.name();
    else if (id >= 1 && id <= 3) {
      const sub: FuncIndexedSubsection = {
        ...span,
        countPos: s.p,
        countLen: 0,
        count: 0,
        idxPos: [],
        idxLen: [],
        idxVal: [],
      };
      sub.count = s.u32();
      sub.countLen = s.last;
      for (let n = 0; n < sub.count; n++) {
        sub.idxPos.push(s.p);
        const idx = s.u32();
        sub.idxLen.push(s.last);
        sub.idxVal.push(idx);
        if (id === 1) ns.funcNames.set(idx, s.name());
        else
          for (let k = s.u32(); k > 0; k--) {
            s.u32();
            s.skip(s.u32());
          }
      }
      if (s.p !== subEnd) fail('name subsection has trailing bytes');
      ns.funcIndexed.push(sub);
    }
    c.p = subEnd;
  }
  return ns;
}

/**
 * Names the added wrappers in subsection 1 (`added`: their entries, encoded,
 * in index order, all past the module's own functions, whose indices do not
 * change), keeping entries sorted by index as the format requires.
 */
export function appendNames(ed: Editor, ns: NameSection, added: { count: number; entries: Uint8Array }): void {
  if (added.count === 0) return;
  for (const sub of ns.funcIndexed) {
    if (sub.id !== 1) continue;
    const region = ed.region(sub.sizePos, sub.sizeLen, sub.contentStart, sub.end, 2);
    ed.replace(sub.end, 0, added.entries, region);
    ed.patchU32(sub.countPos, sub.countLen, sub.count + added.count);
  }
}
