// The 'table' event path: call-site wrappers keep the live-block table
// themselves, in a second memory appended to the module (multi-memory), and
// call `ev` only for what needs JavaScript. The page side (the same table,
// read and written from JS, its growth, the counters) is
// src/agent/wasm-table.ts; the layout below is shared with it (a test checks).
//
// Table memory layout (byte offsets):
//   [0, 64)            header: u32 words TH (TH.END = base + 20·capacity), then f64 counters TF
//   [siteMap, +4·n)    per static site: the page's interned site id, 0 = not seen yet
//   [originMap, +4096) per hash bucket (hash >>> 20): non-zero = a live block there may
//                      have a realloc origin (kept in JS): its free goes through JS
//   [freed, +16·N)     recent frees, direct-mapped by (ptr >>> 4) mod N: (ptr, allocSite, freeSite, size)
//   [ctxCache, +16·C)  context key → interned stack id, direct-mapped by the top bits of key × CTX_MUL:
//                      (key: i64, id: u32, unused); a miss goes to `ev`, which returns the id to cache
//   [base, +20·cap)    the live-block table, open addressing with linear probing,
//                      power-of-two capacity, home slot = ((ptr >>> 3) ^ (ptr >>> shift)) & mask
//                      with shift = 3 + log2(capacity): neighbouring blocks land in neighbouring
//                      slots (malloc hands out neighbours: few cache misses, where a random hash
//                      missed the cache on nearly every event of a big live set), at most one
//                      block per slot (pointers are ≥ 8-aligned), the higher bits folded in so
//                      the address space wraps onto the table permuted, not piled up,
//                      backward-shift deletion (no tombstones); a slot is
//                      (ptr, size, site, seq, time), ptr 0 = empty — the layout of
//                      the JS tracker's LB records, so its snapshot code reads it as is.
// All-zero header (before the page attaches): limit 0, so every event calls `ev`.
import type { AllocatorRole } from './discover';
import type { FuncType } from './reader';
import { encodeS32, pushU32 } from './leb128';
import { EVENT, F64_ZERO, type Arg } from './wrappers';
import { pushKeyToF64, pushMix, pushSpread } from './contexts';
import { markSlot, shiftSlots, SLOT_SITE, SLOT_SITE_MAP } from './site-slots';
import {
  BLOCK,
  BR,
  BR_IF,
  CALL,
  DROP,
  END,
  F64_ADD,
  F64_CONST,
  F64_CONVERT_I32_U,
  F64_LOAD,
  F64_STORE,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQ,
  I32_EQZ,
  I32_GE_U,
  I32_LOAD,
  I32_LOAD8_U,
  I32_MUL,
  I32_NE,
  I32_OR,
  I32_SHL,
  I32_SHR_U,
  I32_STORE,
  I32_SUB,
  I32_WRAP_I64,
  I32_XOR,
  I64_CONST,
  I64_LOAD,
  I64_NE,
  I64_SHR_U,
  I64_STORE,
  IF,
  LOCAL_GET,
  LOCAL_SET,
  LOCAL_TEE,
  LOOP,
  SELECT,
  VOID,
} from './op';

/** Header u32 word indices. */
export const TH = {
  MASK: 0,
  SHIFT: 1,
  BASE: 2,
  COUNT: 3,
  LIMIT: 4,
  NEXT_SEQ: 5,
  TIME: 6,
  END: 7,
} as const;
/** Header f64 indices (byte offset = 8 × index). */
export const TF = {
  ALLOCS: 4,
  FREES: 5,
  ALLOC_BYTES: 6,
  FREE_BYTES: 7,
} as const;
export const TABLE_HEADER_BYTES = 64;
export const TABLE_HASH_MUL = 0x9e3779b1;
export const TABLE_SLOT_BYTES = 20;
export const ORIGIN_MAP_BYTES = 65536;
export const ORIGIN_SHIFT = 16; // 32 − log2(ORIGIN_MAP_BYTES)
export const FREED_ENTRIES = 65_536;
/** Home slot shift = HOME_SHIFT + log2(capacity). */
export const HOME_SHIFT = 3;
/** Recent-frees entry = (ptr >>> FREED_SHIFT) & (FREED_ENTRIES − 1) (chunks are ≥ 16 B apart). */
export const FREED_SHIFT = 4;
export const TABLE_INITIAL_CAPACITY = 4096;
/** Context cache: 2^CTX_CACHE_BITS entries of 16 bytes (256 KB), entry = (key × CTX_MUL) >>> (64 − CTX_CACHE_BITS). */
export const CTX_CACHE_BITS = 14;
export const CTX_ENTRY_BYTES = 16;

