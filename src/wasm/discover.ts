import { type ParsedModule, KIND, funcType } from './reader';
import { R_CALL, R_RETURN_CALL, R_REF_FUNC, R_FUNCIDX, R_MEM_GROW, R_MEM_SIZE } from './refs';
import { constAddresses, decode, multipliesParams, paramPassedTo, readsBelow, returnedCalls, usesBulk } from './flow';

export type AllocatorRole =
  | 'malloc'
  | 'calloc'
  | 'realloc'
  | 'free'
  | 'aligned_alloc'
  | 'posix_memalign'
  | 'memalign'
  | 'rust_alloc'
  | 'rust_alloc_zeroed'
  | 'rust_dealloc'
  | 'rust_realloc'
  | 'wbg_malloc'
  | 'wbg_free'
  | 'wbg_realloc';

export interface AllocatorInfo {
  role: AllocatorRole;
  /** Function index in the original module. */
  funcIndex: number;
  name: string;
  foundBy: 'export' | 'name' | 'import' | 'heuristic';
  confidence: 'certain' | 'likely';
  /** Heuristic finds: what the structure showed (tests and debugging; not sent to the panel). */
  evidence?: string;
}

/** Accepted signatures per role: [param count, result count], all i32. */
const SIGS: Record<AllocatorRole, [number, number][]> = {
  malloc: [[1, 1]],
  free: [[1, 0]],
  calloc: [[2, 1]],
  realloc: [[2, 1]],
  aligned_alloc: [[2, 1]],
  memalign: [[2, 1]],
  posix_memalign: [[3, 1]],
  rust_alloc: [[2, 1]],
  rust_alloc_zeroed: [[2, 1]],
  rust_dealloc: [[3, 0]],
  rust_realloc: [[4, 1]],
  // wasm-bindgen changed these over versions: malloc(size[, align]), free(ptr, size[, align]),
  // realloc(ptr, old, new[, align])
  wbg_malloc: [
    [1, 1],
    [2, 1],
  ],
  wbg_free: [
    [2, 0],
    [3, 0],
  ],
  wbg_realloc: [
    [3, 1],
    [4, 1],
  ],
};

const NAMES: Record<string, AllocatorRole> = {};
function names(role: AllocatorRole, list: string): void {
  for (const n of list.split(' ')) NAMES[n] = role;
}
// AssemblyScript's runtime allocator (TLSF), under every __new/__renew and the collector's sweep
// mimalloc's public API (mi_zalloc: a zeroed malloc; mi_free_size: free(p, size))
names('malloc', 'malloc emscripten_builtin_malloc dlmalloc emmalloc_malloc ~lib/rt/tlsf/__alloc mi_malloc mi_zalloc');
names('free', 'free emscripten_builtin_free dlfree emmalloc_free ~lib/rt/tlsf/__free mi_free mi_free_size');
names('calloc', 'calloc emscripten_builtin_calloc dlcalloc emmalloc_calloc mi_calloc');
// reallocf (BSD, in emscripten's libc): realloc that frees the block when it fails. Known, it makes
// the helper it shares with realloc internal (mimalloc's _mi_heap_realloc_zero in wasm-vips: its
// malloc/free inside a realloc were reported as events of their own: 262 invalid frees at load).
names('realloc', 'realloc emscripten_builtin_realloc dlrealloc emmalloc_realloc ~lib/rt/tlsf/__realloc mi_realloc reallocf');
names('aligned_alloc', 'aligned_alloc emmalloc_aligned_alloc');
names('memalign', 'memalign emscripten_builtin_memalign dlmemalign emmalloc_memalign');
names('posix_memalign', 'posix_memalign dlposix_memalign emmalloc_posix_memalign');
names('rust_alloc', '__rust_alloc __rdl_alloc __rg_alloc');
names('rust_alloc_zeroed', '__rust_alloc_zeroed __rdl_alloc_zeroed __rg_alloc_zeroed');
names('rust_dealloc', '__rust_dealloc __rdl_dealloc __rg_dealloc');
names('rust_realloc', '__rust_realloc __rdl_realloc __rg_realloc');
names('wbg_malloc', '__wbindgen_malloc');
names('wbg_free', '__wbindgen_free');
names('wbg_realloc', '__wbindgen_realloc');

/**
 * C++ operator new/delete (size_t is `unsigned long` on wasm32, so _Znwm; _Znwj
 * for toolchains using unsigned int). Only hooked when they do not just call
 * an allocator we already hook (else every allocation would report twice).
 */
const CXX: Record<string, AllocatorRole> = {
  // aligned and nothrow new, (size, align | const nothrow_t&) -> ptr: the size comes first, as malloc's
  // (wasm-vips: mimalloc's mi_new_aligned and mi_new_nothrow call its inner malloc, so they are no forwarders)
  _ZnwmSt11align_val_t: 'malloc',
  _ZnamSt11align_val_t: 'malloc',
  _ZnwjSt11align_val_t: 'malloc',
  _ZnajSt11align_val_t: 'malloc',
  _ZnwmRKSt9nothrow_t: 'malloc',
  _ZnamRKSt9nothrow_t: 'malloc',
  _ZnwjRKSt9nothrow_t: 'malloc',
  _ZnajRKSt9nothrow_t: 'malloc',
  _Znwm: 'malloc',
  _Znwj: 'malloc',
  _Znam: 'malloc',
  _Znaj: 'malloc',
  _ZdlPv: 'free',
  _ZdaPv: 'free',
  _ZdlPvm: 'free',
  _ZdaPvm: 'free',
  _ZdlPvj: 'free',
  _ZdaPvj: 'free',
};

export function allocatorRoleForName(name: string): AllocatorRole | undefined {
  return Object.hasOwn(NAMES, name) ? NAMES[name] : undefined;
}

