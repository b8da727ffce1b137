// Allocator wrappers: functions that only forward to the allocator
// (`operator new`, `xmalloc`-style helpers that call malloc and check the
// result, size-prefixing layers such as SQLite's sqlite3MemMalloc, Rust's
// `__rust_alloc` and RawVec growth). Their frames are folded: an allocation's
// *site* is the first frame outside them, so `make_apple` and `make_banana`
// are two sites even when both allocate through `xmalloc`.
//
// Found by name where the module has names (mangled or demangled, as the name
// section or DWARF spell them), else by structure: a small function returning
// an i32 whose allocating call takes its size from a variable (`local.get l`,
// maybe `+ k`) and whose result it returns, with at most one other call that
// can allocate (operator new's handler loop). A function that allocates a
// constant size (`make_apple` calling `xmalloc(24)`) is the user's code, not a
// wrapper.
import type { ParsedModule } from './reader';
import type { AllocatorInfo } from './discover';
import { R_CALL, R_RETURN_CALL } from './refs';
import { isAllocatorWrapperName } from '../symbols/allocator-names';

/** Largest body (bytes) the structural rule accepts: forwarders are small. */
const MAX_BODY = 192;

/**
 * Original indices of the defined functions that only forward to the
 * allocator, by name or by structure (iterated, so `xmalloc` → `operator new`
 * → `malloc` chains fold as a whole).
 */
export function allocatorWrappers(m: ParsedModule, allocators: AllocatorInfo[], internal: Uint8Array): number[] {
  const I = m.numImportedFuncs;
  const n = m.funcTypes.length;
  const alloc = new Uint8Array(n); // 1 = allocates a block: an allocating allocator or a wrapper
  for (const a of allocators) if (a.role !== 'free' && a.role !== 'wbg_free' && a.role !== 'rust_dealloc') alloc[a.funcIndex] = 1;
  const isAllocator = new Uint8Array(n);
  for (const a of allocators) isAllocator[a.funcIndex] = 1;
  const out = new Set<number>();
  for (let f = I; f < n; f++) {
    if (isAllocator[f] || internal[f]) continue;
    const name = m.funcNames.get(f);
    if (name && isAllocatorWrapperName(name)) {
      out.add(f);
      alloc[f] = 1;
    }
  }
  // Only small functions returning an i32 from 1 to 4 parameters can be forwarders.
  const candidate = new Uint8Array(n);
  for (let f = I; f < n; f++) {
    const t = m.types[m.funcTypes[f]];
    const body = m.bodies[f - I];
    if (!t || !body || t.results.length !== 1 || t.results[0] !== 0x7f || t.params.length === 0 || t.params.length > 4) continue;
    if (body.end - body.start > MAX_BODY || internal[f] || isAllocator[f]) continue;
    candidate[f] = 1;
  }
  // Direct call sites per candidate: [callee, position of the call instruction, position after it].
  const calls = new Map<number, [number, number, number][]>();
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) {
    const k = refs.kind(i);
    if (k !== R_CALL && k !== R_RETURN_CALL) continue;
    const f = refs.func(i);
    if (f < I || !candidate[f]) continue;
    let list = calls.get(f);
    if (!list) calls.set(f, (list = []));
    list.push([refs.value(i), refs.instrPos(i), refs.immPos(i) + refs.immLen(i)]);
  }
  const bytes = m.bytes;
  // The size comes from a variable, not a constant: `local.get l` right
  // before the call, or `local.get l; i32.const k; i32.add` (k: a 1- or
  // 2-byte LEB). A local, not only a parameter: libc++'s operator new loops
  // on `max(size, 1)` kept in a local.
  const sizeFromVariable = (at: number, start: number): boolean => {
    if (at - 2 >= start && bytes[at - 2] === 0x20 && bytes[at - 1] < 0x80) return true;
    if (bytes[at - 1] !== 0x6a) return false;
    for (const w of [1, 2]) {
      const c = at - 2 - w; // position of i32.const
      if (c - 2 >= start && bytes[c] === 0x41 && bytes[c - 2] === 0x20 && bytes[c - 1] < 0x80) return true;
    }
    return false;
  };
  // The call's result is what the function returns: the call is followed by
  // `local.set/tee r` and the body ends by returning a local (maybe `+ k`,
  // SQLite's size prefix: sqlite3MemMalloc returns p + 8 through a block's
  // result and another local), or the call is the body's last instruction.
  const returnsResult = (after: number, end: number): boolean => {
    if (bytes[after] === 0x0b && after + 1 === end) return true;
    if ((bytes[after] !== 0x21 && bytes[after] !== 0x22) || bytes[after + 1] >= 0x80) return false;
    if (bytes[end - 3] === 0x20 && bytes[end - 2] < 0x80 && bytes[end - 1] === 0x0b) return true;
    for (const w of [1, 2]) {
      const g = end - 5 - w; // local.get r; i32.const k; i32.add; end
      if (bytes[g] === 0x20 && bytes[g + 1] < 0x80 && bytes[g + 2] === 0x41 && bytes[end - 2] === 0x6a && bytes[end - 1] === 0x0b)
        return true;
    }
    return false;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const [f, list] of calls) {
      if (out.has(f)) continue;
      const body = m.bodies[f - I];
      let forwards = 0,
        others = 0;
      for (const [callee, at, after] of list) {
        if (callee >= n || !alloc[callee]) continue;
        if (sizeFromVariable(at, body.start) && returnsResult(after, body.end)) forwards++;
        else others++;
      }
      if (forwards >= 1 && forwards + others <= 2 && others <= 1) {
        out.add(f);
        alloc[f] = 1;
        changed = true;
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}
