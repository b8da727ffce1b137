import { Reader, cstrAt, forEachUnit } from './dwarf-reader';

export interface InfoSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  str?: Uint8Array;
  lineStr?: Uint8Array;
  strOffsets?: Uint8Array;
  addr?: Uint8Array;
  ranges?: Uint8Array;
  rnglists?: Uint8Array;
}

/** A concrete function (DW_TAG_subprogram with code) or an inlined call inside one. */
export interface Scope {
  /** [lo, hi) pairs, code-section relative. */
  ranges: number[];
  /** DIE offset of the subprogram that names it (itself, or its abstract origin / specification chain). */
  nameDie: number;
  inlined: boolean;
  callFile: number;
  callLine: number;
  callColumn: number;
  /** Line program (DW_AT_stmt_list) of its CU: call_file numbers are relative to it. */
  stmtList: number;
  children: Scope[];
}

export interface DebugInfo {
  /** Out-of-line functions, sorted by first range start. */
  functions: Scope[];
  /** Function lookup table: [lo, hi, index into functions], sorted by lo. */
  fnRanges: Uint32Array;
  /** Subprogram DIE -> its name, linkage name and the DIE it refers to. */
  names: Map<number, { name?: string; linkage?: string; ref?: number }>;
  /** Line program offset -> CU comp_dir. */
  compDirs: Map<number, string>;
  problems: string[];
}

/** The DW_TAG_* codes read here. */
const TAG = {
  compile_unit: 0x11,
  partial_unit: 0x3c,
  subprogram: 0x2e,
  inlined_subroutine: 0x1d,
} as const;
/** The DW_AT_* codes read here. */
const AT = {
  name: 0x03,
  stmt_list: 0x10,
  low_pc: 0x11,
  high_pc: 0x12,
  comp_dir: 0x1b,
  abstract_origin: 0x31,
  specification: 0x47,
  ranges: 0x55,
  call_column: 0x57,
  call_file: 0x58,
  call_line: 0x59,
  linkage_name: 0x6e,
  MIPS_linkage_name: 0x2007,
  str_offsets_base: 0x72,
  addr_base: 0x73,
  rnglists_base: 0x74,
} as const;

interface Abbrev {
  tag: number;
  children: boolean;
  attrs: number[];
} // attrs: name, form, implicit const (3 per attr)

function parseAbbrevs(b: Uint8Array, off: number): Map<number, Abbrev> {
  const r = new Reader(b, off);
  const m = new Map<number, Abbrev>();
  for (;;) {
    const code = r.uleb();
    if (code === 0) break;
    const tag = r.uleb();
    const children = r.u8() === 1;
    const attrs: number[] = [];
    for (;;) {
      const at = r.uleb(),
        form = r.uleb();
      if (at === 0 && form === 0) break;
      attrs.push(at, form, form === 0x21 ? r.sleb() : 0);
    }
    m.set(code, { tag, children, attrs });
  }
  return m;
}

// Attribute value kinds returned by readForm.
const V = {
  NONE: 0,
  NUM: 1,
  STR: 2,
  REF: 3,
  ADDR: 4,
  STRX: 5,
  ADDRX: 6,
  RNGLISTX: 7,
  SECOFF: 8,
} as const;

interface Unit {
  version: number;
  offSize: number;
  addrSize: number;
  start: number;
  strOffsetsBase: number;
  addrBase: number;
  rnglistsBase: number;
  base: number;
}

/** An unsigned integer of 1 to 4 bytes (the strx and addrx forms). */
function uFixed(r: Reader, bytes: number): number {
  return bytes === 3 ? r.u24() : r.uN(bytes);
}