function sigMatches(m: ParsedModule, func: number, role: AllocatorRole, name = ''): boolean {
  const t = funcType(m, func);
  if (!t) return false;
  for (const v of t.params) if (v !== 0x7f) return false;
  for (const v of t.results) if (v !== 0x7f) return false;
  // sized delete, mi_free_size: (ptr, size) -> ()
  if (role === 'free' && t.params.length === 2 && t.results.length === 0) return true;
  // aligned and nothrow new: (size, align | nothrow) -> ptr
  if (role === 'malloc' && t.params.length === 2 && t.results.length === 1 && name.startsWith('_Zn')) return true;
  return SIGS[role].some(([p, r]) => t.params.length === p && t.results.length === r);
}

/** Distinct direct callees of each function (calls and return_calls), original indices. */
export function callGraph(m: ParsedModule): number[][] {
  const n = m.funcTypes.length;
  const callees: number[][] = new Array(n);
  for (let i = 0; i < n; i++) callees[i] = [];
  const mark = new Int32Array(n).fill(-1);
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) {
    const k = refs.kind(i);
    if (k !== R_CALL && k !== R_RETURN_CALL) continue;
    const f = refs.func(i);
    const t = refs.value(i);
    if (f < 0 || t >= n || mark[t] === f) continue;
    mark[t] = f;
    callees[f].push(t);
  }
  return callees;
}

export function discover(m: ParsedModule): AllocatorInfo[] {
  const found = new Map<number, AllocatorInfo>();
  const cxx: AllocatorInfo[] = [];
  const consider = (func: number, name: string, foundBy: AllocatorInfo['foundBy']): void => {
    if (found.has(func)) return;
    const isCxx = Object.hasOwn(CXX, name);
    const role = isCxx ? CXX[name] : allocatorRoleForName(name);
    if (!role || !sigMatches(m, func, role, name)) return;
    const info: AllocatorInfo = { role, funcIndex: func, name, foundBy, confidence: 'certain' };
    if (isCxx) cxx.push(info);
    else found.set(func, info);
  };
  for (const e of m.exports) if (e.kind === KIND.FUNC) consider(e.index, e.name, 'export');
  for (const [func, name] of m.funcNames) if (func < m.funcTypes.length) consider(func, name, 'name');
  for (const imp of m.imports) if (imp.kind === KIND.FUNC) consider(imp.index, imp.field, 'import');

  let callees: number[][] | null = null;
  const graph = () => (callees ??= callGraph(m));
  if (cxx.length > 0) {
    for (const info of cxx) {
      if (found.has(info.funcIndex)) continue;
      if (graph()[info.funcIndex].some((t) => found.has(t))) continue; // just forwards to malloc/free
      found.set(info.funcIndex, info);
    }
  }
  const roles = () => new Set([...found.values()].map((a) => a.role));
  let r = roles();
  if (!r.has('wbg_malloc') && !r.has('wbg_free') && !r.has('malloc') && !r.has('rust_alloc')) {
    if (renamedWasmBindgen(m, found, graph())) r = roles();
  }
  if (r.has('wbg_malloc') || r.has('wbg_free') || r.has('wbg_realloc')) {
    if (!r.has('rust_alloc') && !r.has('malloc')) followWasmBindgen(m, found, graph());
  }
  if (found.size === 0) structural(m, found, graph());
  followForwarders(m, found);
  alignedInner(m, found);
  r = roles();
  // malloc known (by name, or a forwarder) but not its free: look for the free by structure.
  if (r.has('malloc') && !r.has('free') && !r.has('rust_dealloc')) pairFree(m, found, graph());
  // realloc/calloc are searched by structure whenever malloc and free are known.
  if (roles().has('malloc') && roles().has('free')) complement(m, found, graph());
  if (roles().has('malloc') && !roles().has('memalign')) dlmemalign(m, found, graph());
  exportedForwarders(m, found);
  freeCopies(m, found, graph());
  return [...found.values()].sort((a, b) => a.funcIndex - b.funcIndex);
}

/**
 * A copy of a known free inlined into another function and left out of line:
 * (i32) -> (), calling exactly the free's internals (at least 3 of them). wasm-vips
 * (mimalloc, -O3): the sized operator delete `_ZdlPvm` frees through such a copy
 * of mi_free on its fast path and through free itself otherwise; unhooked, the
 * blocks C++ code deletes stayed live and their reuse read as allocations over
 * live blocks (120 in 3 resizes).
 */
function freeCopies(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  for (const info of [...found.values()]) {
    if (info.role !== 'free') continue;
    const inner = new Set(callees[info.funcIndex]);
    if (inner.size < 3) continue;
    for (let g = m.numImportedFuncs; g < callees.length; g++) {
      if (found.has(g) || !sigIs(m, g, 1, 0)) continue;
      const c = callees[g];
      if (c.length !== inner.size || !c.every((t) => inner.has(t))) continue; // (callees are distinct)
      found.set(g, heuristic(m, 'free', g, null, `a copy of ${info.name}: calls exactly its internals`));
    }
  }
}

const ALLOC_ROLES: ReadonlySet<AllocatorRole> = new Set([
  'malloc',
  'calloc',
  'realloc',
  'aligned_alloc',
  'posix_memalign',
  'memalign',
  'rust_alloc',
  'rust_alloc_zeroed',
  'rust_realloc',
]);
const FREE_ROLES: ReadonlySet<AllocatorRole> = new Set(['free', 'rust_dealloc']);

/**
 * Never half-hook: allocations whose frees are not seen would all look
 * leaked, and every reuse of their memory would look like an allocation over
 * a live block. Returns why the allocator list is only partial — allocations
 * are hooked but no matching free (a module-internal free, or the internal
 * allocator behind wasm-bindgen's exports) was found — or null.
 * wasm-bindgen's `__wbindgen_free` alone does not count: Rust code frees
 * through the internal allocator, never through the export.
 */
