// A light instruction decoder and the few data-flow facts allocator discovery
// (discover.ts) asks about a function body: which constant addresses it reads
// or writes, whether it reads a chunk header just below its pointer
// parameter, which call results reach its return value, which of its
// parameters it passes to a call, and which call results it passes on to
// another call. Facts are approximate by design (straight-line patterns, no
// stack simulation across blocks); a body with an instruction this decoder
// does not know (GC, exotic prefixes) yields no facts at all, never wrong ones.
import { CALL, END, GLOBAL_GET, I32_ADD, I32_CONST, I32_SUB, I64_CONST, LOCAL_GET, LOCAL_SET, LOCAL_TEE, RETURN, RETURN_CALL } from './op';
import { IMM, OPS } from './opcodes';
import type { ParsedModule } from './reader';

/** Decoded instructions of one body, flat: op, sub (prefixed ops), first immediate, per instruction. */
export interface Decoded {
  op: Uint8Array;
  sub: Uint16Array;
  /** First immediate (index, constant, memarg offset). */
  imm: Float64Array;
  n: number;
}

/** Value of the last uleb/sleb/memarg read (module state: no pair allocated per immediate). */
let val = 0;

function uleb(b: Uint8Array, p: number): number {
  let c = b[p++];
  if (c < 0x80) {
    val = c;
    return p;
  }
  let x = c & 0x7f;
  let mul = 128;
  for (;;) {
    c = b[p++];
    x += (c & 0x7f) * mul;
    if (!(c & 0x80)) {
      val = x;
      return p;
    }
    mul *= 128;
    if (mul > 2 ** 63) throw new Error('leb');
  }
}

function sleb(b: Uint8Array, p: number): number {
  let x = 0;
  let mul = 1;
  for (;;) {
    const c = b[p++];
    x += (c & 0x7f) * mul;
    mul *= 128;
    if (!(c & 0x80)) {
      if (c & 0x40) x -= mul;
      val = x;
      return p;
    }
    if (mul > 2 ** 63) throw new Error('leb');
  }
}

function blockType(b: Uint8Array, p: number): number {
  const t = b[p];
  if (t === 0x40 || (t >= 0x6f && t <= 0x7f)) return p + 1;
  if (t === 0x63 || t === 0x64) return sleb(b, p + 1);
  return sleb(b, p);
}

/** Memory instructions' memarg: `val` = its offset; returns the next position. */
function memarg(b: Uint8Array, p: number): number {
  p = uleb(b, p);
  if (val & 0x40) p = uleb(b, p);
  return uleb(b, p);
}

/**
 * Scratch arrays shared by every decode, grown as needed: allocating typed
 * arrays per body costs ≈10 µs each (three per body = 60 ms on a 1,800-function
 * module), decoding a body again costs less.
 */
let scratch: Decoded = { op: new Uint8Array(4096), sub: new Uint16Array(4096), imm: new Float64Array(4096), n: 0 };

/**
 * The instructions of a defined function, or null (import, or an
 * instruction not decoded here). The result is a view of shared scratch
 * arrays: valid until the next call.
 */
export function decode(m: ParsedModule, func: number): Decoded | null {
  try {
    return decodeBody(m, func);
  } catch {
    return null;
  }
}

/** The classes this decoder does not tell apart, folded into those it does; BAD: not decoded here (no facts for that body). */
const FOLDED: [number, number[]][] = [
  [IMM.U32, [IMM.CALL, IMM.RET_CALL, IMM.CALL_REF, IMM.RET_CALL_REF, IMM.REF_FUNC, IMM.MEM_GROW, IMM.MEM_SIZE, IMM.DELEGATE]],
  [IMM.U32X2, [IMM.CALL_IND, IMM.RET_CALL_IND]],
  [IMM.NONE, [IMM.END]],
  [IMM.BAD, [IMM.TRY_TABLE, IMM.P_FB]],
];
/** Immediate class per opcode: the rewriter's scanner's (opcodes.ts), folded. */
const CLASS = OPS.map((c) => FOLDED.find(([, from]) => from.includes(c))?.[0] ?? c);