/** Roles whose wrappers update the table in wasm; every other role stays on the call path. */
export const TABLE_ALLOC_ROLES: ReadonlySet<AllocatorRole> = new Set(['malloc', 'wbg_malloc', 'rust_alloc', 'rust_alloc_zeroed']);
export const TABLE_FREE_ROLES: ReadonlySet<AllocatorRole> = new Set(['free', 'wbg_free', 'rust_dealloc']);

export interface TableLayout {
  siteMap: number;
  sites: number;
  originMap: number;
  freed: number;
  freedEntries: number;
  /** Context cache (key → stack id), 2^CTX_CACHE_BITS entries. */
  ctxCache: number;
  ctxEntries: number;
  /** Byte offset of the table's first slot (it stays there when the page grows the table). */
  base: number;
  /** Initial capacity (slots) the memory's initial size leaves room for. */
  capacity: number;
  /** Initial pages of the table memory. */
  pages: number;
}

export function tableLayout(sites: number): TableLayout {
  const align = (x: number) => Math.ceil(x / 64) * 64;
  const siteMap = TABLE_HEADER_BYTES;
  const originMap = align(siteMap + 4 * sites);
  const freed = originMap + ORIGIN_MAP_BYTES;
  const ctxCache = freed + 16 * FREED_ENTRIES;
  const ctxEntries = 1 << CTX_CACHE_BITS;
  const base = ctxCache + CTX_ENTRY_BYTES * ctxEntries;
  const capacity = TABLE_INITIAL_CAPACITY;
  return {
    siteMap,
    sites,
    originMap,
    freed,
    freedEntries: FREED_ENTRIES,
    ctxCache,
    ctxEntries,
    base,
    capacity,
    pages: Math.ceil((base + capacity * TABLE_SLOT_BYTES) / 65536),
  };
}

/** Little-endian bytes of an f64 constant (one scratch buffer: wrappers are built by the thousand). */
const F64_SCRATCH = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64_SCRATCH.buffer);

class Asm {
  readonly b: number[] = [];
  constructor(
    private readonly mem: number,
    readonly slots?: number[],
  ) {}
  /** `i32.const site`, noted as a site slot (site-slots.ts). */
  site(site: number): this {
    this.b.push(I32_CONST);
    markSlot(this.slots, this.b.length, SLOT_SITE);
    this.b.push(...encodeS32(site | 0));
    return this;
  }
  /** A load from the per-site map entry of `site`: its offset noted as a site slot. */
  mSite(op: number, align: number, offset: number): this {
    this.b.push(op, align | 0x40);
    pushU32(this.b, this.mem);
    markSlot(this.slots, this.b.length, SLOT_SITE_MAP);
    pushU32(this.b, offset);
    return this;
  }
  /** The body with its size prefix, the slots moved past that prefix. */
  sized(): number[] {
    const out = withSize(this.b);
    shiftSlots(this.slots, out.length - this.b.length);
    return out;
  }
  op(...xs: number[]): this {
    for (const x of xs) this.b.push(x);
    return this;
  }
  u(v: number): this {
    pushU32(this.b, v);
    return this;
  }
  get(l: number): this {
    return this.op(LOCAL_GET).u(l);
  }
  set(l: number): this {
    return this.op(LOCAL_SET).u(l);
  }
  tee(l: number): this {
    return this.op(LOCAL_TEE).u(l);
  }
  i32(v: number): this {
    this.b.push(I32_CONST, ...encodeS32(v | 0));
    return this;
  }
  f64(v: number): this {
    F64_SCRATCH[0] = v;
    this.b.push(F64_CONST);
    for (let i = 0; i < 8; i++) this.b.push(F64_BYTES[i]);
    return this;
  }
  /** A load/store on the table memory (memarg with an explicit memory index). */
  m(op: number, align: number, offset: number): this {
    this.b.push(op, align | 0x40);
    pushU32(this.b, this.mem);
    pushU32(this.b, offset);
    return this;
  }
  /** Header u32 word (address 0 + offset). */
  hdr(word: number): this {
    return this.i32(0).m(I32_LOAD, 2, word * 4);
  }
  /** header[word] += delta (u32). */
  hdrAdd(word: number, delta: number): this {
    return this.i32(0)
      .hdr(word)
      .i32(delta)
      .op(I32_ADD)
      .m(I32_STORE, 2, word * 4);
  }
  /** f64 counter += value pushed by `push`. */
  fAdd(index: number, push: (a: this) => void): this {
    this.i32(0)
      .i32(0)
      .m(F64_LOAD, 3, index * 8);
    push(this);
    return this.op(F64_ADD).m(F64_STORE, 3, index * 8);
  }
}