export function unpairedReason(allocators: readonly AllocatorInfo[]): string | null {
  const roles = new Set(allocators.map((a) => a.role));
  const allocs = [...roles].filter((r) => ALLOC_ROLES.has(r) || r === 'wbg_malloc' || r === 'wbg_realloc');
  if (allocs.length === 0) return null;
  if ([...roles].some((r) => FREE_ROLES.has(r))) return null;
  const names = allocators.filter((a) => ALLOC_ROLES.has(a.role) || a.role === 'wbg_malloc').map((a) => a.name);
  return `partial: frees unseen (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''} found, no matching free): live blocks are an upper bound, misuse is not reported`;
}

/**
 * Functions whose calls to allocators must not be rewritten: the allocators
 * themselves plus every function reachable only through them (dlmalloc's
 * helpers, Rust's Dlmalloc::realloc calling Dlmalloc::malloc...). A function
 * that is exported, in a table, or the start function is reachable from
 * outside and never counts as internal.
 */
export function allocatorInternal(m: ParsedModule, allocators: AllocatorInfo[], callees: number[][]): Uint8Array {
  const n = m.funcTypes.length;
  const internal = new Uint8Array(n);
  const open = new Uint8Array(n); // reachable from outside other than by a direct call
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) {
    const k = refs.kind(i);
    if ((k === R_REF_FUNC || k === R_FUNCIDX) && refs.value(i) < n) open[refs.value(i)] = 1;
  }
  for (let f = 0; f < m.numImportedFuncs; f++) open[f] = 1;
  const callers = new Int32Array(n);
  const internalCallers = new Int32Array(n);
  for (let f = 0; f < n; f++) for (const t of callees[f]) if (t !== f) callers[t]++;
  const work: number[] = [];
  const seeds = [...allocators.map((a) => a.funcIndex), ...ownFrees(m, allocators, callees, open)];
  for (const f of seeds)
    if (!internal[f]) {
      internal[f] = 1;
      work.push(f);
    }
  while (work.length > 0) {
    const f = work.pop()!;
    for (const t of callees[f]) {
      if (t === f || internal[t]) continue;
      if (++internalCallers[t] === callers[t] && !open[t]) {
        internal[t] = 1;
        work.push(t);
      }
    }
  }
  return internal;
}

/**
 * The allocator's own code that is not reachable only through its entry points, and frees:
 * a function that allocates through a malloc's inner function (the one function that malloc
 * calls), directly or through such functions, so with no hooked call, and that calls a known
 * free. That free releases what the unhooked allocation made: as an event it was an invalid
 * free. wasm-vips (mimalloc, -pthread): the function that grows mimalloc's per-thread table of
 * thread locals allocates the new table through its zeroed small malloc and frees the old one
 * with free; it is also reached from mimalloc's thread callbacks (in the table), so it was not
 * internal, and now and then after resizes the panel showed invalid frees of 64 KiB-aligned
 * blocks. Only functions reached by direct calls: the climb stops at exported and table
 * functions (a program's own function that uses the inner allocator keeps its frees).
 */
function ownFrees(m: ParsedModule, allocators: AllocatorInfo[], callees: number[][], open: Uint8Array): number[] {
  const n = callees.length;
  const known = new Uint8Array(n); // 1: an allocator, 2: a free
  for (const a of allocators) known[a.funcIndex] = FREE_ROLES.has(a.role) ? 2 : 1;
  const inner = new Uint8Array(n);
  const work: number[] = [];
  for (const a of allocators) {
    const c = callees[a.funcIndex];
    if (a.role !== 'malloc' || c.length !== 1 || known[c[0]] || open[c[0]] || !sigIs(m, c[0], funcType(m, c[0])?.params.length ?? -1, 1))
      continue;
    if (!inner[c[0]]) work.push(c[0]);
    inner[c[0]] = 1;
  }
  if (work.length === 0) return [];
  const callers = callersOf(callees);
  while (work.length > 0) {
    const f = work.pop()!;
    if (open[f]) continue;
    for (const g of callers[f])
      if (!known[g] && !inner[g]) {
        inner[g] = 1;
        work.push(g);
      }
  }
  const out: number[] = [];
  for (let f = 0; f < n; f++) if (inner[f] && !open[f] && callees[f].some((t) => known[t] === 2)) out.push(f);
  return out;
}

function sigIs(m: ParsedModule, func: number, params: number, results: number): boolean {
  const t = funcType(m, func);
  return (
    !!t &&
    t.params.length === params &&
    t.results.length === results &&
    t.params.every((v) => v === 0x7f) &&
    t.results.every((v) => v === 0x7f)
  );
}

/** Name-section name, else export name (sql.js: "Ia"), else a placeholder. */
const nameOf = (m: ParsedModule, f: number) =>
  m.funcNames.get(f) ?? m.exports.find((e) => e.kind === KIND.FUNC && e.index === f)?.name ?? `func${f}`;

/**
 * Newer wasm-bindgen can rename its allocator exports `__wbindgen_export_<n>`
 * (tiktoken 1.0, oxc-parser: `_1` malloc, `_2` realloc, `_3` free; `_0` is
 * the exception store, other numbers can be tables or externref helpers), or,
 * later still, `__wbindgen_export`, `__wbindgen_export2`, ... (the wasm-fmt
 * formatters). Recognised by their exact types: malloc (size, align) -> ptr,
 * realloc (ptr, old, new, align) -> ptr, free (ptr, size, align) -> (), all
 * i32. A candidate counts only if it leads to the internal Rust allocator
 * (followWasmBindgen: a free passes its pointer on), so a closure helper of
 * free's exact type (it calls through the table) drops out. Then each role
 * must have exactly one candidate, malloc and free are both required
 * (realloc is optional), else nothing is kept: better no hook than a wrong one.
 */
