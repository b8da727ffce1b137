import { type Cursor, leb, readU32 } from './cursor';
import { fail } from './errors';
import {
  type RefList,
  R_CALL,
  R_RETURN_CALL,
  R_REF_FUNC,
  R_MEM_GROW,
  R_MEM_SIZE,
  R_CALL_INDIRECT,
  R_RETURN_CALL_INDIRECT,
  R_CALL_REF,
  R_RETURN_CALL_REF,
} from './refs';

/*
 * Immediate classes. The scanner only needs to know how many bytes each
 * instruction's immediates take, plus where function indices and
 * memory.grow are. Anything not in these tables is rejected (never guessed):
 * a skipped byte in the wrong place would make us patch the wrong bytes.
 * flow.ts's decoder reads the same table (`IMM`, `OPS`).
 */
export const IMM = {
  BAD: 0,
  NONE: 1,
  BLOCK: 2,
  U32: 3,
  U32X2: 4,
  MEMARG: 5,
  BR_TABLE: 6,
  S32: 7,
  S64: 8,
  F32: 9,
  F64: 10,
  SELECT_T: 11,
  HEAPTYPE: 12,
  TRY_TABLE: 13,
  CALL: 14,
  RET_CALL: 15,
  REF_FUNC: 16,
  MEM_GROW: 17,
  END: 18,
  DELEGATE: 19,
  P_FB: 20,
  P_FC: 21,
  P_FD: 22,
  P_FE: 23,
  BR_ON_CAST: 24,
  LANE: 25,
  MEMARG_LANE: 26,
  V128: 27,
  FENCE: 28,
  MEM_SIZE: 29,
  CALL_IND: 30,
  RET_CALL_IND: 31,
  CALL_REF: 32,
  RET_CALL_REF: 33,
} as const;
const {
  BAD,
  NONE,
  BLOCK,
  U32,
  U32X2,
  MEMARG,
  BR_TABLE,
  S32,
  S64,
  F32,
  F64,
  SELECT_T,
  HEAPTYPE,
  TRY_TABLE,
  CALL,
  RET_CALL,
  REF_FUNC,
  MEM_GROW,
  END,
  DELEGATE,
  P_FB,
  P_FC,
  P_FD,
  P_FE,
  BR_ON_CAST,
  LANE,
  MEMARG_LANE,
  V128,
  FENCE,
  MEM_SIZE,
  CALL_IND,
  RET_CALL_IND,
  CALL_REF,
  RET_CALL_REF,
} = IMM;

/**
 * A class per opcode from `classes`: class → its opcodes, single ones and
 * ranges, e.g. '0x07-0x09 0x20'. An opcode no class lists is BAD (0).
 */
function table(size: number, classes: Record<number, string>): Uint8Array {
  const t = new Uint8Array(size);
  for (const [cls, list] of Object.entries(classes))
    for (const item of list.split(' ')) {
      const [from, to = from] = item.split('-').map(Number);
      for (let i = from; i <= to; i++) t[i] = Number(cls);
    }
  return t;
}

/** The class of each single-byte opcode. */
export const OPS = table(256, {
  [NONE]: '0x00-0x01 0x05 0x0a 0x0f 0x19-0x1b 0x45-0xc4 0xd1 0xd3-0xd4',
  [BLOCK]: '0x02-0x04 0x06',
  [U32]: '0x07-0x09 0x0c-0x0d 0x20-0x26 0xd5-0xd6',
  [END]: '0x0b',
  [BR_TABLE]: '0x0e',
  [CALL]: '0x10',
  [CALL_IND]: '0x11',
  [RET_CALL]: '0x12',
  [RET_CALL_IND]: '0x13',
  [CALL_REF]: '0x14',
  [RET_CALL_REF]: '0x15',
  [DELEGATE]: '0x18',
  [SELECT_T]: '0x1c',
  [TRY_TABLE]: '0x1f',
  [MEMARG]: '0x28-0x3e',
  [MEM_SIZE]: '0x3f',
  [MEM_GROW]: '0x40',
  [S32]: '0x41',
  [S64]: '0x42',
  [F32]: '0x43',
  [F64]: '0x44',
  [HEAPTYPE]: '0xd0',
  [REF_FUNC]: '0xd2',
  [P_FB]: '0xfb',
  [P_FC]: '0xfc',
  [P_FD]: '0xfd',
  [P_FE]: '0xfe',
});

