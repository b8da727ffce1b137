import { Cursor, type Span, utf8 } from './cursor';
import { fail } from './errors';
import { readHeapType, readValType, scanExpr } from './opcodes';
import { RefList, R_FUNCIDX } from './refs';
import { type NameSection, parseNameSection } from './names';

/** Section ids. */
export const SEC = {
  CUSTOM: 0,
  TYPE: 1,
  IMPORT: 2,
  FUNCTION: 3,
  TABLE: 4,
  MEMORY: 5,
  GLOBAL: 6,
  EXPORT: 7,
  START: 8,
  ELEMENT: 9,
  CODE: 10,
  DATA: 11,
  DATACOUNT: 12,
  TAG: 13,
} as const;

/** Position of each known section id in the mandated order (0 = unknown id). */
const ORDER = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

/** Import and export kinds. */
export const KIND = { FUNC: 0, TABLE: 1, MEMORY: 2, GLOBAL: 3, TAG: 4 } as const;

export interface SectionInfo extends Span {
  /** Custom section name. */
  name?: string;
}

/** Function signature; value types are their first byte (0x7f = i32, 0x63/0x64 = ref types...). */
export interface FuncType {
  params: number[];
  results: number[];
}

export interface ImportEntry {
  module: string;
  field: string;
  kind: number;
  /** Index in the space of its kind (function index for functions). */
  index: number;
  typeIndex: number;
}

export interface ExportEntry {
  name: string;
  kind: number;
  index: number;
}

export interface MemoryInfo {
  imported: boolean;
  memory64: boolean;
  shared: boolean;
}

export interface GlobalInfo {
  valType: number;
  mutable: boolean;
  imported: boolean;
}

export interface FuncBody {
  /** Offset of the body-size LEB. */
  sizePos: number;
  sizeLen: number;
  /** First byte after the size (locals declarations). */
  start: number;
  /** First instruction byte. */
  codeStart: number;
  end: number;
}

export interface ParsedModule {
  bytes: Uint8Array;
  sections: SectionInfo[];
  /** One entry per type index; null for struct/array (GC) types. */
  types: (FuncType | null)[];
  imports: ImportEntry[];
  exports: ExportEntry[];
  numImportedFuncs: number;
  /** Type index of every function (imports first). */
  funcTypes: number[];
  memories: MemoryInfo[];
  /** Number of tables, imported and defined (the next table index). */
  tables: number;
  globals: GlobalInfo[];
  startFunc: number | null;
  bodies: FuncBody[];
  /** Every function index / memory.grow occurrence outside custom sections. */
  refs: RefList;
  names: NameSection | null;
  /** Function names from the name section (may be sparse). */
  funcNames: Map<number, string>;
}

function readLimits(c: Cursor): { memory64: boolean; shared: boolean } {
  const flags = c.u8();
  if (flags > 7) fail(`unknown limits flags 0x${flags.toString(16)}`);
  c.skipLeb(10);
  if (flags & 1) c.skipLeb(10);
  return { memory64: (flags & 4) !== 0, shared: (flags & 2) !== 0 };
}

function readRefType(c: Cursor): void {
  const t = readValType(c);
  if (t >= 0x7b) fail(`expected a reference type at 0x${(c.p - 1).toString(16)}`);
}

function readTableType(c: Cursor): void {
  readRefType(c);
  readLimits(c);
}

function readGlobalType(c: Cursor): GlobalInfo {
  const valType = readValType(c);
  const mut = c.u8();
  if (mut > 1) fail(`bad global mutability at 0x${(c.p - 1).toString(16)}`);
  return { valType, mutable: mut === 1, imported: false };
}

function readCompType(c: Cursor): FuncType | null {
  const form = c.u8();
  if (form === 0x60) {
    const params: number[] = [];
    const results: number[] = [];
    for (let n = c.u32(); n > 0; n--) params.push(readValType(c));
    for (let n = c.u32(); n > 0; n--) results.push(readValType(c));
    return { params, results };
  }
  if (form === 0x5f) {
    for (let n = c.u32(); n > 0; n--) readFieldType(c);
    return null;
  }
  if (form === 0x5e) {
    readFieldType(c);
    return null;
  }
  return fail(`unknown composite type 0x${form.toString(16)} at 0x${(c.p - 1).toString(16)}`);
}

function readFieldType(c: Cursor): void {
  const t = c.b[c.p];
  if (t === 0x78 || t === 0x77)
    c.p++; // packed i8 / i16
  else readValType(c);
  if (c.u8() > 1) fail(`bad field mutability at 0x${(c.p - 1).toString(16)}`);
}