function renamedWasmBindgen(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): boolean {
  const SHAPES: [AllocatorRole, number, number][] = [
    ['wbg_malloc', 2, 1],
    ['wbg_realloc', 4, 1],
    ['wbg_free', 3, 0],
  ];
  const cands = new Map<AllocatorRole, { func: number; name: string; led: AllocatorInfo[] }[]>();
  for (const e of m.exports) {
    if (e.kind !== KIND.FUNC || !/^__wbindgen_export(_?\d+)?$/.test(e.name) || found.has(e.index)) continue;
    if (e.index < m.numImportedFuncs) continue;
    const shape = SHAPES.find(([, p, r]) => sigIs(m, e.index, p, r));
    if (!shape) continue;
    const list = cands.get(shape[0]) ?? [];
    if (list.some((c) => c.func === e.index)) continue;
    const trial = new Map<number, AllocatorInfo>([
      [e.index, heuristic(m, shape[0], e.index, e.name, 'renamed wasm-bindgen export, by type')],
    ]);
    followWasmBindgen(m, trial, callees);
    const led = [...trial.values()].filter((x) => x.funcIndex !== e.index);
    if (led.length === 0) continue; // leads nowhere: not an allocator export
    list.push({ func: e.index, name: e.name, led });
    cands.set(shape[0], list);
  }
  const mallocs = cands.get('wbg_malloc') ?? [];
  if (mallocs.length !== 1) return false;
  // Two frees that both lead somewhere: the one whose target shares the allocator's state with malloc's.
  const pick = (list: { func: number; name: string; led: AllocatorInfo[] }[] | undefined) => {
    if (!list || list.length <= 1) return list?.[0] ?? null;
    const ms = new Set<number>();
    for (const x of mallocs[0].led) for (const c of stateOf(m, callees, x.funcIndex)) ms.add(c);
    const score = (c: { led: AllocatorInfo[] }) => Math.max(0, ...c.led.map((x) => shared(ms, stateOf(m, callees, x.funcIndex))));
    const best = Math.max(...list.map(score));
    const top = list.filter((c) => score(c) === best);
    return best > 0 && top.length === 1 ? top[0] : null;
  };
  const free = pick(cands.get('wbg_free'));
  if (!free) return false;
  const realloc = pick(cands.get('wbg_realloc'));
  if ((cands.get('wbg_realloc')?.length ?? 0) > 0 && !realloc) return false;
  for (const [role, c] of [
    ['wbg_malloc', mallocs[0]],
    ['wbg_free', free],
    ['wbg_realloc', realloc],
  ] as const) {
    if (!c) continue;
    found.set(c.func, heuristic(m, role, c.func, c.name, 'renamed wasm-bindgen export, by type; leads to the internal allocator'));
    for (const x of c.led) if (!found.has(x.funcIndex)) found.set(x.funcIndex, x);
  }
  return true;
}

function heuristic(m: ParsedModule, role: AllocatorRole, func: number, name: string | null, evidence: string): AllocatorInfo {
  return { role, funcIndex: func, name: name ?? nameOf(m, func), foundBy: 'heuristic', confidence: 'likely', evidence };
}

const states = new WeakMap<ParsedModule, Map<number, Set<number>>>();

/** Constant addresses read or written by `f` and what it calls, two levels deep: an allocator's static state. */
function stateOf(m: ParsedModule, callees: number[][], f: number): Set<number> {
  let per = states.get(m);
  if (!per) states.set(m, (per = new Map()));
  const known = per.get(f);
  if (known) return known;
  const out = new Set<number>();
  per.set(f, out);
  const seen = new Set<number>([f]);
  let level = [f];
  for (let d = 0; d <= 2; d++) {
    const next: number[] = [];
    for (const g of level) {
      for (const c of constAddresses(m, g)) out.add(c);
      if (d < 2)
        for (const t of callees[g] ?? [])
          if (!seen.has(t) && t >= m.numImportedFuncs) {
            seen.add(t);
            next.push(t);
          }
    }
    level = next;
  }
  return out;
}

function shared(a: Set<number>, b: Set<number>): number {
  let n = 0;
  for (const x of b) if (a.has(x)) n++;
  return n;
}

/** `f` (or a function it merely forwards to) reads the chunk header just below its pointer parameter. */
function readsHeader(m: ParsedModule, f: number): boolean {
  for (let g = f, k = 0; g >= 0 && k < 4; g = forwardTarget(m, g), k++) if (readsBelow(m, g, 0)) return true;
  return false;
}

/**
 * Arguments a direct call from `caller` to `callee` passes, when every call
 * site is a plain `local.get a; local.get b; ...; call callee`: the local
 * indices, else null.
 */
function callArgLocals(m: ParsedModule, caller: number, callee: number, nargs: number): number[] | null {
  const refs = m.refs;
  const b = m.bytes;
  let out: number[] | null = null;
  for (let i = 0; i < refs.length; i++) {
    if (refs.kind(i) !== R_CALL || refs.func(i) !== caller || refs.value(i) !== callee) continue;
    const pos = refs.instrPos(i);
    const locals: number[] = [];
    for (let k = 0; k < nargs; k++) {
      const at = pos - 2 * (nargs - k);
      if (b[at] !== 0x20 || b[at + 1] > 0x7f) return null;
      locals.push(b[at + 1]);
    }
    if (out && out.join() !== locals.join()) return null;
    out = locals;
  }
  return out;
}