/** Reads one attribute value: sets `val`/`str`, returns its kind. */
function readForm(r: Reader, form: number, u: Unit, s: InfoSections, implicit: number, out: { val: number; str: string }): number {
  switch (form) {
    case 0x01:
      out.val = r.uN(u.addrSize);
      return V.ADDR;
    case 0x03: // block2
    case 0x04: // block4
      r.skip(r.uN(form === 0x03 ? 2 : 4));
      return V.NONE;
    case 0x05: // data2
    case 0x06: // data4
    case 0x07: // data8
      out.val = r.uN(1 << (form - 0x04));
      return V.NUM;
    case 0x08:
      out.str = r.cstr();
      return V.STR;
    case 0x09:
    case 0x18:
      r.skip(r.uleb());
      return V.NONE;
    case 0x0a:
      r.skip(r.u8());
      return V.NONE;
    case 0x0b: // data1
    case 0x0c: // flag
      out.val = r.u8();
      return V.NUM;
    case 0x0d:
      out.val = r.sleb();
      return V.NUM;
    case 0x0e:
    case 0x1f: {
      const off = r.uN(u.offSize);
      const sec = form === 0x0e ? s.str : s.lineStr;
      if (!sec) return V.NONE;
      out.str = cstrAt(sec, off);
      return V.STR;
    }
    case 0x0f:
      out.val = r.uleb();
      return V.NUM;
    case 0x10:
      out.val = r.uN(u.version <= 2 ? u.addrSize : u.offSize);
      return V.REF + 16; // ref_addr: section offset
    case 0x11: // ref1
    case 0x12: // ref2
    case 0x13: // ref4
    case 0x14: // ref8
      out.val = u.start + r.uN(1 << (form - 0x11));
      return V.REF;
    case 0x15:
      out.val = u.start + r.uleb();
      return V.REF;
    case 0x16:
      return readForm(r, r.uleb(), u, s, implicit, out);
    case 0x17:
      out.val = r.uN(u.offSize);
      return V.SECOFF;
    case 0x19:
      out.val = 1;
      return V.NUM;
    case 0x1a: // strx
    case 0x1f02: // GNU_str_index
    case 0x1b: // addrx
    case 0x1f01: // GNU_addr_index
      out.val = r.uleb();
      return form === 0x1a || form === 0x1f02 ? V.STRX : V.ADDRX;
    case 0x1c:
      r.skip(4);
      return V.NONE;
    case 0x1d: // strp_sup
    case 0x1f20: // GNU_ref_alt
    case 0x1f21: // GNU_strp_alt
      r.skip(u.offSize);
      return V.NONE;
    case 0x1e:
      r.skip(16);
      return V.NONE;
    case 0x20: // ref_sig8
    case 0x24: // ref_sup8
      r.skip(8);
      return V.NONE;
    case 0x21:
      out.val = implicit;
      return V.NUM;
    case 0x22:
      r.uleb();
      return V.NONE;
    case 0x23:
      out.val = r.uleb();
      return V.RNGLISTX;
    case 0x25: // strx1 … strx4: a 1–4 byte index into .debug_str_offsets
    case 0x26:
    case 0x27:
    case 0x28:
    case 0x29: // addrx1 … addrx4: the same into .debug_addr
    case 0x2a:
    case 0x2b:
    case 0x2c: {
      const isStr = form <= 0x28;
      out.val = uFixed(r, form - (isStr ? 0x24 : 0x28));
      return isStr ? V.STRX : V.ADDRX;
    }
    default:
      throw new Error(`unknown DW_FORM 0x${form.toString(16)}`);
  }
}

function strx(u: Unit, s: InfoSections, i: number): string | undefined {
  if (!s.strOffsets || !s.str) return undefined;
  const r = new Reader(s.strOffsets, u.strOffsetsBase + i * u.offSize);
  return cstrAt(s.str, r.uN(u.offSize));
}

function addrx(u: Unit, s: InfoSections, i: number): number {
  if (!s.addr) throw new Error('DW_FORM_addrx without .debug_addr');
  return new Reader(s.addr, u.addrBase + i * u.addrSize).uN(u.addrSize);
}

