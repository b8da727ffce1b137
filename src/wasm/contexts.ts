// Calling contexts: which calls can reach an allocator, and the small
// wrapper each such call goes through so that every allocation knows the
// whole wasm path that led to it.
//
// The context is one mutable i64 global, `ctx`. A wrapped call sets
// `ctx = ctx × CTX_MUL + (site + 1)` before the call and puts the old value
// back after it; an allocation wrapper mixes its own site in the same way and
// reports the result (the *context key*) with the event. So the key is a
// hash of the sequence of instrumented call sites on the wasm stack, and
// equal paths give equal keys. The key only *identifies* a path: the page
// captures the real stack from V8 the first time it sees a key, so frames
// are always exact. A call unwound by an exception or a trap skips its
// restore; the stale `ctx` then only produces new keys (one more stack
// capture each), never a wrong stack, and the next wrapped call that returns
// normally puts `ctx` right again.
//
// Cost: bench/slowdown.ts measures it side by side ('table' with contexts vs
// 'table-site' without); a V8 stack capture per allocation instead costs
// 30–70 µs each (bench/stacks.ts), thousands of times more.
import type { ParsedModule } from './reader';
import { KIND } from './reader';
import type { AllocatorInfo } from './discover';
import { R_CALL, R_RETURN_CALL, R_CALL_INDIRECT, R_RETURN_CALL_INDIRECT, R_REF_FUNC, R_FUNCIDX } from './refs';
import { encodeS32, lebWidth, pushU32 } from './leb128';
import { Bytes } from './bytes';
import { fail } from './errors';
import { markSlot, s32Width, SLOT_SITE_KEY, writeS32, writeU32 } from './site-slots';

/** Odd 64-bit multiplier (2^64 / golden ratio): consecutive sites spread over all 64 bits. */
export const CTX_MUL = 0x9e3779b97f4a7c15n;

