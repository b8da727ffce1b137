import { ParsedModule, KIND_FUNC, funcType } from './reader';
import { R_CALL, R_RETURN_CALL, R_REF_FUNC, R_FUNCIDX, R_MEM_GROW, R_MEM_SIZE } from './refs';

export type AllocatorRole =
  | 'malloc' | 'calloc' | 'realloc' | 'free' | 'aligned_alloc' | 'posix_memalign' | 'memalign'
  | 'rust_alloc' | 'rust_alloc_zeroed' | 'rust_dealloc' | 'rust_realloc'
  | 'wbg_malloc' | 'wbg_free' | 'wbg_realloc';

export interface AllocatorInfo {
  role: AllocatorRole;
  /** Function index in the original module. */
  funcIndex: number;
  name: string;
  foundBy: 'export' | 'name' | 'import' | 'heuristic';
  confidence: 'certain' | 'likely';
}

/** Accepted signatures per role: [param count, result count], all i32. */
const SIGS: Record<AllocatorRole, [number, number][]> = {
  malloc: [[1, 1]], free: [[1, 0]], calloc: [[2, 1]], realloc: [[2, 1]], aligned_alloc: [[2, 1]],
  memalign: [[2, 1]], posix_memalign: [[3, 1]], rust_alloc: [[2, 1]], rust_alloc_zeroed: [[2, 1]],
  rust_dealloc: [[3, 0]], rust_realloc: [[4, 1]],
  // wasm-bindgen changed these over versions: malloc(size[, align]), free(ptr, size[, align]),
  // realloc(ptr, old, new[, align])
  wbg_malloc: [[1, 1], [2, 1]], wbg_free: [[2, 0], [3, 0]], wbg_realloc: [[3, 1], [4, 1]],
};

const NAMES: Record<string, AllocatorRole> = {};
function names(role: AllocatorRole, list: string): void {
  for (const n of list.split(' ')) NAMES[n] = role;
}
names('malloc', 'malloc emscripten_builtin_malloc dlmalloc emmalloc_malloc');
names('free', 'free emscripten_builtin_free dlfree emmalloc_free');
names('calloc', 'calloc emscripten_builtin_calloc dlcalloc emmalloc_calloc');
names('realloc', 'realloc emscripten_builtin_realloc dlrealloc emmalloc_realloc');
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
  _Znwm: 'malloc', _Znwj: 'malloc', _Znam: 'malloc', _Znaj: 'malloc',
  _ZdlPv: 'free', _ZdaPv: 'free', _ZdlPvm: 'free', _ZdaPvm: 'free', _ZdlPvj: 'free', _ZdaPvj: 'free',
};

export function allocatorRoleForName(name: string): AllocatorRole | undefined {
  return Object.prototype.hasOwnProperty.call(NAMES, name) ? NAMES[name] : undefined;
}

function sigMatches(m: ParsedModule, func: number, role: AllocatorRole, cxx: boolean): boolean {
  const t = funcType(m, func);
  if (!t) return false;
  for (const v of t.params) if (v !== 0x7f) return false;
  for (const v of t.results) if (v !== 0x7f) return false;
  // sized delete: (ptr, size) -> ()
  if (cxx && role === 'free' && t.params.length === 2 && t.results.length === 0) return true;
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
    const isCxx = Object.prototype.hasOwnProperty.call(CXX, name);
    const role = isCxx ? CXX[name] : allocatorRoleForName(name);
    if (!role || !sigMatches(m, func, role, isCxx)) return;
    const info: AllocatorInfo = { role, funcIndex: func, name, foundBy, confidence: 'certain' };
    if (isCxx) cxx.push(info);
    else found.set(func, info);
  };
  for (const e of m.exports) if (e.kind === KIND_FUNC) consider(e.index, e.name, 'export');
  for (const [func, name] of m.funcNames) if (func < m.funcTypes.length) consider(func, name, 'name');
  for (const imp of m.imports) if (imp.kind === KIND_FUNC) consider(imp.index, imp.field, 'import');

  let callees: number[][] | null = null;
  const graph = () => (callees ??= callGraph(m));
  if (cxx.length > 0) {
    for (const info of cxx) {
      if (found.has(info.funcIndex)) continue;
      if (graph()[info.funcIndex].some((t) => found.has(t))) continue; // just forwards to malloc/free
      found.set(info.funcIndex, info);
    }
  }
  let roles = new Set([...found.values()].map((a) => a.role));
  if (!roles.has('wbg_malloc') && !roles.has('wbg_free') && !roles.has('malloc') && !roles.has('rust_alloc')) {
    if (renamedWasmBindgen(m, found, graph())) roles = new Set([...found.values()].map((a) => a.role));
  }
  if (roles.has('wbg_malloc') || roles.has('wbg_free') || roles.has('wbg_realloc')) {
    if (!roles.has('rust_alloc') && !roles.has('malloc')) followWasmBindgen(m, found, graph());
  }
  if (found.size === 0) structural(m, found, graph());
  followForwarders(m, found);
  return [...found.values()].sort((a, b) => a.funcIndex - b.funcIndex);
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
  for (const a of allocators) if (!internal[a.funcIndex]) { internal[a.funcIndex] = 1; work.push(a.funcIndex); }
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