/** Range list at `off` (.debug_ranges for v2–4, .debug_rnglists for v5) as [lo, hi) pairs. */
function readRanges(u: Unit, s: InfoSections, off: number, out: number[]): void {
  const tomb = u.addrSize === 4 ? 0xffffffff : Number.MAX_SAFE_INTEGER;
  let base = u.base;
  if (u.version < 5) {
    if (!s.ranges) throw new Error('DW_AT_ranges without .debug_ranges');
    const r = new Reader(s.ranges, off);
    for (;;) {
      const a = r.uN(u.addrSize),
        b = r.uN(u.addrSize);
      if (a === 0 && b === 0) break;
      if (a === tomb) {
        base = b;
        continue;
      }
      if (a === 0xfffffffe) continue; // wasm-ld tombstone for discarded code
      if (b > a) out.push(base + a, base + b);
    }
    return;
  }
  if (!s.rnglists) throw new Error('DW_AT_ranges without .debug_rnglists');
  const r = new Reader(s.rnglists, off);
  for (;;) {
    const kind = r.u8();
    let lo = 0,
      hi = 0;
    switch (kind) {
      case 0:
        return; // end_of_list
      case 1:
        base = addrx(u, s, r.uleb());
        continue; // base_addressx
      case 2:
        lo = addrx(u, s, r.uleb());
        hi = addrx(u, s, r.uleb());
        break; // startx_endx
      case 3:
        lo = addrx(u, s, r.uleb());
        hi = lo + r.uleb();
        break; // startx_length
      case 4:
        lo = base + r.uleb();
        hi = base + r.uleb();
        break; // offset_pair
      case 5:
        base = r.uN(u.addrSize);
        continue; // base_address
      case 6:
        lo = r.uN(u.addrSize);
        hi = r.uN(u.addrSize);
        break; // start_end
      case 7:
        lo = r.uN(u.addrSize);
        hi = lo + r.uleb();
        break; // start_length
      default:
        throw new Error(`unknown DW_RLE 0x${kind.toString(16)}`);
    }
    if (hi > lo && lo !== 0 && lo < 0xfffffffe) out.push(lo, hi);
  }
}

type StrAttr = 'name' | 'linkage' | 'compDir';
type NumAttr = 'callFile' | 'callLine' | 'callColumn' | 'stmtList';

/** String attributes, by the DieAttrs field they fill. */
const STR_ATTRS = new Map<number, StrAttr>([
  [AT.name, 'name'],
  [AT.linkage_name, 'linkage'],
  [AT.MIPS_linkage_name, 'linkage'],
  [AT.comp_dir, 'compDir'],
]);
/** Attributes kept as plain numbers, by the DieAttrs field they fill. */
const NUM_ATTRS = new Map<number, NumAttr>([
  [AT.call_file, 'callFile'],
  [AT.call_line, 'callLine'],
  [AT.call_column, 'callColumn'],
  [AT.stmt_list, 'stmtList'],
]);
/** A unit's base attributes, by the Unit field they fill. */
const UNIT_BASES = new Map<number, 'strOffsetsBase' | 'addrBase' | 'rnglistsBase'>([
  [AT.str_offsets_base, 'strOffsetsBase'],
  [AT.addr_base, 'addrBase'],
  [AT.rnglists_base, 'rnglistsBase'],
]);

/**
 * What symbolization keeps of one DIE's attributes, as read: indexed strings
 * and addresses (strx, addrx) stay indices until the unit's bases are known
 * (the unit DIE may list its bases after them). One object, reset per DIE.
 */
class DieAttrs {
  name: string | undefined;
  linkage: string | undefined;
  compDir: string | undefined;
  /** The string attributes given by index (strx forms); -1 when not. */
  readonly strx: Record<StrAttr, number> = { name: -1, linkage: -1, compDir: -1 };
  /** abstract_origin or specification: the DIE that names this one. */
  ref = -1;
  /** low_pc / high_pc; -2 - index for an addrx form. */
  low = -1;
  high = -1;
  highIsOffset = false;
  rangesOff = -1;
  rangesIsIndex = false;
  callFile = 0;
  callLine = 0;
  callColumn = 0;
  stmtList = -1;

  reset(): this {
    this.name = this.linkage = this.compDir = undefined;
    this.strx.name = this.strx.linkage = this.strx.compDir = -1;
    this.ref = this.low = this.high = this.rangesOff = this.stmtList = -1;
    this.highIsOffset = this.rangesIsIndex = false;
    this.callFile = this.callLine = this.callColumn = 0;
    return this;
  }

