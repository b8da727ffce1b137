import type { AllocatorRole } from './discover';
import type { FuncType } from './reader';
import { encodeS32, pushU32 } from './leb128';
import { pushKeyToF64, pushMix } from './contexts';
import { markSlot, shiftSlots, SLOT_SITE } from './site-slots';
import { EV } from './ev-kinds';

/**
 * Field name of the one hook import: ev(kind, a, b, c, site, key) -> id.
 * `key` (f64, a 53-bit integer) identifies the allocation's calling context
 * (src/wasm/contexts.ts; 0 for frees and memory.grow); the result is the
 * page's interned stack id for that context, which the table path caches in
 * wasm (0 = don't cache), and which the call path drops.
 */
export const HOOK_FIELD = 'ev';

/**
 * How a wrapper calls `ev` once its arguments are on the stack:
 * `i32.const 0; call_indirect evType evTable`. The rewriter adds no function
 * import (one would shift every defined function's index, and with it the
 * `wasm-function[N]` of every stack trace and crash report): `ev` sits at
 * element 0 of a funcref table appended after the module's own tables
 * (hook.ts puts it there once the instance exists).
 */
export function evCall(evType: number, evTable: number): number[] {
  const out = [0x41, 0, 0x11];
  pushU32(out, evType);
  pushU32(out, evTable);
  return out;
}

/** Whether an event of this role allocates (its block gets the context's stack). */
export function allocates(role: AllocatorRole): boolean {
  return EVENT[role][1] === 'r';
}

/** How a wrapper fills ev(kind, a, b, c): 'r' = the call's result, a number = that parameter, null = 0. */
export type Arg = 'r' | number | null;
export const EVENT: Record<AllocatorRole, [number, Arg, Arg, Arg]> = {
  malloc: [EV.malloc, 'r', 0, null],
  wbg_malloc: [EV.malloc, 'r', 0, null], // only when size != 0
  calloc: [EV.calloc, 'r', 0, 1],
  realloc: [EV.realloc, 'r', 0, 1],
  wbg_realloc: [EV.realloc, 'r', 0, 2], // (ptr, old, new[, align])
  free: [EV.free, 0, null, null],
  wbg_free: [EV.free, 0, null, null], // only when size (param 1) != 0
  aligned_alloc: [EV.alignedAlloc, 'r', 1, 0], // (align, size)
  memalign: [EV.alignedAlloc, 'r', 1, 0],
  posix_memalign: [EV.posixMemalign, 'r', 0, 2], // (outp, align, size)
  rust_alloc: [EV.rustAlloc, 'r', 0, 1], // (size, align)
  rust_alloc_zeroed: [EV.rustAllocZeroed, 'r', 0, 1],
  rust_dealloc: [EV.rustDealloc, 0, 1, 2], // (ptr, size, align)
  rust_realloc: [EV.rustRealloc, 'r', 0, 3], // (ptr, old, align, new)
};

/**
 * Body (with its size prefix) of the wrapper for one call site of an
 * allocator: forwards all parameters, calls the allocator, then reports
 * ev(kind, a, b, c, site) (a free: reports first) and returns the
 * allocator's result. The site id is
 * a constant here, so the call site itself only changes its callee index.
 * A `return_call` may target it: the wrapper makes an ordinary call.
 * `slots`: where the site's immediates are noted (site-slots.ts).
 */
export function allocWrapperBody(
  t: FuncType,
  role: AllocatorRole,
  allocIndex: number,
  ev: readonly number[],
  site: number,
  ctx: number,
  slots?: number[],
  /** Memory 0 is shared (threads): a realloc also reports before it runs (EV.reallocBegin). */
  shared = false,
): number[] {
  const np = t.params.length;
  const hasResult = t.results.length === 1;
  const body: number[] = hasResult ? [1, 1, 0x7f] : [0]; // one i32 local for the result
  const call = (): void => {
    for (let i = 0; i < np; i++) body.push(0x20, i);
    body.push(0x10);
    pushU32(body, allocIndex);
    if (hasResult) body.push(0x21, np);
  };
  const [kind, ...args] = EVENT[role];
  // wasm-bindgen's malloc(0) returns a dangling aligned pointer and free(p, 0)
  // does nothing (LLVM also merges Rust's own `if size != 0 { dealloc }`
  // helpers into __wbindgen_free): neither is an allocation event.
  const sizeParam = role === 'wbg_malloc' ? 0 : role === 'wbg_free' ? 1 : -1;
  const report = (): void => {
    if (sizeParam >= 0) body.push(0x20, sizeParam, 0x04, 0x40);
    body.push(0x41, kind);
    for (const arg of args) {
      if (arg === 'r') body.push(0x20, np);
      else if (arg === null) body.push(0x41, 0);
      else body.push(0x20, arg);
    }
    body.push(0x41);
    markSlot(slots, body.length, SLOT_SITE);
    body.push(...encodeS32(site));
    if (allocates(role)) {
      pushMix(body, ctx, site, slots);
      pushKeyToF64(body);
    } else body.push(...F64_ZERO);
    body.push(...ev);
    body.push(0x1a); // drop the stack id: the call path does not cache it
    if (sizeParam >= 0) body.push(0x0b);
  };
  // A free is reported before it runs: dlmalloc traps on a double free, and
  // the report is how the user learns which free it was.
  // Threads: a realloc that moves a block frees its old address, which
  // another thread may be handed before this realloc reports: reported first
  // too, the page takes the block out of the live table until the result.
  if (shared && (role === 'realloc' || role === 'wbg_realloc' || role === 'rust_realloc')) {
    body.push(0x41, EV.reallocBegin, 0x20, 0, 0x41, 0, 0x41, 0, 0x41, 0, ...F64_ZERO, ...ev, 0x1a);
  }
  if (hasResult) {
    call();
    report();
  } else {
    report();
    call();
  }
  if (hasResult) body.push(0x20, np);
  body.push(0x0b);
  const out = withSize(body);
  shiftSlots(slots, out.length - body.length);
  return out;
}

/** f64.const 0: the key of events that have no context. */
export const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];

/** Wrapper replacing one `memory.grow mem`: (delta) -> old pages or -1, reports kind 11. */
export function growWrapperBody(mem: number, ev: readonly number[], site: number): number[] {
  const body: number[] = [1, 1, 0x7f, 0x20, 0, 0x40];
  pushU32(body, mem);
  body.push(0x21, 1, 0x41, EV.memoryGrow, 0x20, 1, 0x20, 0, 0x41, ...encodeS32(mem), 0x41, ...encodeS32(site), ...F64_ZERO, ...ev);
  body.push(0x1a, 0x20, 1, 0x0b);
  return withSize(body);
}

function withSize(body: number[]): number[] {
  const out: number[] = [];
  pushU32(out, body.length);
  for (const b of body) out.push(b);
  return out;
}