function localsDecl(n: number): number[] {
  return n === 0 ? [0] : [1, ...u32(n), 0x7f];
}

function u32(v: number): number[] {
  const out: number[] = [];
  pushU32(out, v);
  return out;
}

/**
 * Pushes the slow path: ev(kind, args..., site, key) exactly as the call path
 * reports it; `key` is the local holding the allocation's context key (-1:
 * none, a free), and the stack id `ev` returns is left on the stack for it.
 */
function slowCall(a: Asm, role: AllocatorRole, r: number, ev: readonly number[], site: number, key: number): void {
  const [kind, ...args] = EVENT[role];
  a.i32(kind);
  for (const arg of args as Arg[]) {
    if (arg === 'r') a.get(r);
    else if (arg === null) a.i32(0);
    else a.get(arg);
  }
  a.site(site);
  if (key >= 0) {
    a.get(key);
    pushKeyToF64(a.b);
  } else a.op(...F64_ZERO);
  a.op(...ev);
  if (key < 0) a.op(DROP);
}

/** Consecutive local indices from `first` on, by name in the order given: one line lists a wrapper's locals. */
function localsFrom<const K extends string>(first: number, names: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  names.forEach((name, n) => {
    out[name] = first + n;
  });
  return out;
}

/**
 * Table-mode wrapper of an allocating call site (malloc, __wbindgen_malloc,
 * __rust_alloc[_zeroed]): calls the allocator, then inserts (r, size, stack,
 * seq, time) into the table and bumps the counters; `stack` is the page's id
 * for the allocation's calling context, read from the context cache. Calls
 * `ev` instead on a context the cache does not hold (then caches the id `ev`
 * returns), a NULL result, a full table (the page grows it), or a pointer
 * already live (the tracker reports it).
 */