  /** The string attribute `k`, its index resolved in unit `u`. */
  str(k: StrAttr, u: Unit, s: InfoSections): string | undefined {
    return this.strx[k] >= 0 ? strx(u, s, this.strx[k]) : this[k];
  }

  /** One attribute `at` whose value readForm left in `val` as `kind`. */
  take(at: number, kind: number, val: { val: number; str: string }, u: Unit): void {
    const str = STR_ATTRS.get(at);
    if (str !== undefined) {
      if (kind === V.STR) this[str] = val.str;
      else if (kind === V.STRX) this.strx[str] = val.val;
      return;
    }
    const num = NUM_ATTRS.get(at);
    if (num !== undefined) {
      this[num] = val.val;
      return;
    }
    const base = UNIT_BASES.get(at);
    if (base !== undefined) {
      u[base] = val.val;
      return;
    }
    switch (at) {
      case AT.abstract_origin:
      case AT.specification:
        if (kind === V.REF || kind === V.REF + 16) this.ref = val.val;
        break;
      case AT.low_pc:
        this.low = kind === V.ADDRX ? -2 - val.val : val.val;
        break;
      case AT.high_pc:
        this.high = kind === V.ADDRX ? -2 - val.val : val.val;
        this.highIsOffset = kind === V.NUM;
        break;
      case AT.ranges:
        this.rangesOff = val.val;
        this.rangesIsIndex = kind === V.RNGLISTX;
        break;
    }
  }
}

/**
 * Walks every DIE of .debug_info once, keeping only what symbolization needs:
 * concrete functions and their inlined-call trees, and the names of
 * subprograms. Each unit is parsed in its own try: a bad unit is a problem,
 * not a failure.
 */