function decodeBody(m: ParsedModule, func: number): Decoded | null {
  const i = func - m.numImportedFuncs;
  if (i < 0 || i >= m.bodies.length) return null;
  const body = m.bodies[i];
  const b = m.bytes;
  // At most one instruction per byte.
  const len = body.end - body.codeStart;
  if (scratch.op.length < len) {
    const cap = Math.max(len, scratch.op.length * 2);
    scratch = { op: new Uint8Array(cap), sub: new Uint16Array(cap), imm: new Float64Array(cap), n: 0 };
  }
  const { op, sub, imm } = scratch;
  let n = 0;
  let p = body.codeStart;
  const end = body.end;
  while (p < end) {
    const o = b[p++];
    let s = 0;
    let a = 0;
    const cls = CLASS[o];
    switch (cls) {
      case IMM.NONE:
        break;
      case IMM.BLOCK:
        p = blockType(b, p);
        break;
      case IMM.U32:
      case IMM.U32X2: // the second (call_indirect's table, memory.copy's source…) is no fact
        p = uleb(b, p);
        a = val;
        if (cls === IMM.U32X2) p = uleb(b, p);
        break;
      case IMM.MEMARG:
        p = memarg(b, p);
        a = val;
        break;
      case IMM.S32:
      case IMM.S64:
        p = sleb(b, p);
        a = val;
        break;
      case IMM.F32:
      case IMM.F64:
        p += cls === IMM.F32 ? 4 : 8;
        break;
      case IMM.BR_TABLE: {
        p = uleb(b, p);
        const k = val;
        for (let j = 0; j <= k; j++) p = uleb(b, p);
        break;
      }
      case IMM.SELECT_T:
        p = uleb(b, p);
        p += val;
        break; // value types: single bytes in MVP + reference types
      case IMM.HEAPTYPE:
        p = sleb(b, p);
        break;
      case IMM.P_FC:
        p = uleb(b, p);
        s = val;
        if (s === 8 || s === 10 || s === 12 || s === 14) {
          p = uleb(b, p);
          a = val;
          p = uleb(b, p);
        } else if (s === 9 || s === 11 || s === 13 || (s >= 15 && s <= 17)) {
          p = uleb(b, p);
          a = val;
        } else if (s > 7) return null;
        break;
      case IMM.P_FD:
        p = uleb(b, p);
        s = val;
        if (s <= 11 || s === 92 || s === 93) {
          p = memarg(b, p);
          a = val;
        } else if (s === 12 || s === 13) p += 16;
        else if (s >= 21 && s <= 34) p += 1;
        else if (s >= 84 && s <= 91) {
          p = memarg(b, p);
          a = val;
          p += 1;
        } else if (s > 0x113) return null;
        break;
      case IMM.P_FE:
        p = uleb(b, p);
        s = val;
        if (s === 3) p += 1;
        else {
          p = memarg(b, p);
          a = val;
        }
        break;
      default:
        return null; // try_table, GC and anything else: no facts
    }
    op[n] = o;
    sub[n] = s;
    imm[n] = a;
    n++;
  }
  scratch.n = n;
  return scratch;
}

const isLoad = (o: number) => o >= 0x28 && o <= 0x35;
const isStore = (o: number) => o >= 0x36 && o <= 0x3e;

/**
 * Constant addresses (`i32.const C` as the address, plus the memarg offset)
 * the body loads from or stores to: an allocator's static state (dlmalloc's
 * `gm`, emmalloc's free-list heads) shows up in both its malloc and its free.
 */