/** The class of each prefixed opcode, by prefix: the sub-opcode's table. */
const PREFIXED: Record<number, Uint8Array> = {
  // GC (0xFB): struct/array ops carry type/field/data/elem indices.
  251: table(31, { [U32]: '0-1 6-7 11-14 16', [U32X2]: '2-5 8-10 17-19', [NONE]: '15 26-30', [HEAPTYPE]: '20-23', [BR_ON_CAST]: '24-25' }),
  // 0xFC: saturating truncation (0-7), bulk memory and table ops (8-17).
  252: table(18, { [NONE]: '0-7', [U32X2]: '8 10 12 14', [U32]: '9 11 13 15-17' }),
  // SIMD (0xFD) incl. relaxed SIMD 0x100-0x113. Gaps in the numbering are BAD.
  253: (() => {
    const t = table(0x114, {
      [MEMARG]: '0-11 92-93',
      [V128]: '12-13',
      [NONE]: '14-20 35-83 94-255 256-0x113',
      [LANE]: '21-34',
      [MEMARG_LANE]: '84-91',
    });
    for (const gap of [154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212, 226, 238]) t[gap] = BAD;
    return t;
  })(),
  // Threads (0xFE): atomic.fence has one reserved 0x00 byte, everything else a memarg.
  254: table(0x4f, { [MEMARG]: '0-2 0x10-0x4e', [FENCE]: '3' }),
};

/** The ref kind each call-like class records. */
const REF_KIND: Record<number, number> = {
  [CALL]: R_CALL,
  [RET_CALL]: R_RETURN_CALL,
  [CALL_IND]: R_CALL_INDIRECT,
  [RET_CALL_IND]: R_RETURN_CALL_INDIRECT,
  [CALL_REF]: R_CALL_REF,
  [RET_CALL_REF]: R_RETURN_CALL_REF,
  [REF_FUNC]: R_REF_FUNC,
  [MEM_GROW]: R_MEM_GROW,
  [MEM_SIZE]: R_MEM_SIZE,
};

/** Abstract heap types (negative s33 single bytes) accepted in ref types. */
const ABSTRACT_HEAP = table(128, { 1: '0x69-0x74' });

export function readHeapType(c: Cursor): void {
  const first = c.b[c.p];
  const v = c.s33();
  if (v < 0 && (c.last !== 1 || !ABSTRACT_HEAP[first])) fail(`unknown heap type 0x${first.toString(16)} at 0x${(c.p - 1).toString(16)}`);
}

/** Reads one value type (numeric, v128, or any reference type). Returns its first byte. */
export function readValType(c: Cursor): number {
  const t = c.u8();
  if (t >= 0x7b && t <= 0x7f) return t;
  if (t === 0x63 || t === 0x64) {
    readHeapType(c);
    return t;
  }
  if (t < 128 && ABSTRACT_HEAP[t]) return t;
  return fail(`unknown value type 0x${t.toString(16)} at 0x${(c.p - 1).toString(16)}`);
}

function readBlockType(c: Cursor): void {
  const t = c.b[c.p];
  if (t === 0x63 || t === 0x64) {
    c.p++;
    readHeapType(c);
    return;
  }
  if (t === 0x40 || (t >= 0x7b && t <= 0x7f) || (t < 128 && ABSTRACT_HEAP[t])) {
    c.p++;
    return;
  }
  const v = c.s33();
  if (v < 0) fail(`unknown block type at 0x${(c.p - 1).toString(16)}`);
}

function readMemarg(c: Cursor): void {
  const align = c.u32();
  if (align & 0x40) c.u32(); // multi-memory: memory index follows
  if (align >= 0x80) fail(`bad memarg alignment at 0x${c.p.toString(16)}`);
  c.skipLeb(10); // offset: u64 for memory64
}

/** Skips a LEB at p (at most `max` bytes); returns the position after it. */
function skipLeb(b: Uint8Array, p: number, max: number): number {
  const start = p;
  while (b[p++] & 0x80) if (p - start >= max) fail(`bad LEB at 0x${start.toString(16)}`);
  return p;
}

/**
 * Scans one expression (function body or constant expression) from c.p up to
 * and including its final `end`, recording calls, ref.func, memory.grow and
 * memory.size into `refs` (`func` = defining function index, or -1 for const
 * exprs). c.p is left after the final `end`. This is the hot loop of the
 * rewriter: the position lives in a local and common immediates are skipped
 * inline; rare immediates go through the Cursor.
 */