export function parseDebugInfo(s: InfoSections): DebugInfo {
  const di: DebugInfo = { functions: [], fnRanges: new Uint32Array(0), names: new Map(), compDirs: new Map(), problems: [] };
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  const b = s.info;
  const val = { val: 0, str: '' };
  const die = new DieAttrs();
  forEachUnit(
    b,
    'unit',
    '.debug_info',
    'DWARF version',
    (r, unitOff, offSize, version) => {
      let abbrOff: number,
        addrSize: number,
        unitType = 1;
      if (version >= 5) {
        unitType = r.u8();
        addrSize = r.u8();
        abbrOff = r.uN(offSize);
        if (unitType === 2 || unitType === 6)
          r.skip(8 + offSize); // type units: signature + type offset
        else if (unitType === 4 || unitType === 5) r.skip(8); // skeleton / split: dwo id
      } else {
        abbrOff = r.uN(offSize);
        addrSize = r.u8();
      }
      let abbrevs = abbrevCache.get(abbrOff);
      if (!abbrevs) abbrevCache.set(abbrOff, (abbrevs = parseAbbrevs(s.abbrev, abbrOff)));
      const u: Unit = { version, offSize, addrSize, start: unitOff, strOffsetsBase: 8, addrBase: 8, rnglistsBase: 12, base: 0 };
      let stmtList = -1;
      // Stack of the enclosing scope (or null) per DIE nesting level.
      const stack: (Scope | null)[] = [];
      let parent: Scope | null = null;
      let first = true;
      while (r.p < r.end) {
        const dieOff = r.p;
        const code = r.uleb();
        if (code === 0) {
          if (stack.length === 0) break;
          parent = stack.pop()!;
          continue;
        }
        const ab = abbrevs.get(code);
        if (!ab) throw new Error(`unknown abbreviation ${code} at 0x${dieOff.toString(16)}`);
        const tag = ab.tag;
        const isFn = tag === TAG.subprogram,
          isInl = tag === TAG.inlined_subroutine;
        const wanted = isFn || isInl || first;
        const d = die.reset();
        const a = ab.attrs;
        for (let i = 0; i < a.length; i += 3) {
          const kind = readForm(r, a[i + 1], u, s, a[i + 2], val);
          if (wanted) d.take(a[i], kind, val, u);
        }
        let scope: Scope | null = null;
        if (wanted) {
          // Indexed forms need the unit's *_base attributes, which the unit DIE may list after them.
          const name = d.str('name', u, s);
          const linkage = d.str('linkage', u, s);
          const compDir = d.str('compDir', u, s);
          const { ref, rangesOff, callFile, callLine, callColumn } = d;
          if (d.stmtList >= 0) stmtList = d.stmtList; // the unit's DIE: its functions' line program
          const low = d.low <= -2 ? addrx(u, s, -2 - d.low) : d.low;
          let high = d.high <= -2 ? addrx(u, s, -2 - d.high) : d.high;
          if (d.highIsOffset && low >= 0) high = low + high;
          const ranges: number[] = [];
          if (rangesOff >= 0) {
            let off = rangesOff;
            if (d.rangesIsIndex)
              off = u.rnglistsBase + new Reader(s.rnglists ?? new Uint8Array(0), u.rnglistsBase + rangesOff * offSize).uN(offSize);
            readRanges(u, s, off, ranges);
          } else if (low > 0 && low < 0xfffffffe && high > low) ranges.push(low, high);
          if (first) {
            first = false;
            if (tag === TAG.compile_unit || tag === TAG.partial_unit) {
              u.base = Math.max(low, 0);
              if (stmtList >= 0 && compDir !== undefined) di.compDirs.set(stmtList, compDir);
            }
          }
          if (isFn) {
            if (name !== undefined || linkage !== undefined || ref >= 0)
              di.names.set(dieOff, { name, linkage, ref: ref >= 0 ? ref : undefined });
            if (ranges.length > 0) {
              scope = { ranges, nameDie: dieOff, inlined: false, callFile: 0, callLine: 0, callColumn: 0, stmtList, children: [] };
              di.functions.push(scope);
            }
          } else if (isInl && ranges.length > 0 && ref >= 0) {
            scope = { ranges, nameDie: ref, inlined: true, callFile, callLine, callColumn, stmtList, children: [] };
            if (parent) parent.children.push(scope);
          }
        }
        if (ab.children) {
          stack.push(parent);
          if (scope) parent = scope;
        }
      }
    },
    (unitOff, message) => di.problems.push(`unit at 0x${unitOff.toString(16)} of .debug_info: ${message}`),
  );
  // One entry per range of every function, sorted: a function may be split (hot/cold).
  const rows: number[][] = [];
  di.functions.forEach((f, i) => {
    for (let k = 0; k < f.ranges.length; k += 2) rows.push([f.ranges[k], f.ranges[k + 1], i]);
  });
  rows.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  di.fnRanges = new Uint32Array(rows.length * 3);
  rows.forEach((row, i) => di.fnRanges.set(row, i * 3));
  return di;
}

/** The out-of-line function containing `addr` and the chain of inlined calls down to it (outermost first). */
export function scopesAt(di: DebugInfo, addr: number): Scope[] {
  const t = di.fnRanges;
  let lo = 0,
    hi = t.length / 3 - 1,
    found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid * 3] <= addr) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Ranges do not overlap between functions, but look back a little in case of nesting.
  for (let i = found; i >= 0 && i > found - 4; i--) {
    if (t[i * 3] <= addr && addr < t[i * 3 + 1]) {
      const chain: Scope[] = [di.functions[t[i * 3 + 2]]];
      for (;;) {
        const cur = chain[chain.length - 1];
        const next = cur.children.find((c) => contains(c, addr));
        if (!next) break;
        chain.push(next);
      }
      return chain;
    }
  }
  return [];
}

function contains(s: Scope, addr: number): boolean {
  for (let k = 0; k < s.ranges.length; k += 2) if (s.ranges[k] <= addr && addr < s.ranges[k + 1]) return true;
  return false;
}

/** Name of a subprogram DIE, following abstract_origin / specification (linkage name preferred). */
export function dieName(di: DebugInfo, die: number): { name?: string; linkage?: string } {
  let name: string | undefined, linkage: string | undefined;
  for (let i = 0, d: number | undefined = die; d !== undefined && i < 8; i++) {
    const e = di.names.get(d);
    if (!e) break;
    name ??= e.name;
    linkage ??= e.linkage;
    if (name && linkage) break;
    d = e.ref;
  }
  return { name, linkage };
}