export function allocWrapperBodyTable(
  t: FuncType,
  role: AllocatorRole,
  allocIndex: number,
  ev: readonly number[],
  site: number,
  mem: number,
  L: TableLayout,
  ctx: number,
  slots?: number[],
): number[] {
  const np = t.params.length;
  const sizeParam = EVENT[role][2] as number;
  const { r, s, c, addr, b, seq, k, slot, key } = localsFrom(np, ['r', 's', 'c', 'addr', 'b', 'seq', 'k', 'slot', 'key']);
  const a = new Asm(mem, slots);
  a.b.push(2, 8, 0x7f, 1, 0x7e); // 8 i32 locals, then the i64 key
  for (let p = 0; p < np; p++) a.get(p);
  a.op(CALL).u(allocIndex).set(r);
  a.op(BLOCK, VOID); // $done
  if (role === 'wbg_malloc') a.get(0).op(I32_EQZ, BR_IF, 0);
  a.op(BLOCK, VOID); // $slow
  // context cache: entry (key >>> (64 − bits)) × 16 holds (key, stack id)
  pushMix(a.b, ctx, site, slots);
  a.tee(key);
  pushSpread(a.b);
  a.op(I64_CONST, 64 - CTX_CACHE_BITS, I64_SHR_U, I32_WRAP_I64)
    .i32(4)
    .op(I32_SHL)
    .tee(slot);
  a.m(I64_LOAD, 3, L.ctxCache).get(key).op(I64_NE);
  a.get(slot)
    .m(I32_LOAD, 2, L.ctxCache + 8)
    .set(s);
  a.get(r).op(I32_EQZ, I32_OR);
  a.hdr(TH.COUNT).tee(c).hdr(TH.LIMIT).op(I32_GE_U, I32_OR, BR_IF, 0);
  // addr = base + home × 20
  a.hdr(TH.BASE).tee(b);
  a.get(r).i32(HOME_SHIFT).op(I32_SHR_U).get(r).hdr(TH.SHIFT).op(I32_SHR_U, I32_XOR).hdr(TH.MASK).op(I32_AND);
  a.i32(TABLE_SLOT_BYTES).op(I32_MUL, I32_ADD).set(addr);
  a.op(BLOCK, VOID); // $empty
  a.op(LOOP, VOID);
  a.get(addr).m(I32_LOAD, 2, 0).tee(k).op(I32_EQZ, BR_IF, 1);
  a.get(k).get(r).op(I32_EQ, BR_IF, 2); // already live: the tracker reports it
  // next slot, wrapping at the table's end
  a.get(b).get(addr).i32(TABLE_SLOT_BYTES).op(I32_ADD).tee(addr).get(addr).hdr(TH.END).op(I32_EQ, SELECT).set(addr);
  a.op(BR, 0, END, END);
  a.get(addr).get(r).m(I32_STORE, 2, 0);
  a.get(addr).get(sizeParam).m(I32_STORE, 2, 4);
  a.get(addr).get(s).m(I32_STORE, 2, 8);
  a.get(addr).hdr(TH.NEXT_SEQ).tee(seq).m(I32_STORE, 2, 12);
  a.get(addr).hdr(TH.TIME).m(I32_STORE, 2, 16);
  a.i32(0)
    .get(seq)
    .i32(1)
    .op(I32_ADD)
    .m(I32_STORE, 2, TH.NEXT_SEQ * 4);
  a.i32(0)
    .get(c)
    .i32(1)
    .op(I32_ADD)
    .m(I32_STORE, 2, TH.COUNT * 4);
  a.fAdd(TF.ALLOCS, (x) => x.f64(1));
  a.fAdd(TF.ALLOC_BYTES, (x) => x.get(sizeParam).op(F64_CONVERT_I32_U));
  a.op(BR, 1, END); // end $slow
  slowCall(a, role, r, ev, site, key);
  a.tee(s).op(IF, VOID);
  a.get(slot).get(key).m(I64_STORE, 3, L.ctxCache);
  a.get(slot)
    .get(s)
    .m(I32_STORE, 2, L.ctxCache + 8);
  a.op(END);
  a.op(END); // $done
  a.get(r).op(END);
  return a.sized();
}

/**
 * Table-mode wrapper of a freeing call site (free, __wbindgen_free,
 * __rust_dealloc): calls the deallocator, then removes the block from the
 * table, notes it in the recent-frees cache and bumps the counters. Calls
 * `ev` instead on the site's first event, a pointer not in the table
 * (invalid or double free: the tracker decides), a block that may have a
 * realloc origin, or a Rust layout size that differs from the allocation's.
 */