function sigIs(m: ParsedModule, func: number, params: number, results: number): boolean {
  const t = funcType(m, func);
  return !!t && t.params.length === params && t.results.length === results &&
    t.params.every((v) => v === 0x7f) && t.results.every((v) => v === 0x7f);
}

/** Name-section name, else export name (sql.js: "Ia"), else a placeholder. */
const nameOf = (m: ParsedModule, f: number) =>
  m.funcNames.get(f) ?? m.exports.find((e) => e.kind === KIND_FUNC && e.index === f)?.name ?? `func${f}`;

/**
 * Newer wasm-bindgen can rename its allocator exports `__wbindgen_export_<n>`
 * (tiktoken 1.0: `_1` malloc, `_2` realloc, `_3` free; `_0` is the exception
 * store, other numbers can be tables or externref helpers). Recognised by
 * their exact types: malloc (size, align) -> ptr, realloc (ptr, old, new,
 * align) -> ptr, free (ptr, size, align) -> (), all i32. Each role must have
 * exactly one candidate, malloc and free are both required (realloc is
 * optional), and both must lead to the internal Rust allocator
 * (followWasmBindgen), else nothing is kept: better no hook than a wrong one.
 */
function renamedWasmBindgen(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): boolean {
  const SHAPES: [AllocatorRole, number, number][] = [['wbg_malloc', 2, 1], ['wbg_realloc', 4, 1], ['wbg_free', 3, 0]];
  const cands = new Map<AllocatorRole, { func: number; name: string }[]>();
  for (const e of m.exports) {
    if (e.kind !== KIND_FUNC || !/^__wbindgen_export_\d+$/.test(e.name) || found.has(e.index)) continue;
    if (e.index < m.numImportedFuncs) continue;
    const shape = SHAPES.find(([, p, r]) => sigIs(m, e.index, p, r));
    if (!shape) continue;
    const list = cands.get(shape[0]) ?? [];
    if (!list.some((c) => c.func === e.index)) list.push({ func: e.index, name: e.name });
    cands.set(shape[0], list);
  }
  for (const [, list] of cands) if (list.length !== 1) return false;
  if (!cands.has('wbg_malloc') || !cands.has('wbg_free')) return false;
  const trial = new Map<number, AllocatorInfo>();
  for (const [role, [c]] of cands) {
    trial.set(c.func, { role, funcIndex: c.func, name: c.name, foundBy: 'heuristic', confidence: 'likely' });
  }
  const exportsFound = new Set(trial.keys());
  followWasmBindgen(m, trial, callees);
  // Every export must have led somewhere: malloc and free to an allocator each.
  const led = (f: number) => callees[f].some((t) => trial.has(t) && !exportsFound.has(t));
  for (const f of exportsFound) if (!led(f)) return false;
  for (const [f, info] of trial) found.set(f, info);
  return true;
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
 * unnamed): follow the one call each makes to find it.
 */