/**
 * wasm-bindgen's __wbindgen_malloc/free/realloc are thin exports over the
 * Rust global allocator, which Rust code calls directly (and which is often
 * unnamed): follow the one call each makes to find it. The internal free
 * can take (ptr, size, align), (ptr, size) (Rust's dlmalloc `free` checking
 * the size against the chunk header: @jsquash/png, @cf-wasm/png) or (ptr).
 * Newer exports also call `Layout::is_size_align_valid` (size, align) ->
 * bool, of the allocator's own type: the allocator is the call whose result
 * the export returns; a free is the call that gets the pointer.
 */
function followWasmBindgen(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  const WANT: Partial<Record<AllocatorRole, [number, number, AllocatorRole][]>> = {
    wbg_malloc: [
      [2, 1, 'rust_alloc'],
      [1, 1, 'malloc'],
    ],
    wbg_free: [
      [3, 0, 'rust_dealloc'],
      [2, 0, 'free'],
      [1, 0, 'free'],
    ],
    wbg_realloc: [
      [4, 1, 'rust_realloc'],
      [2, 1, 'realloc'],
    ],
  };
  const arity = (f: number) => funcType(m, f)?.params.length ?? -1;
  for (const info of [...found.values()]) {
    const want = WANT[info.role];
    if (!want) continue;
    let hits: [number, AllocatorRole][] = [];
    for (const t of callees[info.funcIndex]) {
      if (found.has(t) || t < m.numImportedFuncs) continue;
      const w = want.find(([p, r]) => sigIs(m, t, p, r));
      if (w) hits.push([t, w[2]]);
    }
    if (info.role === 'wbg_malloc' && hits.length === 2 && inlinedDlmalloc(m, info.funcIndex, hits, found)) continue;
    if (hits.length > 1 && info.role !== 'wbg_free') {
      const ret = returnedCalls(m, info.funcIndex);
      hits = hits.filter(([t]) => ret.has(t));
    } else if (info.role === 'wbg_free') {
      const gets = paramPassedTo(m, info.funcIndex, 0, arity);
      hits = hits.filter(([t]) => gets.has(t));
    }
    if (hits.length !== 1) continue; // ambiguous: better nothing than a wrong hook
    const [t, role] = hits[0];
    found.set(t, heuristic(m, role, t, null, `called by ${info.name}`));
  }
}

/**
 * Rust's dlmalloc GlobalAlloc::alloc inlined into __wbindgen_malloc(size,
 * align) (tiktoken): `align <= 8 ? malloc(size) : memalign(align, size)`, so
 * it calls one (i32)->i32 and one (i32,i32)->i32 function. The second is
 * memalign only if it is passed (align, size) = (local 1, local 0), and malloc
 * is passed (size) = local 0; anything else stays ambiguous.
 */
function inlinedDlmalloc(m: ParsedModule, f: number, hits: [number, AllocatorRole][], found: Map<number, AllocatorInfo>): boolean {
  const one = hits.find(([, r]) => r === 'malloc');
  const two = hits.find(([, r]) => r === 'rust_alloc');
  if (!one || !two) return false;
  if (callArgLocals(m, f, one[0], 1)?.join() !== '0') return false;
  if (callArgLocals(m, f, two[0], 2)?.join() !== '1,0') return false;
  found.set(one[0], heuristic(m, 'malloc', one[0], null, `called by ${nameOf(m, f)} with (size)`));
  found.set(two[0], heuristic(m, 'memalign', two[0], null, `called by ${nameOf(m, f)} with (align, size)`));
  return true;
}

/** The direct callers of each function (the call graph `callees` inverted; a function calling itself is left out). */
function callersOf(callees: number[][]): number[][] {
  const callers: number[][] = Array.from({ length: callees.length }, () => []);
  for (let f = 0; f < callees.length; f++) for (const t of callees[f]) if (t !== f) callers[t].push(f);
  return callers;
}

/** Distance in direct calls from each function to a memory.grow/memory.size (-1: none), and the callers of each. */
function growDistance(m: ParsedModule, callees: number[][]): { dist: Int32Array; callers: number[][] } {
  const n = m.funcTypes.length;
  const callers = callersOf(callees);
  const dist = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) {
    const k = refs.kind(i);
    const f = refs.func(i);
    if ((k === R_MEM_GROW || k === R_MEM_SIZE) && f >= 0 && dist[f] < 0) {
      dist[f] = 0;
      queue.push(f);
    }
  }
  for (let q = 0; q < queue.length; q++) {
    const f = queue[q];
    for (const c of callers[f])
      if (dist[c] < 0) {
        dist[c] = dist[f] + 1;
        queue.push(c);
      }
  }
  return { dist, callers };
}

/**
 * No names at all (minified emscripten, e.g. sql.js exports malloc as "Ia"):
 * malloc is the exported (i32)->i32 function closest (in direct calls) to a
 * memory.grow/memory.size (sbrk), called from at least two places; free is
 * the exported (i32)->() function most often called by the same functions
 * that call malloc. When that finds no free (the module's code reaches
 * malloc and free through separate wrappers with no shared caller:
 * @bokuweb/zstd-wasm), or no malloc (called from one place, or through
 * emmalloc's memalign), the pair is looked for by what the allocator does
 * instead (pairByState). A malloc found alone is kept: the module is then
 * instrumented as partial (unpairedReason), never as exact.
 */