/** Signed LEB128 of a 64-bit value (i64.const immediates). */
export function encodeS64(v: bigint): number[] {
  v = BigInt.asIntN(64, v);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const MUL = encodeS64(CTX_MUL);
/** i64.const of a site id: ids are < 2^31, whose signed LEB is the same as an i32's. */
const siteConst = (site: number): number[] => encodeS32(site + 1);

/**
 * Pushes the context key of an allocation at `site`: `ctx × CTX_MUL + (site + 1)`
 * (an i64); with no `ctx` global (contexts off, ctx < 0) it is `site + 1`.
 * `slots`: where the site's immediate is noted (site-slots.ts).
 */
export function pushMix(body: number[], ctx: number, site: number, slots?: number[]): void {
  if (ctx < 0) {
    body.push(0x42);
    markSlot(slots, body.length, SLOT_SITE_KEY);
    body.push(...siteConst(site));
    return;
  }
  body.push(0x23);
  pushU32(body, ctx);
  body.push(0x42, ...MUL, 0x7e, 0x42); // i64.mul
  markSlot(slots, body.length, SLOT_SITE_KEY);
  body.push(...siteConst(site), 0x7c); // i64.add
}

/**
 * Replaces the i64 key on the stack by a well-spread value (× CTX_MUL, a
 * bijection): keys of contexts entered straight from JS are small
 * (`site + 1`), and both the cache slot and the JS key take top bits.
 */
export function pushSpread(body: number[]): void {
  body.push(0x42, ...MUL, 0x7e);
}

/** Turns the i64 key on the stack into what `ev` receives: the top 53 bits of its spread value, an exact f64. */
export function pushKeyToF64(body: number[]): void {
  pushSpread(body);
  body.push(0x42, 11, 0x88, 0xba); // i64.const 11, i64.shr_u, f64.convert_i64_u
}

/** What the rewriter needs to know about calls and allocators. */
export interface Reach {
  /** Per function (original index): 1 if a call to it can reach an allocator. */
  funcs: Uint8Array;
  /** Type indices whose indirect calls can reach an allocator. */
  types: Set<number>;
  /** A call to an import can reach an allocator (JS may call back into an export that allocates). */
  imports: boolean;
}

/**
 * Which calls can reach an allocator, over the static call graph: a direct
 * call to a function that reaches one, an indirect call whose type matches a
 * function that can be called indirectly (in a table or `ref.func`'d) and
 * reaches one, and a call to an import when JavaScript could call back into
 * an exported function that reaches one. Calls made inside the allocator
 * (`internal`) are not followed: they are its own business.
 */
export function reachingCalls(m: ParsedModule, allocators: AllocatorInfo[], internal: Uint8Array): Reach {
  const n = m.funcTypes.length;
  const I = m.numImportedFuncs;
  const refs = m.refs;
  // Types by structure (equal signatures are one type for call_indirect): a number per distinct signature.
  const T = m.types.length;
  const ids = new Map<string, number>();
  const idOf = (key: string): number => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const canon = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const ft = m.types[t];
    canon[t] = idOf(ft ? `${ft.params.join(',')}>${ft.results.join(',')}` : `#${t}`);
  }
  const typeId = (t: number): number => (t < T ? canon[t] : idOf(`#${t}`));
  // Direct callers of each function, as one flat array (CSR): first count, then fill.
  const first = new Int32Array(n + 1);
  const direct = (k: number, f: number, v: number): boolean => f >= 0 && !internal[f] && (k === R_CALL || k === R_RETURN_CALL) && v < n;
  for (let i = 0; i < refs.length; i++) if (direct(refs.kind(i), refs.func(i), refs.value(i))) first[refs.value(i) + 1]++;
  for (let f = 0; f < n; f++) first[f + 1] += first[f];
  const callers = new Int32Array(first[n]);
  const fill = first.slice(0, n);
  const indirectCallers = new Map<number, number[]>();
  const importCallers: number[] = [];
  const open = new Uint8Array(n); // callable from outside wasm or through a table
  for (let i = 0; i < refs.length; i++) {
    const k = refs.kind(i);
    const f = refs.func(i);
    const v = refs.value(i);
    if ((k === R_REF_FUNC || k === R_FUNCIDX) && v < n) open[v] = 1;
    if (f < 0 || internal[f]) continue;
    if ((k === R_CALL || k === R_RETURN_CALL) && v < n) {
      callers[fill[v]++] = f;
      if (v < I) importCallers.push(f);
    } else if (k === R_CALL_INDIRECT || k === R_RETURN_CALL_INDIRECT) {
      const key = typeId(v);
      let list = indirectCallers.get(key);
      if (!list) indirectCallers.set(key, (list = []));
      list.push(f);
    }
  }
  const exported = new Uint8Array(n);
  for (const e of m.exports) if (e.kind === KIND.FUNC && e.index < n) exported[e.index] = 1;

  const funcs = new Uint8Array(n);
  const reachingTypes = new Set<number>();
  let imports = false;
  const work: number[] = [];
  const mark = (f: number): void => {
    if (funcs[f]) return;
    funcs[f] = 1;
    work.push(f);
  };
  for (const a of allocators) mark(a.funcIndex);
  while (work.length > 0) {
    const f = work.pop()!;
    for (let c = first[f]; c < first[f + 1]; c++) mark(callers[c]);
    if (open[f] && f >= I) {
      const key = typeId(m.funcTypes[f]);
      if (!reachingTypes.has(key)) {
        reachingTypes.add(key);
        for (const c of indirectCallers.get(key) ?? []) mark(c);
      }
    }
    if (exported[f] && !imports) {
      imports = true;
      for (const c of importCallers) mark(c);
    }
  }
  const types = new Set<number>();
  for (let t = 0; t < T; t++) if (reachingTypes.has(canon[t])) types.add(t);
  // Imports themselves: a call to one reaches whatever JS reaches.
  if (imports) for (let f = 0; f < I; f++) funcs[f] = 1;
  return { funcs, types, imports };
}

/** Reused for every context wrapper's body: its size prefix must be written first. */
const scratch = new Bytes(64);

/**
 * Context wrapper bodies for one rewrite (one `ctx` global), from templates:
 * the wrappers of calls with the same parameter count (and, for indirect
 * calls, the same type and table) differ only in the site's immediate and
 * the callee index. A template per such shape and LEB widths is copied and
 * those two immediates written in: the same bytes as `writeCtxWrapper`, at
 * a fraction of the cost (sql.js has ≈10,000 of these, a dense 32 MB module
 * tens of thousands).
 */
export class CtxBodies {
  private readonly direct = new Map<number, { bytes: Uint8Array; site: number; callee: number }>();
  private readonly indirect = new Map<string, { bytes: Uint8Array; site: number; callee: number }>();