export function constAddresses(m: ParsedModule, func: number): Set<number> {
  const out = new Set<number>();
  const d = decode(m, func);
  if (!d) return out;
  for (let i = 1; i < d.n; i++) {
    const o = d.op[i];
    if (!isLoad(o)) continue;
    if (d.op[i - 1] === I32_CONST) out.add(d.imm[i - 1] + d.imm[i]);
  }
  // stores: address const, then a value of one or two simple instructions
  for (let i = 2; i < d.n; i++) {
    if (!isStore(d.op[i])) continue;
    for (const back of [2, 3]) {
      if (i - back < 0 || d.op[i - back] !== I32_CONST) continue;
      let simple = true;
      for (let j = i - back + 1; j < i; j++) {
        const x = d.op[j];
        if (x !== LOCAL_GET && x !== I32_CONST && x !== I64_CONST && x !== GLOBAL_GET) simple = false;
      }
      if (simple) {
        out.add(d.imm[i - back] + d.imm[i]);
        break;
      }
    }
  }
  return out;
}

/** Parameter `param` and the locals it is copied to (`local.get p; local.set q` or `local.tee q`), in body order. */
function paramAliases(d: Decoded, param: number): Set<number> {
  const aliases = new Set<number>([param]);
  for (let i = 0; i + 1 < d.n; i++) {
    if (d.op[i] === LOCAL_GET && aliases.has(d.imm[i]) && (d.op[i + 1] === LOCAL_SET || d.op[i + 1] === LOCAL_TEE))
      aliases.add(d.imm[i + 1]);
  }
  return aliases;
}

/**
 * Whether the body reads memory just below parameter `param` (a chunk
 * header: dlmalloc's `head` at p - 4, emmalloc's size at p - 4, mimalloc and
 * wee_alloc cells at p - 8 ...): `local.get param; i32.const k; i32.sub` or
 * `...; i32.const -k; i32.add`, then a load, with k in 1..16, or a load with
 * a negative offset folded into the address computation.
 */
export function readsBelow(m: ParsedModule, func: number, param: number): boolean {
  const d = decode(m, func);
  if (!d) return false;
  const aliases = paramAliases(d, param);
  for (let i = 0; i + 3 < d.n; i++) {
    if (!((d.op[i] === LOCAL_GET || d.op[i] === LOCAL_TEE) && aliases.has(d.imm[i]) && d.op[i + 1] === I32_CONST)) continue;
    const k = d.imm[i + 1];
    const below = (d.op[i + 2] === I32_SUB && k >= 1 && k <= 16) || (d.op[i + 2] === I32_ADD && k <= -1 && k >= -16);
    if (!below) continue;
    let j = i + 3;
    while (j < d.n && d.op[j] === LOCAL_TEE) j++;
    if (isLoad(d.op[j])) return true;
  }
  return false;
}

/**
 * Direct callees whose result is the function's result: `call X` as the last
 * instruction, or followed by `return`, or saved to a local (set/tee) that is
 * later read right before a `return` or the final `end`.
 */
export function returnedCalls(m: ParsedModule, func: number): Set<number> {
  const out = new Set<number>();
  const d = decode(m, func);
  if (!d) return out;
  const fromCall = new Map<number, number[]>(); // local -> callees stored into it
  for (let i = 0; i < d.n; i++) {
    const o = d.op[i];
    if (o === RETURN_CALL) out.add(d.imm[i]);
    if (o !== CALL) continue;
    const next = i + 1 < d.n ? d.op[i + 1] : -1;
    if (next === RETURN || (next === END && i + 2 === d.n)) out.add(d.imm[i]);
    if (next === LOCAL_SET || next === LOCAL_TEE) {
      const l = d.imm[i + 1];
      const list = fromCall.get(l) ?? [];
      list.push(d.imm[i]);
      fromCall.set(l, list);
    }
  }
  for (let i = 0; i + 1 < d.n; i++) {
    if (d.op[i] !== LOCAL_GET && d.op[i] !== LOCAL_TEE) continue;
    const next = d.op[i + 1];
    const last = next === RETURN || (next === END && i + 2 === d.n) || (next === END && i + 3 === d.n && d.op[i + 2] === END);
    if (!last) continue;
    for (const c of fromCall.get(d.imm[i]) ?? []) out.add(c);
  }
  return out;
}