function readSubType(c: Cursor, types: (FuncType | null)[]): void {
  const t = c.b[c.p];
  if (t === 0x50 || t === 0x4f) {
    c.p++;
    for (let n = c.u32(); n > 0; n--) c.u32(); // supertypes
  }
  types.push(readCompType(c));
}

function readConstExpr(c: Cursor, refs: RefList): void {
  scanExpr(c, refs, -1);
}

/**
 * Parses a module in one pass: every section is walked completely (so an
 * unknown construct anywhere is an error), every function body is scanned
 * once, and all function-index occurrences are recorded for the rewriter.
 */
export function parseModule(bytes: Uint8Array): ParsedModule {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    fail('not a wasm module (bad magic)');
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0)
    fail('unsupported wasm version (components and non-1 versions are not instrumented)');

  const m: ParsedModule = {
    bytes,
    sections: [],
    types: [],
    imports: [],
    exports: [],
    numImportedFuncs: 0,
    funcTypes: [],
    memories: [],
    tables: 0,
    globals: [],
    startFunc: null,
    bodies: [],
    refs: new RefList(),
    names: null,
    funcNames: new Map(),
  };
  const refs = m.refs;
  const c = new Cursor(bytes, 8);
  let lastOrder = 0;
  let numDefinedFuncs = -1;
  let numImportedTables = 0;

  while (c.p < bytes.length) {
    const sec: SectionInfo = c.span();
    const { id, start, contentStart, end } = sec;
    if (end > bytes.length) fail(`section ${id} at 0x${start.toString(16)} runs past the end of the module`);
    m.sections.push(sec);
    if (id !== SEC.CUSTOM) {
      const ord = id < ORDER.length ? ORDER[id] : 0;
      if (ord === 0) fail(`unknown section id ${id} at 0x${start.toString(16)}`);
      if (ord <= lastOrder) fail(`section ${id} out of order at 0x${start.toString(16)}`);
      lastOrder = ord;
    }
    const s = new Cursor(bytes, contentStart, end);
    switch (id) {
      case SEC.CUSTOM: {
        sec.name = s.name();
        if (sec.name === 'name') {
          // A malformed name section is ignored by engines; we do the same
          // (and then leave it untouched) rather than refuse the module.
          try {
            m.names = parseNameSection(bytes, s.p, end);
          } catch {
            m.names = null;
          }
        }
        s.p = end;
        break;
      }
      case SEC.TYPE:
        for (let n = s.u32(); n > 0; n--) {
          if (s.b[s.p] === 0x4e) {
            s.p++;
            for (let k = s.u32(); k > 0; k--) readSubType(s, m.types);
          } else readSubType(s, m.types);
        }
        break;
      case SEC.IMPORT:
        for (let n = s.u32(); n > 0; n--) {
          const module = s.name();
          const field = s.name();
          const kind = s.u8();
          let index = 0;
          let typeIndex = -1;
          switch (kind) {
            case KIND.FUNC:
              typeIndex = s.u32();
              index = m.numImportedFuncs++;
              m.funcTypes.push(typeIndex);
              break;
            case KIND.TABLE:
              readTableType(s);
              index = numImportedTables++;
              m.tables++;
              break;
            case KIND.MEMORY: {
              const l = readLimits(s);
              index = m.memories.length;
              m.memories.push({ imported: true, memory64: l.memory64, shared: l.shared });
              break;
            }
            case KIND.GLOBAL: {
              const g = readGlobalType(s);
              g.imported = true;
              index = m.globals.length;
              m.globals.push(g);
              break;
            }
            case KIND.TAG:
              if (s.u8() !== 0) fail('bad tag attribute');
              typeIndex = s.u32();
              break;
            default:
              fail(`unknown import kind ${kind} at 0x${(s.p - 1).toString(16)}`);
          }
          m.imports.push({ module, field, kind, index, typeIndex });
        }
        break;
      case SEC.FUNCTION:
        numDefinedFuncs = s.u32();
        for (let n = numDefinedFuncs; n > 0; n--) m.funcTypes.push(s.u32());
        break;
      case SEC.TABLE:
        for (let n = s.u32(); n > 0; n--) {
          m.tables++;
          if (s.b[s.p] === 0x40) {
            // table with an initializer expression (function references)
            s.p++;
            if (s.u8() !== 0) fail('bad table initializer prefix');
            readTableType(s);
            readConstExpr(s, refs);
          } else readTableType(s);
        }
        break;
      case SEC.MEMORY:
        for (let n = s.u32(); n > 0; n--) {
          const l = readLimits(s);
          m.memories.push({ imported: false, memory64: l.memory64, shared: l.shared });
        }
        break;
      case SEC.TAG:
        for (let n = s.u32(); n > 0; n--) {
          if (s.u8() !== 0) fail('bad tag attribute');
          s.u32();
        }
        break;
      case SEC.GLOBAL:
        for (let n = s.u32(); n > 0; n--) {
          m.globals.push(readGlobalType(s));
          readConstExpr(s, refs);
        }
        break;
      case SEC.EXPORT:
        for (let n = s.u32(); n > 0; n--) {
          const name = s.name();
          const kind = s.u8();
          if (kind > KIND.TAG) fail(`unknown export kind ${kind}`);
          const at = s.p;
          const index = s.u32();
          if (kind === KIND.FUNC) refs.push(R_FUNCIDX, at, at, s.last, index, -1);
          m.exports.push({ name, kind, index });
        }
        break;
      case SEC.START: {
        const at = s.p;
        m.startFunc = s.u32();
        refs.push(R_FUNCIDX, at, at, s.last, m.startFunc, -1);
        break;
      }
      case SEC.ELEMENT:
        for (let n = s.u32(); n > 0; n--) readElemSegment(s, refs);
        break;
      case SEC.DATACOUNT:
        s.u32();
        break;
      case SEC.CODE: {
        const count = s.u32();
        if (count !== Math.max(numDefinedFuncs, 0)) fail('function and code section counts differ');
        const base = m.numImportedFuncs;
        for (let i = 0; i < count; i++) {
          const bsizePos = s.p;
          const bsize = s.u32();
          const bsizeLen = s.last;
          const bstart = s.p;
          const bend = bstart + bsize;
          if (bend > end) fail(`function body ${base + i} runs past the code section`);
          s.end = bend;
          for (let k = s.u32(); k > 0; k--) {
            s.u32();
            readValType(s);
          }
          const codeStart = s.p;
          scanExpr(s, refs, base + i);
          if (s.p !== bend) fail(`function body ${base + i} does not end at its declared size`);
          s.end = end;
          m.bodies.push({ sizePos: bsizePos, sizeLen: bsizeLen, start: bstart, codeStart, end: bend });
        }
        break;
      }
      case SEC.DATA:
        for (let n = s.u32(); n > 0; n--) {
          const flags = s.u32();
          if (flags === 0) readConstExpr(s, refs);
          else if (flags === 2) {
            s.u32();
            readConstExpr(s, refs);
          } else if (flags !== 1) fail(`unknown data segment flags ${flags}`);
          s.skip(s.u32());
        }
        break;
    }
    if (s.p !== end) fail(`section ${id} at 0x${start.toString(16)} has trailing or missing bytes`);
    c.p = end;
  }
  if (numDefinedFuncs > 0 && m.bodies.length !== numDefinedFuncs) fail('missing code section');
  if (m.names) m.funcNames = m.names.funcNames;
  return m;
}

