import type { Cursor } from './cursor';
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
 */
const BAD = 0,
  NONE = 1,
  BLOCK = 2,
  U32 = 3,
  U32X2 = 4,
  MEMARG = 5,
  BR_TABLE = 6,
  S32 = 7,
  S64 = 8,
  F32 = 9,
  F64 = 10,
  SELECT_T = 11,
  HEAPTYPE = 12,
  TRY_TABLE = 13,
  CALL = 14,
  RET_CALL = 15,
  REF_FUNC = 16,
  MEM_GROW = 17,
  MEM_SIZE = 29,
  END = 18,
  DELEGATE = 19,
  P_FB = 20,
  P_FC = 21,
  P_FD = 22,
  P_FE = 23,
  BR_ON_CAST = 24,
  LANE = 25,
  MEMARG_LANE = 26,
  V128 = 27,
  FENCE = 28,
  CALL_IND = 30,
  RET_CALL_IND = 31,
  CALL_REF = 32,
  RET_CALL_REF = 33;

function table(size: number, entries: [number, number, number][]): Uint8Array {
  const t = new Uint8Array(size); // 0 = BAD
  for (const [from, to, cls] of entries) for (let i = from; i <= to; i++) t[i] = cls;
  return t;
}

const OPS = table(256, [
  [0x00, 0x01, NONE],
  [0x02, 0x04, BLOCK],
  [0x05, 0x05, NONE],
  [0x06, 0x06, BLOCK],
  [0x07, 0x09, U32],
  [0x0a, 0x0a, NONE],
  [0x0b, 0x0b, END],
  [0x0c, 0x0d, U32],
  [0x0e, 0x0e, BR_TABLE],
  [0x0f, 0x0f, NONE],
  [0x10, 0x10, CALL],
  [0x11, 0x11, CALL_IND],
  [0x12, 0x12, RET_CALL],
  [0x13, 0x13, RET_CALL_IND],
  [0x14, 0x14, CALL_REF],
  [0x15, 0x15, RET_CALL_REF],
  [0x18, 0x18, DELEGATE],
  [0x19, 0x1b, NONE],
  [0x1c, 0x1c, SELECT_T],
  [0x1f, 0x1f, TRY_TABLE],
  [0x20, 0x26, U32],
  [0x28, 0x3e, MEMARG],
  [0x3f, 0x3f, MEM_SIZE],
  [0x40, 0x40, MEM_GROW],
  [0x41, 0x41, S32],
  [0x42, 0x42, S64],
  [0x43, 0x43, F32],
  [0x44, 0x44, F64],
  [0x45, 0xc4, NONE],
  [0xd0, 0xd0, HEAPTYPE],
  [0xd1, 0xd1, NONE],
  [0xd2, 0xd2, REF_FUNC],
  [0xd3, 0xd4, NONE],
  [0xd5, 0xd6, U32],
  [0xfb, 0xfb, P_FB],
  [0xfc, 0xfc, P_FC],
  [0xfd, 0xfd, P_FD],
  [0xfe, 0xfe, P_FE],
]);

// GC (0xFB): struct/array ops carry type/field/data/elem indices.
const OPS_FB = table(31, [
  [0, 1, U32],
  [2, 5, U32X2],
  [6, 7, U32],
  [8, 10, U32X2],
  [11, 14, U32],
  [15, 15, NONE],
  [16, 16, U32],
  [17, 19, U32X2],
  [20, 23, HEAPTYPE],
  [24, 25, BR_ON_CAST],
  [26, 30, NONE],
]);

// 0xFC: saturating truncation (0-7), bulk memory and table ops (8-17).
const OPS_FC = table(18, [
  [0, 7, NONE],
  [8, 8, U32X2],
  [9, 9, U32],
  [10, 10, U32X2],
  [11, 11, U32],
  [12, 12, U32X2],
  [13, 13, U32],
  [14, 14, U32X2],
  [15, 17, U32],
]);

// SIMD (0xFD) incl. relaxed SIMD 0x100-0x113. Gaps in the numbering are BAD.
const OPS_FD = (() => {
  const t = table(0x114, [
    [0, 11, MEMARG],
    [12, 13, V128],
    [14, 20, NONE],
    [21, 34, LANE],
    [35, 83, NONE],
    [84, 91, MEMARG_LANE],
    [92, 93, MEMARG],
    [94, 255, NONE],
    [256, 0x113, NONE],
  ]);
  for (const gap of [154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212, 226, 238]) t[gap] = BAD;
  return t;
})();

// Threads (0xFE): atomic.fence has one reserved 0x00 byte, everything else a memarg.
const OPS_FE = table(0x4f, [
  [0, 2, MEMARG],
  [3, 3, FENCE],
  [0x10, 0x4e, MEMARG],
]);