/**
 * Calls that receive parameter `param` as their first argument — `local.get
 * param` (or a local copied from it) right before the argument list — as
 * [callee, argument count known to be at least 1]. Only the simple shape:
 * the pointer is the first of the pushed arguments and the others are
 * local.get or i32.const.
 */
export function paramPassedTo(m: ParsedModule, func: number, param: number, arity: (callee: number) => number): Set<number> {
  const out = new Set<number>();
  const d = decode(m, func);
  if (!d) return out;
  const aliases = paramAliases(d, param);
  for (let i = 0; i < d.n; i++) {
    if (d.op[i] !== CALL && d.op[i] !== RETURN_CALL) continue;
    const k = arity(d.imm[i]);
    if (k < 1 || i - k < 0) continue;
    const first = i - k;
    if (!((d.op[first] === LOCAL_GET || d.op[first] === LOCAL_TEE) && aliases.has(d.imm[first]))) continue;
    let simple = true;
    for (let j = first + 1; j < i; j++) if (d.op[j] !== LOCAL_GET && d.op[j] !== I32_CONST) simple = false;
    if (simple) out.add(d.imm[i]);
  }
  return out;
}

/**
 * Pointer flow inside one body: pairs [producer, consumer] where the result
 * of `call producer` is saved to a local (set/tee) and that local is later
 * passed as the first argument of `call consumer` (a one-argument call).
 */
export function resultFlows(m: ParsedModule, func: number, arity: (callee: number) => number): [number, number][] {
  const out: [number, number][] = [];
  const d = decode(m, func);
  if (!d) return out;
  const fromCall = new Map<number, Set<number>>();
  for (let i = 0; i + 1 < d.n; i++) {
    if (d.op[i] !== CALL || (d.op[i + 1] !== LOCAL_SET && d.op[i + 1] !== LOCAL_TEE)) continue;
    const l = d.imm[i + 1];
    let set = fromCall.get(l);
    if (!set) fromCall.set(l, (set = new Set()));
    set.add(d.imm[i]);
  }
  if (fromCall.size === 0) return out;
  for (let i = 1; i < d.n; i++) {
    if (d.op[i] !== CALL && d.op[i] !== RETURN_CALL) continue;
    if (arity(d.imm[i]) !== 1) continue;
    const prev = i - 1;
    if (d.op[prev] !== LOCAL_GET && d.op[prev] !== LOCAL_TEE) continue;
    for (const producer of fromCall.get(d.imm[prev]) ?? []) out.push([producer, d.imm[i]]);
  }
  return out;
}

/** The function calls memory.copy / memory.fill (bulk memory) itself. */
export function usesBulk(m: ParsedModule, func: number, which: 'copy' | 'fill'): boolean {
  const d = decode(m, func);
  if (!d) return false;
  const want = which === 'copy' ? 10 : 11;
  for (let i = 0; i < d.n; i++) if (d.op[i] === 0xfc && d.sub[i] === want) return true;
  return false;
}

/** The body multiplies its first two parameters (calloc's n × size, maybe as i64). */
export function multipliesParams(m: ParsedModule, func: number): boolean {
  const d = decode(m, func);
  if (!d) return false;
  for (let i = 0; i + 2 < d.n; i++) {
    if (d.op[i] === LOCAL_GET && d.op[i + 1] === LOCAL_GET && d.op[i + 2] === 0x6c) {
      const a = d.imm[i],
        b = d.imm[i + 1];
      if ((a === 0 && b === 1) || (a === 1 && b === 0)) return true;
    }
    // i64: local.get 0; i64.extend_i32_u; local.get 1; i64.extend_i32_u; i64.mul
    if (
      i + 4 < d.n &&
      d.op[i] === LOCAL_GET &&
      d.op[i + 1] === 0xad &&
      d.op[i + 2] === LOCAL_GET &&
      d.op[i + 3] === 0xad &&
      d.op[i + 4] === 0x7e
    )
      return true;
  }
  return false;
}

/** Instruction count (0 when not decoded). */
export function size(m: ParsedModule, func: number): number {
  return decode(m, func)?.n ?? 0;
}