export function freeWrapperBodyTable(
  t: FuncType,
  role: AllocatorRole,
  freeIndex: number,
  ev: readonly number[],
  site: number,
  mem: number,
  L: TableLayout,
  slots?: number[],
): number[] {
  const np = t.params.length;
  const hasResult = t.results.length === 1;
  const ptr = EVENT[role][1] as number;
  const r = np;
  const base = np + (hasResult ? 1 : 0);
  const { s, i, addr, b, m, k, sz, j, aj, sh } = localsFrom(base, ['s', 'i', 'addr', 'b', 'm', 'k', 'spare', 'sz', 'j', 'aj', 'sh']);
  const a = new Asm(mem, slots);
  a.b.push(...localsDecl(11 + (hasResult ? 1 : 0)));
  for (let p = 0; p < np; p++) a.get(p);
  a.op(CALL).u(freeIndex);
  if (hasResult) a.set(r);
  a.op(BLOCK, VOID); // $done
  if (role === 'wbg_free') a.get(1).op(I32_EQZ, BR_IF, 0);
  a.get(ptr).op(I32_EQZ, BR_IF, 0); // free(NULL): nothing
  a.op(BLOCK, VOID); // $slow
  a.i32(0)
    .mSite(I32_LOAD, 2, L.siteMap + 4 * site)
    .tee(s)
    .op(I32_EQZ);
  a.hdr(TH.LIMIT).op(I32_EQZ, I32_OR, BR_IF, 0);
  a.get(ptr).i32(TABLE_HASH_MUL).op(I32_MUL).i32(ORIGIN_SHIFT).op(I32_SHR_U).m(I32_LOAD8_U, 0, L.originMap).op(BR_IF, 0);
  a.hdr(TH.SHIFT).set(sh).hdr(TH.BASE).set(b).hdr(TH.MASK).set(m);
  a.get(ptr).i32(HOME_SHIFT).op(I32_SHR_U).get(ptr).get(sh).op(I32_SHR_U, I32_XOR).get(m).op(I32_AND).set(i);
  a.op(BLOCK, VOID); // $found
  a.op(LOOP, VOID);
  a.get(b).get(i).i32(TABLE_SLOT_BYTES).op(I32_MUL, I32_ADD).tee(addr).m(I32_LOAD, 2, 0).tee(k).get(ptr).op(I32_EQ, BR_IF, 1);
  a.get(k).op(I32_EQZ, BR_IF, 2); // not live: the tracker decides (invalid or double free)
  a.get(i).i32(1).op(I32_ADD).get(m).op(I32_AND).set(i);
  a.op(BR, 0, END, END);
  a.get(addr).m(I32_LOAD, 2, 4).set(sz);
  if (role === 'rust_dealloc') a.get(sz).get(1).op(I32_NE, BR_IF, 0); // layout mismatch: reported by the tracker
  // recent frees: entry ((ptr >>> 4) & (N − 1)) << 4
  a.get(ptr)
    .i32(FREED_SHIFT)
    .op(I32_SHR_U)
    .i32(L.freedEntries - 1)
    .op(I32_AND)
    .i32(4)
    .op(I32_SHL)
    .tee(k)
    .get(ptr)
    .m(I32_STORE, 2, L.freed);
  a.get(k)
    .get(addr)
    .m(I32_LOAD, 2, 8)
    .m(I32_STORE, 2, L.freed + 4);
  a.get(k)
    .get(s)
    .m(I32_STORE, 2, L.freed + 8);
  a.get(k)
    .get(sz)
    .m(I32_STORE, 2, L.freed + 12);
  // backward-shift deletion: pull back each later record of the run whose home is not in (hole, j]
  a.get(i).set(j);
  a.op(BLOCK, VOID, LOOP, VOID);
  a.get(j).i32(1).op(I32_ADD).get(m).op(I32_AND).tee(j).i32(TABLE_SLOT_BYTES).op(I32_MUL).get(b).op(I32_ADD).tee(aj);
  a.m(I32_LOAD, 2, 0).tee(k).op(I32_EQZ, BR_IF, 1);
  a.get(j).get(k).i32(HOME_SHIFT).op(I32_SHR_U).get(k).get(sh).op(I32_SHR_U, I32_XOR).op(I32_SUB).get(m).op(I32_AND);
  a.get(j).get(i).op(I32_SUB).get(m).op(I32_AND).op(I32_GE_U, IF, VOID);
  a.get(addr).get(aj).m(I64_LOAD, 2, 0).m(I64_STORE, 2, 0);
  a.get(addr).get(aj).m(I64_LOAD, 2, 8).m(I64_STORE, 2, 8);
  a.get(addr).get(aj).m(I32_LOAD, 2, 16).m(I32_STORE, 2, 16);
  a.get(j).set(i).get(aj).set(addr);
  a.op(END, BR, 0, END, END);
  a.get(addr).i32(0).m(I32_STORE, 2, 0);
  a.hdrAdd(TH.COUNT, -1);
  a.fAdd(TF.FREES, (x) => x.f64(1));
  a.fAdd(TF.FREE_BYTES, (x) => x.get(sz).op(F64_CONVERT_I32_U));
  a.op(BR, 1, END); // end $slow
  slowCall(a, role, r, ev, site, -1);
  a.op(END); // $done
  if (hasResult) a.get(r);
  a.op(END);
  return a.sized();
}

function withSize(body: number[]): number[] {
  const out: number[] = [];
  pushU32(out, body.length);
  for (const x of body) out.push(x);
  return out;
}

/** A module with two memories: validates only where multi-memory is supported. */
const TWO_MEMORIES = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 5, 2, 0, 0, 0, 0]);

/**
 * Whether this engine compiles multi-memory modules (the 'table' event path
 * needs it): Chromium ≥ 120 yes, Node 20 no. Pass the page's original
 * `WebAssembly` (validate is not hooked).
 */
export function supportsMultiMemory(
  wa: { validate(bytes: BufferSource): boolean } | undefined = (globalThis as { WebAssembly?: { validate(bytes: BufferSource): boolean } })
    .WebAssembly,
): boolean {
  try {
    return !!wa && wa.validate(TWO_MEMORIES);
  } catch {
    return false;
  }
}