function followWasmBindgen(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  const WANT: Partial<Record<AllocatorRole, [number, number, AllocatorRole][]>> = {
    wbg_malloc: [[2, 1, 'rust_alloc'], [1, 1, 'malloc']],
    wbg_free: [[3, 0, 'rust_dealloc'], [1, 0, 'free']],
    wbg_realloc: [[4, 1, 'rust_realloc'], [2, 1, 'realloc']],
  };
  for (const info of [...found.values()]) {
    const want = WANT[info.role];
    if (!want) continue;
    const hits: [number, AllocatorRole][] = [];
    for (const t of callees[info.funcIndex]) {
      if (found.has(t) || t < m.numImportedFuncs) continue;
      const w = want.find(([p, r]) => sigIs(m, t, p, r));
      if (w) hits.push([t, w[2]]);
    }
    if (info.role === 'wbg_malloc' && hits.length === 2 && inlinedDlmalloc(m, info.funcIndex, hits, found)) continue;
    if (hits.length !== 1) continue; // ambiguous: better nothing than a wrong hook
    const [t, role] = hits[0];
    found.set(t, { role, funcIndex: t, name: nameOf(m, t), foundBy: 'heuristic', confidence: 'likely' });
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
  found.set(one[0], { role: 'malloc', funcIndex: one[0], name: nameOf(m, one[0]), foundBy: 'heuristic', confidence: 'likely' });
  found.set(two[0], { role: 'memalign', funcIndex: two[0], name: nameOf(m, two[0]), foundBy: 'heuristic', confidence: 'likely' });
  return true;
}

/**
 * No names at all (minified emscripten, e.g. sql.js exports malloc as "Ia"):
 * malloc is the exported (i32)->i32 function closest (in direct calls) to a
 * memory.grow/memory.size (sbrk), called from at least two places; free is
 * the exported (i32)->() function most often called by the same functions
 * that call malloc. Both must be found and unambiguous, else nothing is.
 */
function structural(m: ParsedModule, found: Map<number, AllocatorInfo>, callees: number[][]): void {
  const n = m.funcTypes.length;
  const callers: number[][] = [];
  for (let f = 0; f < n; f++) callers.push([]);
  for (let f = 0; f < n; f++) for (const t of callees[f]) if (t !== f) callers[t].push(f);
  const dist = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) {
    const k = refs.kind(i);
    const f = refs.func(i);
    if ((k === R_MEM_GROW || k === R_MEM_SIZE) && f >= 0 && dist[f] < 0) { dist[f] = 0; queue.push(f); }
  }
  for (let q = 0; q < queue.length; q++) {
    const f = queue[q];
    for (const c of callers[f]) if (dist[c] < 0) { dist[c] = dist[f] + 1; queue.push(c); }
  }
  const exported = new Set<number>();
  for (const e of m.exports) if (e.kind === KIND_FUNC) exported.add(e.index);
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
    if (dist[f] < bestDist) { best = f; bestDist = dist[f]; tie = false; mallocCallers = cs; }
    else if (dist[f] === bestDist) tie = true;
  }
  if (best < 0 || tie || bestDist > 3) return;
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
  const free = tops.length === 1 ? tops[0] : -1;
  tie = tops.length > 1;
  // Both or nothing: a lone (i32)->i32 export near memory.grow may just be a
  // "grow the heap" helper, and false events would show phantom leaks.
  if (free < 0 || tie) return;
  found.set(best, { role: 'malloc', funcIndex: best, name: nameOf(m, best), foundBy: 'heuristic', confidence: 'likely' });
  found.set(free, { role: 'free', funcIndex: free, name: nameOf(m, free), foundBy: 'heuristic', confidence: 'likely' });
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

/** Hooks the functions allocators merely forward to, so direct calls to those are seen too. */
function followForwarders(m: ParsedModule, found: Map<number, AllocatorInfo>): void {
  for (const info of [...found.values()]) {
    let f = info.funcIndex;
    for (let depth = 0; depth < 4; depth++) {
      const x = forwardTarget(m, f);
      if (x < 0 || found.has(x)) break;
      found.set(x, { role: info.role, funcIndex: x, name: nameOf(m, x), foundBy: 'heuristic', confidence: info.confidence === 'certain' ? 'likely' : info.confidence });
      f = x;
    }
  }
}