function structural(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  const { dist, callers } = growDistance(m, callees);
  const exported = new Set<number>();
  for (const e of m.exports) if (e.kind === KIND.FUNC) exported.add(e.index);
  // An exported malloc is often a forwarder to the dlmalloc that user code
  // calls directly: count callers along the forwarding chain.
  const chainCallers = (f: number): Set<number> => {
    const set = new Set<number>();
    for (let k = 0; f >= 0 && k < 4; k++, f = forwardTarget(m, f)) for (const c of callers[f]) set.add(c);
    return set;
  };
  let best = -1;
  let bestDist = Infinity;
  let tie = false;
  let mallocCallers = new Set<number>();
  for (const f of exported) {
    if (dist[f] < 0 || !sigIs(m, f, 1, 1)) continue;
    const cs = chainCallers(f);
    if (cs.size < 2) continue; // a grow-the-heap helper called by nobody is not malloc
    if (dist[f] < bestDist) {
      best = f;
      bestDist = dist[f];
      tie = false;
      mallocCallers = cs;
    } else if (dist[f] === bestDist) tie = true;
  }
  if (best >= 0 && !tie && bestDist <= 3) {
    // free: best co-caller score; a forwarder to another top candidate (do_free -> free) yields to it
    const scores = new Map<number, number>();
    for (const f of exported) {
      if (!sigIs(m, f, 1, 0)) continue;
      let score = 0;
      for (const c of chainCallers(f)) if (mallocCallers.has(c)) score++;
      if (score > 0) scores.set(f, score);
    }
    const top = Math.max(0, ...scores.values());
    let tops = [...scores].filter(([, s]) => s === top).map(([f]) => f);
    tops = tops.filter((f) => {
      for (let g = forwardTarget(m, f), k = 0; g >= 0 && k < 4; g = forwardTarget(m, g), k++) if (tops.includes(g)) return false;
      return true;
    });
    if (tops.length === 1) {
      found.set(
        best,
        heuristic(m, 'malloc', best, null, `exported (i32)->i32 ${bestDist} call(s) from memory.grow, ${mallocCallers.size} callers`),
      );
      found.set(tops[0], heuristic(m, 'free', tops[0], null, `exported (i32)->() sharing ${top} caller(s) with malloc`));
      return;
    }
  }
  if (pairByState(m, found, callees, dist, exported)) return;
  // A lone malloc: instrumented as partial (frees unseen), never as exact.
  if (best >= 0 && !tie && bestDist <= 3) {
    found.set(
      best,
      heuristic(
        m,
        'malloc',
        best,
        null,
        `exported (i32)->i32 ${bestDist} call(s) from memory.grow, ${mallocCallers.size} callers; no free found`,
      ),
    );
  }
}

/**
 * malloc and free paired by what they do rather than by who calls them:
 * free reads the chunk header just below its pointer (readsBelow) and both
 * touch the allocator's static state, the same constant addresses
 * (dlmalloc's `gm`, emmalloc's bins), through their own bodies or the
 * functions they call. Candidates are exported (i32)->i32 functions at most
 * four calls from a memory.grow/size and exported (i32)->() functions; the
 * pair sharing the most state wins, the malloc nearer to memory.grow on a
 * tie (an exported `create()` that calls malloc shares malloc's state too),
 * and a remaining tie gives nothing.
 */
function pairByState(
  m: ParsedModule,
  found: Map<number, AllocatorInfo>,
  callees: number[][],
  dist: Int32Array,
  exported: Set<number>,
): boolean {
  // Exports that all forward to one function (`free`, and user helpers that
  // are just `free(p)`: emscripten -O3 folds them into copies of one body) are
  // one candidate: the function they forward to.
  const groups = new Map<number, number[]>();
  for (const f of exported) {
    if (found.has(f) || !sigIs(m, f, 1, 0) || !readsHeader(m, f)) continue;
    let t = f;
    for (let g = forwardTarget(m, f), k = 0; g >= 0 && k < 4; g = forwardTarget(m, g), k++) t = g;
    groups.set(t, [...(groups.get(t) ?? []), f]);
  }
  const frees = [...groups.keys()];
  if (frees.length === 0) return false;
  const freeState = new Map(frees.map((f) => [f, stateOf(m, callees, f)]));
  // malloc candidates: exported (i32)->i32 functions, and the (i32)->i32 functions called
  // by an (i32, i32)->i32 function that also calls a free (markdown-wasm exports
  // only realloc and free: its realloc's malloc is internal)
  const pool = new Set<number>(exported);
  const freeTargets = new Set<number>();
  for (const g of frees) for (let h = g, k = 0; h >= 0 && k < 4; h = forwardTarget(m, h), k++) freeTargets.add(h);
  for (let r = m.numImportedFuncs; r < m.funcTypes.length; r++) {
    if (!sigIs(m, r, 2, 1) || !callees[r].some((t) => freeTargets.has(t))) continue;
    for (const t of callees[r]) if (sigIs(m, t, 1, 1)) pool.add(t);
  }
  let best: [number, number, number, number, number] | null = null; // malloc, free, shared, dist, callees
  let tie = false;
  for (const f of pool) {
    if (found.has(f) || dist[f] < 0 || dist[f] > 4 || !sigIs(m, f, 1, 1)) continue;
    const ms = stateOf(m, callees, f);
    if (ms.size === 0) continue;
    for (const g of frees) {
      const n = shared(ms, freeState.get(g)!);
      if (n === 0) continue;
      const key: [number, number, number, number, number] = [f, g, n, dist[f], callees[f].length];
      const cmp = !best ? 1 : n - best[2] || best[3] - dist[f] || best[4] - key[4];
      if (cmp > 0) {
        best = key;
        tie = false;
      } else if (cmp === 0) tie = true;
    }
  }
  if (!best || tie) return false;
  const [mal, fr, n] = best;
  found.set(
    mal,
    heuristic(
      m,
      'malloc',
      mal,
      null,
      `${exported.has(mal) ? 'exported ' : ''}(i32)->i32 ${best[3]} call(s) from memory.grow; shares ${n} static address(es) with free`,
    ),
  );
  for (const f of groups.get(fr)!) {
    found.set(
      f,
      heuristic(
        m,
        'free',
        f,
        null,
        `exported (i32)->() reading the chunk header below its pointer; shares ${n} static address(es) with malloc`,
      ),
    );
  }
  return true;
}