/** Abstract heap types (negative s33 single bytes) accepted in ref types. */
const ABSTRACT_HEAP = table(128, [[0x69, 0x74, 1]]);

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

/** Value of the last readU32; module state avoids allocating a pair per read. */
let lebValue = 0;
function readU32(b: Uint8Array, p: number): number {
  let byte = b[p++];
  if (byte < 0x80) {
    lebValue = byte;
    return p;
  }
  const start = p - 1;
  let result = byte & 0x7f;
  let shift = 7;
  for (;;) {
    byte = b[p++];
    if (shift === 28) {
      if (byte & 0xf0) fail(`u32 LEB out of range at 0x${start.toString(16)}`);
      result = (result | (byte << 28)) >>> 0;
      break;
    }
    result |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
    shift += 7;
  }
  lebValue = result >>> 0;
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
        // most immediates are one byte: skipped here, without a call
        if (b[p] < 0x80) p++;
        else p = skipLeb(b, p, 5);
        continue;
      case MEMARG: {
        let align = b[p++];
        if (align & 0x80) {
          p = readU32(b, p - 1);
          align = lebValue;
        }
        if (align & 0x40) p = skipLeb(b, p, 5); // multi-memory: memory index follows
        if (align >= 0x80) fail(`bad memarg alignment at 0x${at.toString(16)}`);
        if (b[p] < 0x80) p++;
        else p = skipLeb(b, p, 10); // offset: u64 for memory64
        continue;
      }
      case S32:
        if (b[p] < 0x80) p++;
        else p = skipLeb(b, p, 5);
        continue;
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
        p = readU32(b, p);
        refs.push(R_CALL, at, at + 1, p - at - 1, lebValue, func);
        continue;
      case RET_CALL:
        p = readU32(b, p);
        refs.push(R_RETURN_CALL, at, at + 1, p - at - 1, lebValue, func);
        continue;
      case CALL_IND:
      case RET_CALL_IND:
        p = readU32(b, p);
        refs.push(OPS[op] === CALL_IND ? R_CALL_INDIRECT : R_RETURN_CALL_INDIRECT, at, at + 1, skipLeb(b, p, 5) - at - 1, lebValue, func);
        p = skipLeb(b, p, 5);
        continue;
      case CALL_REF:
      case RET_CALL_REF:
        p = readU32(b, p);
        refs.push(OPS[op] === CALL_REF ? R_CALL_REF : R_RETURN_CALL_REF, at, at + 1, p - at - 1, lebValue, func);
        continue;
      case REF_FUNC:
        p = readU32(b, p);
        refs.push(R_REF_FUNC, at, at + 1, p - at - 1, lebValue, func);
        continue;
      case MEM_GROW:
        p = readU32(b, p);
        refs.push(R_MEM_GROW, at, at + 1, p - at - 1, lebValue, func);
        continue;
      case MEM_SIZE:
        p = readU32(b, p);
        refs.push(R_MEM_SIZE, at, at + 1, p - at - 1, lebValue, func);
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
      case P_FB: {
        const sub = c.u32();
        switch (sub < OPS_FB.length ? OPS_FB[sub] : BAD) {
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
          default:
            fail(`unknown opcode 0xfb ${sub} at 0x${at.toString(16)}`);
        }
        break;
      }
      case P_FC: {
        const sub = c.u32();
        switch (sub < OPS_FC.length ? OPS_FC[sub] : BAD) {
          case NONE:
            break;
          case U32:
            c.u32();
            break;
          case U32X2:
            c.u32();
            c.u32();
            break;
          default:
            fail(`unknown opcode 0xfc ${sub} at 0x${at.toString(16)}`);
        }
        break;
      }
      case P_FD: {
        const sub = c.u32();
        switch (sub < OPS_FD.length ? OPS_FD[sub] : BAD) {
          case NONE:
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
          default:
            fail(`unknown opcode 0xfd ${sub} at 0x${at.toString(16)}`);
        }
        break;
      }
      case P_FE: {
        const sub = c.u32();
        switch (sub < OPS_FE.length ? OPS_FE[sub] : BAD) {
          case MEMARG:
            readMemarg(c);
            break;
          case FENCE:
            if (c.u8() !== 0) fail(`bad atomic.fence at 0x${at.toString(16)}`);
            break;
          default:
            fail(`unknown opcode 0xfe ${sub} at 0x${at.toString(16)}`);
        }
        break;
      }
      default:
        fail(`unknown opcode 0x${op.toString(16)} at 0x${at.toString(16)}`);
    }
    p = c.p;
  }
}