function readElemSegment(s: Cursor, refs: RefList): void {
  const flags = s.u32();
  if (flags > 7) fail(`unknown element segment flags ${flags}`);
  if (flags & 2 && !(flags & 1)) s.u32(); // explicit table index (flags 2, 6)
  if (!(flags & 1)) scanExpr(s, refs, -1); // active: offset expression (0, 2, 4, 6)
  if (flags & 4) {
    // vector of expressions, with a reference type unless flags === 4
    if (flags !== 4) readRefType(s);
    for (let n = s.u32(); n > 0; n--) scanExpr(s, refs, -1);
  } else {
    if (flags !== 0 && s.u8() !== 0) fail('unknown element kind');
    for (let n = s.u32(); n > 0; n--) {
      const at = s.p;
      const f = s.u32();
      refs.push(R_FUNCIDX, at, at, s.last, f, -1);
    }
  }
}

/** Custom section payload (after its name) by name, or null. */
export function customSection(m: ParsedModule, name: string): Uint8Array | null {
  for (const s of m.sections) {
    if (s.id === SEC.CUSTOM && s.name === name) {
      const c = new Cursor(m.bytes, s.contentStart, s.end);
      c.name();
      return m.bytes.subarray(c.p, s.end);
    }
  }
  return null;
}

export function funcType(m: ParsedModule, func: number): FuncType | null {
  const t = m.funcTypes[func];
  return t === undefined ? null : (m.types[t] ?? null);
}

export { utf8, readHeapType };