/**
 * malloc known (by name: an emscripten build that exports `_malloc` only)
 * without its free: the (i32)->() function that reads the chunk header below
 * its pointer and shares the most allocator state with malloc, exported ones
 * first; unique, else nothing (the module stays partial).
 */
function pairFree(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  const mallocs = [...found.values()].filter((a) => a.role === 'malloc');
  const ms = new Set<number>();
  for (const a of mallocs) for (const c of stateOf(m, callees, a.funcIndex)) ms.add(c);
  if (ms.size === 0) return;
  const exported = new Set<number>();
  for (const e of m.exports) if (e.kind === KIND.FUNC) exported.add(e.index);
  for (const pool of [[...exported], Array.from({ length: m.bodies.length }, (_, i) => i + m.numImportedFuncs)]) {
    let tops: number[] = [];
    let bestN = 0;
    for (const f of pool) {
      if (found.has(f) || f < m.numImportedFuncs || !sigIs(m, f, 1, 0) || !readsHeader(m, f)) continue;
      const n = shared(ms, stateOf(m, callees, f));
      if (n > bestN) {
        tops = [f];
        bestN = n;
      } else if (n === bestN && n > 0) tops.push(f);
    }
    // A wrapper that reads its own header and calls the free (x264_free in ffmpeg.wasm:
    // `if (p) free(((void **)p)[-1])`) shares all of the free's state: it yields to it.
    if (tops.length > 1) tops = tops.filter((f) => !callees[f].some((t) => t !== f && tops.includes(t)));
    const best = tops.length === 1 ? tops[0] : -1;
    const tie = tops.length > 1;
    if (best >= 0) {
      found.set(
        best,
        heuristic(m, 'free', best, null, `reads the chunk header below its pointer; shares ${bestN} static address(es) with malloc`),
      );
      return;
    }
    if (tie) return;
  }
}

/**
 * emmalloc's malloc is `memalign(8, size)` (@cornerstonejs/codec-charls:
 * the export is `i32.const 8; local.get 0; call X`), and the module's own
 * code calls X directly: X is hooked as memalign.
 */
function alignedInner(m: ParsedModule, found: Map<number, AllocatorInfo>): void {
  const b = m.bytes;
  for (const info of [...found.values()]) {
    if (info.role !== 'malloc') continue;
    const i = info.funcIndex - m.numImportedFuncs;
    if (i < 0 || i >= m.bodies.length) continue;
    const body = m.bodies[i];
    if (b[body.start] !== 0) continue;
    const d = decode(m, info.funcIndex);
    if (!d || d.n !== 4 || d.op[0] !== 0x41 || d.op[1] !== 0x20 || d.imm[1] !== 0 || d.op[2] !== 0x10 || d.op[3] !== 0x0b) continue;
    const align = d.imm[0];
    const x = d.imm[2];
    if (align < 1 || align > 64 || (align & (align - 1)) !== 0 || found.has(x) || x < m.numImportedFuncs || !sigIs(m, x, 2, 1)) continue;
    found.set(x, heuristic(m, 'memalign', x, null, `${info.name} is memalign(${align}, size)`));
  }
}

/**
 * dlmalloc's memalign, unnamed (ffmpeg.wasm: its av_malloc is posix_memalign(&p, 64, size)):
 * `alignment <= MALLOC_ALIGNMENT ? malloc(size) : internal_memalign(alignment, size)`, an
 * (i32, i32) -> i32 calling exactly a known malloc with (local 1) and one other function of
 * its type with (local 0, local 1), comparing local 0 with a power of two up to 16. Both are
 * memaligns: the inner one returns a pointer inside the block its malloc made, so unhooked,
 * every free of an aligned block was an invalid free and its malloc a leak. Unique, else nothing.
 */
function dlmemalign(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  const mallocs = new Set([...found.values()].filter((a) => a.role === 'malloc').map((a) => a.funcIndex));
  const hits: [number, number][] = [];
  for (let f = m.numImportedFuncs; f < m.funcTypes.length; f++) {
    const c = callees[f];
    if (found.has(f) || c.length !== 2 || !sigIs(m, f, 2, 1)) continue;
    const mal = c.find((t) => mallocs.has(t));
    const x = c.find((t) => !mallocs.has(t));
    if (mal === undefined || x === undefined || found.has(x) || x < m.numImportedFuncs || !sigIs(m, x, 2, 1)) continue;
    if (callArgLocals(m, f, mal, 1)?.join() !== '1' || callArgLocals(m, f, x, 2)?.join() !== '0,1') continue;
    const d = decode(m, f);
    if (!d) continue;
    let compares = false;
    for (let i = 0; i + 2 < d.n && !compares; i++) {
      const k = d.imm[i + 1];
      compares =
        d.op[i] === 0x20 &&
        d.imm[i] === 0 &&
        d.op[i + 1] === 0x41 &&
        k >= 4 &&
        k <= 16 &&
        (k & (k - 1)) === 0 &&
        d.op[i + 2] >= 0x49 &&
        d.op[i + 2] <= 0x50;
    }
    if (compares) hits.push([f, x]);
  }
  if (hits.length !== 1) return;
  const [f, x] = hits[0];
  found.set(f, heuristic(m, 'memalign', f, null, 'malloc(size) for a small alignment, else an inner memalign(alignment, size)'));
  found.set(x, heuristic(m, 'memalign', x, null, `called by ${nameOf(m, f)} with (alignment, size)`));
}

/**
 * realloc and calloc by structure, whenever malloc and free are known (a
 * module that exports malloc/free by name but not realloc/calloc still calls
 * its own): realloc is an (i32, i32) -> i32 function that calls the
 * malloc and the free, passes its pointer parameter to the free, reads the
 * chunk header below it (itself, or dlmalloc's try_realloc_chunk(m, p, n)
 * does) and shares the allocator's state; calloc is an (i32, i32) -> i32 function that calls
 * malloc, multiplies its two parameters, clears (memset, memory.fill) and
 * calls no free. Each only when unique.
 */