  constructor(private readonly ctx: number) {}

  /** Appends the body (with size prefix) of the wrapper of `site`: see `writeCtxWrapper`. */
  write(out: Bytes, np: number, site: number, func: number, type: number, table: number): void {
    const ws = s32Width(site + 1);
    let t: { bytes: Uint8Array; site: number; callee: number } | undefined;
    if (func >= 0) {
      const key = (np * 8 + ws) * 8 + lebWidth(func);
      t = this.direct.get(key);
      if (!t) this.direct.set(key, (t = this.template(np, site, func, type, table)));
    } else {
      const key = `${np}|${ws}|${type}|${table}`;
      t = this.indirect.get(key);
      if (!t) this.indirect.set(key, (t = this.template(np, site, func, type, table)));
    }
    const bytes = t.bytes;
    const at = out.length;
    out.room(bytes.length);
    const b = out.buf;
    b.set(bytes, at);
    out.length = at + bytes.length;
    writeS32(b, at + t.site, site + 1);
    if (func >= 0) writeU32(b, at + t.callee, func);
  }

  /** A built body and where its site and callee immediates are (found by building it with the two written back). */
  private template(
    np: number,
    site: number,
    func: number,
    type: number,
    table: number,
  ): { bytes: Uint8Array; site: number; callee: number } {
    const b = new Bytes(64);
    writeCtxWrapper(b, np, this.ctx, site, func, type, table);
    const bytes = b.view().slice();
    // the layout writeCtxWrapper follows: size prefix, 3 bytes of locals, global.get ctx, local.tee np, i64.const MUL, i64.mul, i64.const
    let prefix = 1;
    while (bytes[prefix - 1] & 0x80) prefix++;
    const sitePos = prefix + 3 + 1 + lebWidth(this.ctx) + 1 + lebWidth(np) + 1 + MUL.length + 1 + 1;
    let callee = sitePos + s32Width(site + 1) + 1 + 1 + lebWidth(this.ctx);
    for (let i = 0; i < np; i++) callee += 1 + lebWidth(i);
    callee += 1; // the call opcode
    // the immediates written back at those places leave the body as built
    const check = bytes.slice();
    writeS32(check, sitePos, site + 1);
    if (func >= 0) writeU32(check, callee, func);
    for (let i = 0; i < bytes.length; i++) if (check[i] !== bytes[i]) fail('internal error: context wrapper template');
    return { bytes, site: sitePos, callee };
  }
}

/**
 * Appends to `out` the body (with size prefix) of a context wrapper: forwards
 * its `np` parameters to `func` (or, with func < 0, to `call_indirect type
 * table`, the table index then being the last parameter), with `ctx` mixed
 * with `site` around the call. Written straight into the code buffer: there
 * are tens of thousands of these in large modules.
 */
export function writeCtxWrapper(out: Bytes, np: number, ctx: number, site: number, func: number, type: number, table: number): void {
  const save = np;
  const b = scratch;
  b.length = 0;
  b.u8(1); // one i64 local: the caller's ctx
  b.u8(1);
  b.u8(0x7e);
  b.u8(0x23);
  b.u32(ctx);
  b.u8(0x22); // local.tee
  b.u32(save);
  b.u8(0x42);
  b.raw(MUL);
  b.u8(0x7e);
  b.u8(0x42);
  b.s32(site + 1); // siteConst
  b.u8(0x7c);
  b.u8(0x24);
  b.u32(ctx);
  for (let i = 0; i < np; i++) {
    b.u8(0x20);
    b.u32(i);
  }
  if (func >= 0) {
    b.u8(0x10);
    b.u32(func);
  } else {
    b.u8(0x11);
    b.u32(type);
    b.u32(table);
  }
  b.u8(0x20);
  b.u32(save);
  b.u8(0x24);
  b.u32(ctx);
  b.u8(0x0b);
  out.u32(b.length);
  out.append(b.buf, 0, b.length);
}

/** A type all of whose value types the rewriter can write back (no typed references). */
export function simpleType(m: ParsedModule, typeIndex: number): boolean {
  const t = m.types[typeIndex];
  return !!t && [...t.params, ...t.results].every((v) => v !== 0x63 && v !== 0x64);
}