export function scanExpr(c: Cursor, refs: RefList, func: number): void {
  const b = c.b;
  const end = c.end;
  let p = c.p;
  let depth = 1;
  for (;;) {
    if (p >= end) fail(`expression runs past its end at 0x${p.toString(16)}`);
    const at = p;
    const op = b[p++];
    switch (OPS[op]) {
      case NONE:
        continue;
      case U32:
      case S32:
        // most immediates are one byte: skipped here, without a call
        if (b[p] < 0x80) p++;
        else p = skipLeb(b, p, 5);
        continue;
      case MEMARG: {
        let align = b[p++];
        if (align & 0x80) {
          p = readU32(b, p - 1, end);
          align = leb.value;
        }
        if (align & 0x40) p = skipLeb(b, p, 5); // multi-memory: memory index follows
        if (align >= 0x80) fail(`bad memarg alignment at 0x${at.toString(16)}`);
        if (b[p] < 0x80) p++;
        else p = skipLeb(b, p, 10); // offset: u64 for memory64
        continue;
      }
      case END:
        if (--depth === 0) {
          c.p = p;
          return;
        }
        continue;
      case BLOCK: {
        // empty or one value type (nearly always): inline; else through the cursor
        const t = b[p];
        if (t === 0x40 || (t >= 0x7b && t <= 0x7f)) p++;
        else {
          c.p = p;
          readBlockType(c);
          p = c.p;
        }
        depth++;
        continue;
      }
      case U32X2:
        p = skipLeb(b, skipLeb(b, p, 5), 5);
        continue;
      case CALL:
      case RET_CALL:
      case CALL_REF:
      case RET_CALL_REF:
      case REF_FUNC:
      case MEM_GROW:
      case MEM_SIZE:
        p = readU32(b, p, end);
        refs.push(REF_KIND[OPS[op]], at, at + 1, p - at - 1, leb.value, func);
        continue;
      case CALL_IND:
      case RET_CALL_IND:
        // the immediates span the type index and the table index
        p = readU32(b, p, end);
        refs.push(REF_KIND[OPS[op]], at, at + 1, skipLeb(b, p, 5) - at - 1, leb.value, func);
        p = skipLeb(b, p, 5);
        continue;
      case S64:
        p = skipLeb(b, p, 10);
        continue;
      case F32:
        p += 4;
        continue;
      case F64:
        p += 8;
        continue;
    }
    // rarer instructions: through the cursor
    c.p = p;
    switch (OPS[op]) {
      case BR_TABLE: {
        const n = c.u32();
        for (let i = 0; i <= n; i++) c.u32();
        break;
      }
      case SELECT_T: {
        const n = c.u32();
        for (let i = 0; i < n; i++) readValType(c);
        break;
      }
      case HEAPTYPE:
        readHeapType(c);
        break;
      case TRY_TABLE: {
        readBlockType(c);
        const n = c.u32();
        for (let i = 0; i < n; i++) {
          const kind = c.u8();
          if (kind === 0 || kind === 1)
            c.u32(); // tag
          else if (kind !== 2 && kind !== 3) fail(`unknown catch clause ${kind} at 0x${at.toString(16)}`);
          c.u32(); // label
        }
        depth++;
        break;
      }
      case DELEGATE:
        c.u32();
        if (--depth === 0) fail(`delegate outside try at 0x${at.toString(16)}`);
        break;
      case P_FB:
      case P_FC:
      case P_FD:
      case P_FE: {
        // each prefix's table holds only the classes its sub-opcodes take
        const sub = c.u32();
        const subs = PREFIXED[op];
        switch (sub < subs.length ? subs[sub] : BAD) {
          case NONE:
            break;
          case U32:
            c.u32();
            break;
          case U32X2:
            c.u32();
            c.u32();
            break;
          case HEAPTYPE:
            readHeapType(c);
            break;
          case BR_ON_CAST:
            if (c.u8() > 3) fail(`bad br_on_cast flags at 0x${at.toString(16)}`);
            c.u32();
            readHeapType(c);
            readHeapType(c);
            break;
          case MEMARG:
            readMemarg(c);
            break;
          case V128:
            c.skip(16);
            break;
          case LANE:
            c.skip(1);
            break;
          case MEMARG_LANE:
            readMemarg(c);
            c.skip(1);
            break;
          case FENCE:
            if (c.u8() !== 0) fail(`bad atomic.fence at 0x${at.toString(16)}`);
            break;
          default:
            fail(`unknown opcode 0x${op.toString(16)} ${sub} at 0x${at.toString(16)}`);
        }
        break;
      }
      default:
        fail(`unknown opcode 0x${op.toString(16)} at 0x${at.toString(16)}`);
    }
    p = c.p;
  }
}