function complement(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  const roles = new Set([...found.values()].map((a) => a.role));
  const mallocs = new Set([...found.values()].filter((a) => a.role === 'malloc' || a.role === 'memalign').map((a) => a.funcIndex));
  const frees = new Set([...found.values()].filter((a) => a.role === 'free').map((a) => a.funcIndex));
  const ms = new Set<number>();
  for (const f of mallocs) for (const c of stateOf(m, callees, f)) ms.add(c);
  const arity = (f: number) => funcType(m, f)?.params.length ?? -1;
  const calls = (f: number, set: Set<number>): boolean => callees[f].some((t) => set.has(t));
  let reallocs: number[] = [];
  const callocs: number[] = [];
  for (let f = m.numImportedFuncs; f < m.funcTypes.length; f++) {
    if (found.has(f) || !calls(f, mallocs) || !sigIs(m, f, 2, 1)) continue;
    if (calls(f, frees)) {
      if (roles.has('realloc') || ![...paramPassedTo(m, f, 0, arity)].some((t) => frees.has(t))) continue;
      if ((readsHeader(m, f) || callees[f].some((t) => !found.has(t) && readsBelow(m, t, 1))) && shared(ms, stateOf(m, callees, f)) > 0)
        reallocs.push(f);
    } else if (!roles.has('calloc') && multipliesParams(m, f)) {
      if (usesBulk(m, f, 'fill') || callees[f].some((t) => !found.has(t) && sigIs(m, t, 3, 1))) callocs.push(f);
    }
  }
  // A caller of the realloc that does the same (ffmpeg.wasm: a 78-callee function calling
  // dlrealloc) yields to it, as a free's wrapper does in pairFree.
  const innermost = (list: number[]) => (list.length > 1 ? list.filter((f) => !callees[f].some((t) => t !== f && list.includes(t))) : list);
  reallocs = innermost(reallocs);
  if (reallocs.length === 1)
    found.set(
      reallocs[0],
      heuristic(m, 'realloc', reallocs[0], null, 'calls malloc and free, passes its pointer to free, reads its chunk header'),
    );
  if (callocs.length === 1)
    found.set(callocs[0], heuristic(m, 'calloc', callocs[0], null, 'calls malloc, multiplies its parameters, clears the block'));
}

/**
 * If `f` is a pure forwarder — `local.get 0 .. n-1; call X` (or return_call X)
 * to a function X of the same type — returns X, else -1. Rust's
 * __rust_alloc -> __rdl_alloc and emscripten's malloc -> dlmalloc look like this.
 */
export function forwardTarget(m: ParsedModule, f: number): number {
  const i = f - m.numImportedFuncs;
  if (i < 0 || i >= m.bodies.length) return -1;
  const body = m.bodies[i];
  const b = m.bytes;
  if (b[body.start] !== 0) return -1; // no locals
  const t = funcType(m, f);
  if (!t) return -1;
  let p = body.codeStart;
  for (let k = 0; k < t.params.length; k++, p += 2) if (b[p] !== 0x20 || b[p + 1] !== k) return -1;
  if (b[p] !== 0x10 && b[p] !== 0x12) return -1;
  let x = 0;
  let shift = 0;
  for (p++; ; p++, shift += 7) {
    x += (b[p] & 0x7f) * 2 ** shift;
    if (!(b[p] & 0x80)) break;
    if (shift > 28) return -1;
  }
  if (p + 2 !== body.end || b[p + 1] !== 0x0b) return -1;
  return m.funcTypes[x] === m.funcTypes[f] || sameSig(m, x, f) ? x : -1;
}

function sameSig(m: ParsedModule, a: number, b: number): boolean {
  const ta = funcType(m, a);
  const tb = funcType(m, b);
  return !!ta && !!tb && ta.params.join() === tb.params.join() && ta.results.join() === tb.results.join();
}

/**
 * An export that merely forwards to an unexported allocator found by
 * structure (markdown-wasm's `wrealloc` -> its internal realloc) is that
 * allocator for JS: the page wraps it, as it wraps `_malloc`.
 */
function exportedForwarders(m: ParsedModule, found: Map<number, AllocatorInfo>): void {
  const exported = new Set<AllocatorRole>();
  for (const e of m.exports) if (e.kind === KIND.FUNC && found.has(e.index)) exported.add(found.get(e.index)!.role);
  for (const e of m.exports) {
    if (e.kind !== KIND.FUNC || found.has(e.index)) continue;
    const x = forwardTarget(m, e.index);
    const info = x >= 0 ? found.get(x) : undefined;
    // Only for a role JS cannot reach otherwise (no export has it):
    // `do_free(p) { free(p); }` next to an exported free stays a caller.
    if (!info || info.foundBy !== 'heuristic' || info.role.startsWith('wbg_') || exported.has(info.role)) continue;
    found.set(e.index, heuristic(m, info.role, e.index, e.name, `forwards to ${info.name}`));
  }
}

/** Hooks the functions allocators merely forward to, so direct calls to those are seen too. */
function followForwarders(m: ParsedModule, found: Map<number, AllocatorInfo>): void {
  for (const info of [...found.values()]) {
    let f = info.funcIndex;
    for (let depth = 0; depth < 4; depth++) {
      const x = forwardTarget(m, f);
      if (x < 0 || found.has(x)) break;
      found.set(x, {
        ...heuristic(m, info.role, x, null, `${info.name} forwards to it`),
        confidence: info.confidence === 'certain' ? 'likely' : info.confidence,
      });
      f = x;
    }
  }
}
