import { ParsedModule, parseModule, SectionInfo, SEC_CUSTOM, SEC_TYPE, SEC_IMPORT, SEC_FUNCTION, SEC_EXPORT,
  SEC_CODE, KIND_FUNC, KIND_MEMORY, KIND_GLOBAL, funcType } from './reader';
import { AllocatorInfo, AllocatorRole, allocatorInternal, callGraph, discover } from './discover';
import { R_CALL, R_RETURN_CALL, R_MEM_GROW, R_MEM_SIZE, R_FUNCIDX } from './refs';
import { Editor } from './writer';
import { Cursor, encodeS32, pushName, pushU32 } from './leb128';
import { OffsetMap } from './offset-map';
import { InstrumentError } from './errors';

export type SiteRole = AllocatorRole | 'memory.grow';

export interface SiteInfo {
  /** Original index of the function containing the call (-1 never occurs; export sites use the allocator). */
  funcIndex: number;
  /** Module-relative offset of the original call instruction; -1 for export sites. */
  offset: number;
  role: SiteRole;
}

export interface ExportSite {
  exportName: string;
  site: number;
  role: AllocatorRole;
}

export interface InstrumentOptions {
  hookModule?: string;
}

export interface InstrumentResult {
  bytes: Uint8Array;
  allocators: AllocatorInfo[];
  sites: SiteInfo[];
  /** Export sites: the site id to report when JS calls an allocator export (also in `sites`, offset -1). */
  exportSites: ExportSite[];
  toOriginalFunc(newIndex: number): number;
  toOriginalOffset(newOffset: number): number;
  memoryExport: string | null;
  globalExports: string[];
  reason?: string;
}

export const HOOK_FIELD = 'ev';
export const EV_MALLOC = 1, EV_CALLOC = 2, EV_REALLOC = 3, EV_FREE = 4, EV_ALIGNED = 5, EV_POSIX_MEMALIGN = 6,
  EV_RUST_ALLOC = 7, EV_RUST_ALLOC_ZEROED = 8, EV_RUST_DEALLOC = 9, EV_RUST_REALLOC = 10, EV_MEMORY_GROW = 11;

/** How a wrapper fills ev(kind, a, b, c): 'r' = the call's result, a number = that parameter, null = 0. */
type Arg = 'r' | number | null;
const EVENT: Record<AllocatorRole, [number, Arg, Arg, Arg]> = {
  malloc: [EV_MALLOC, 'r', 0, null],
  wbg_malloc: [EV_MALLOC, 'r', 0, null],
  calloc: [EV_CALLOC, 'r', 0, 1],
  realloc: [EV_REALLOC, 'r', 0, 1],
  wbg_realloc: [EV_REALLOC, 'r', 0, 2], // (ptr, old, new[, align])
  free: [EV_FREE, 0, null, null],
  wbg_free: [EV_FREE, 0, null, null],
  aligned_alloc: [EV_ALIGNED, 'r', 1, 0], // (align, size)
  memalign: [EV_ALIGNED, 'r', 1, 0],
  posix_memalign: [EV_POSIX_MEMALIGN, 'r', 0, 2], // (outp, align, size)
  rust_alloc: [EV_RUST_ALLOC, 'r', 0, 1], // (size, align)
  rust_alloc_zeroed: [EV_RUST_ALLOC_ZEROED, 'r', 0, 1],
  rust_dealloc: [EV_RUST_DEALLOC, 0, 1, 2], // (ptr, size, align)
  rust_realloc: [EV_RUST_REALLOC, 'r', 0, 3], // (ptr, old, align, new)
};

function identityResult(bytes: Uint8Array, m: ParsedModule | null, allocators: AllocatorInfo[], reason: string): InstrumentResult {
  const mem = m?.exports.find((e) => e.kind === KIND_MEMORY && e.index === 0);
  return {
    bytes, allocators, sites: [], exportSites: [], memoryExport: mem ? mem.name : null, globalExports: [], reason,
    toOriginalFunc: (i) => i,
    toOriginalOffset: (o) => o,
  };
}

/** Where a new section with this id goes: before the first known section that must follow it. */
const ORDER = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];
function newSectionPos(m: ParsedModule, id: number): number {
  let after = -1;
  for (const s of m.sections) {
    if (s.id === SEC_CUSTOM) continue;
    if (ORDER[s.id] > ORDER[id]) return s.start;
    after = s.end;
  }
  return after >= 0 ? after : m.bytes.length;
}

/**
 * Appends entries to a vector section (type, import, function, export, code),
 * creating the section if the module has none.
 */
function appendToVector(ed: Editor, m: ParsedModule, id: number, regions: Map<SectionInfo, number>, count: number, entries: number[]): void {
  if (count === 0) return;
  const sec = m.sections.find((s) => s.id === id);
  if (sec) {
    const c = new Cursor(m.bytes, sec.contentStart, sec.end);
    const old = c.u32();
    ed.patchU32(sec.contentStart, c.last, old + count);
    ed.replace(sec.end, 0, entries, regions.get(sec)!);
  } else {
    const content: number[] = [];
    pushU32(content, count);
    for (const b of entries) content.push(b);
    const out: number[] = [id];
    pushU32(out, content.length);
    for (const b of content) out.push(b);
    ed.replace(newSectionPos(m, id), 0, out);
  }
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * Rewrites a module so every call to an allocator (and every memory.grow)
 * reports to an imported hook `ev(kind, a, b, c, site)`.
 *
 * Design: one function import is appended after the existing function
 * imports (so imported function indices stay put and defined functions shift
 * by exactly one), and one small wrapper function per call site is appended
 * after the defined functions. A call site only has its callee index changed,
 * re-encoded at the original LEB width when it fits, so function bodies
 * compiled by clang/LLVM (which pads call indices to 5 bytes) keep their size
 * and DWARF/code offsets stay exact; the site id is a constant baked into the
 * wrapper, so no instruction is inserted at the call site.
 */
export function instrument(bytes: Uint8Array, opts: InstrumentOptions = {}): InstrumentResult {
  const m = parseModule(bytes);
  const allocators = discover(m);
  if (m.memories.length > 0 && m.memories[0].memory64)
    return identityResult(bytes, m, allocators, 'memory64 (i64 pointers) is not instrumented');
  if (allocators.length === 0) return identityResult(bytes, m, allocators, 'no allocator found');
  return rewrite(m, allocators, opts.hookModule ?? '__wasm_leaks');
}

/**
 * Like `instrument`, with the allocator list given by the caller instead of
 * discovered (fuzz tests designate arbitrary functions; a UI could let the
 * user name the allocator of a stripped module). Functions whose type does
 * not fit the role are rejected.
 */
export function instrumentWith(bytes: Uint8Array, allocators: AllocatorInfo[], opts: InstrumentOptions = {}): InstrumentResult {
  const m = parseModule(bytes);
  if (m.memories.length > 0 && m.memories[0].memory64)
    return identityResult(bytes, m, allocators, 'memory64 (i64 pointers) is not instrumented');
  for (const a of allocators) {
    const t = funcType(m, a.funcIndex);
    const [, ...args] = EVENT[a.role];
    const needsResult = args.includes('r');
    const maxParam = Math.max(-1, ...args.filter((x): x is number => typeof x === 'number'));
    if (!t || t.params.some((v) => v !== 0x7f) || t.results.some((v) => v !== 0x7f) || t.results.length > 1 ||
      (needsResult && t.results.length !== 1) || t.params.length <= maxParam)
      throw new InstrumentError(`function ${a.funcIndex} does not have a ${a.role} signature`);
  }
  return rewrite(m, allocators, opts.hookModule ?? '__wasm_leaks');
}

function findFuncType(m: ParsedModule, params: number, results: number): number {
  for (let i = 0; i < m.types.length; i++) {
    const t = m.types[i];
    if (t && t.params.length === params && t.results.length === results &&
      t.params.every((v) => v === 0x7f) && t.results.every((v) => v === 0x7f)) return i;
  }
  return -1;
}

function rewrite(m: ParsedModule, allocators: AllocatorInfo[], hookModule: string): InstrumentResult {
  const bytes = m.bytes;
  const ed = new Editor(bytes);
  const I = m.numImportedFuncs;
  const D = m.bodies.length;
  const N = I + D;
  const shift = (f: number): number => (f >= I ? f + 1 : f);
  const evIndex = I;
  let nextFunc = N + 1;

  const regions = new Map<SectionInfo, number>();
  for (const s of m.sections) regions.set(s, ed.region(s.sizePos, s.sizeLen, s.contentStart, s.end, 1));
  const bodyRegion: number[] = m.bodies.map((b) => ed.region(b.sizePos, b.sizeLen, b.start, b.end, 2));

  // --- types: ev (i32 x5) -> () and (i32) -> i32 for memory.grow wrappers
  const newTypes: number[] = [];
  let typeCount = m.types.length;
  const needType = (params: number, results: number): number => {
    const t = findFuncType(m, params, results);
    if (t >= 0) return t;
    newTypes.push(0x60);
    pushU32(newTypes, params);
    for (let i = 0; i < params; i++) newTypes.push(0x7f);
    pushU32(newTypes, results);
    for (let i = 0; i < results; i++) newTypes.push(0x7f);
    return typeCount++;
  };
  const evType = needType(5, 0);
  let growType = -1;

  const allocByFunc = new Map<number, AllocatorInfo>();
  for (const a of allocators) allocByFunc.set(a.funcIndex, a);
  const callees = callGraph(m);
  const internal = allocatorInternal(m, allocators, callees);

  const sites: SiteInfo[] = [];
  const wrapperTypes: number[] = [];
  const wrapperBodies: number[] = [];
  const wrapperNames: [number, string][] = [];

  const emitWrapper = (typeIndex: number, body: number[], name: string): number => {
    wrapperTypes.push(typeIndex);
    pushU32(wrapperBodies, body.length);
    for (const b of body) wrapperBodies.push(b);
    const idx = nextFunc++;
    wrapperNames.push([idx, name]);
    return idx;
  };

  const callWrapper = (a: AllocatorInfo, site: number): number => {
    const t = funcType(m, a.funcIndex)!;
    const np = t.params.length;
    const hasResult = t.results.length === 1;
    const body: number[] = hasResult ? [1, 1, 0x7f] : [0];
    for (let i = 0; i < np; i++) body.push(0x20, i);
    body.push(0x10);
    pushU32(body, shift(a.funcIndex));
    if (hasResult) body.push(0x21, np);
    const [kind, ...args] = EVENT[a.role];
    body.push(0x41, kind);
    for (const arg of args) {
      if (arg === 'r') body.push(0x20, np);
      else if (arg === null) body.push(0x41, 0);
      else body.push(0x20, arg);
    }
    body.push(0x41, ...encodeS32(site), 0x10);
    pushU32(body, evIndex);
    if (hasResult) body.push(0x20, np);
    body.push(0x0b);
    return emitWrapper(m.funcTypes[a.funcIndex], body, `__wasm_leaks_site${site}_${a.name}`);
  };

  const growWrapper = (mem: number, site: number): number => {
    if (growType < 0) growType = needType(1, 1);
    const body: number[] = [1, 1, 0x7f, 0x20, 0, 0x40];
    pushU32(body, mem);
    body.push(0x21, 1, 0x41, EV_MEMORY_GROW, 0x20, 1, 0x20, 0, 0x41, ...encodeS32(mem), 0x41, ...encodeS32(site), 0x10);
    pushU32(body, evIndex);
    body.push(0x20, 1, 0x0b);
    return emitWrapper(growType, body, `__wasm_leaks_site${site}_memory_grow`);
  };

  // --- every function-index occurrence: renumber, or route through a wrapper
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) {
    const kind = refs.kind(i);
    const v = refs.value(i);
    const f = refs.func(i);
    if (kind === R_MEM_SIZE) continue;
    if (kind === R_MEM_GROW) {
      if (v >= m.memories.length || m.memories[v].memory64) continue;
      const site = sites.length;
      const at = refs.instrPos(i);
      sites.push({ funcIndex: f, offset: at, role: 'memory.grow' });
      const w = growWrapper(v, site);
      const call = [0x10];
      pushU32(call, w);
      ed.replace(at, refs.immPos(i) + refs.immLen(i) - at, call);
      continue;
    }
    let target = shift(v);
    if ((kind === R_CALL || kind === R_RETURN_CALL) && f >= 0 && !internal[f]) {
      const a = allocByFunc.get(v);
      if (a) {
        const site = sites.length;
        sites.push({ funcIndex: f, offset: refs.instrPos(i), role: a.role });
        // a return_call to the wrapper is fine: the wrapper makes a normal call to the allocator
        target = callWrapper(a, site);
      }
    }
    if (target !== v) ed.patchU32(refs.immPos(i), refs.immLen(i), target);
  }

  // --- export sites: JS calls to exported allocators are reported by the page, with these ids
  const exportSites: ExportSite[] = [];
  for (const e of m.exports) {
    const a = e.kind === KIND_FUNC ? allocByFunc.get(e.index) : undefined;
    if (!a) continue;
    exportSites.push({ exportName: e.name, site: sites.length, role: a.role });
    sites.push({ funcIndex: a.funcIndex, offset: -1, role: a.role });
  }

  // --- types, import, functions, code
  const typeEntries = newTypes;
  appendToVector(ed, m, SEC_TYPE, regions, typeCount - m.types.length, typeEntries);
  const imp: number[] = [];
  pushName(imp, hookModule);
  pushName(imp, 'ev');
  imp.push(0x00);
  pushU32(imp, evType);
  appendToVector(ed, m, SEC_IMPORT, regions, 1, imp);
  const fnEntries: number[] = [];
  for (const t of wrapperTypes) pushU32(fnEntries, t);
  appendToVector(ed, m, SEC_FUNCTION, regions, wrapperTypes.length, fnEntries);
  appendToVector(ed, m, SEC_CODE, regions, wrapperTypes.length, wrapperBodies);

  // --- exports: memory 0 and mutable i32 globals, for reading memory and scanning roots from JS
  const taken = new Set(m.exports.map((e) => e.name));
  const exp: number[] = [];
  let expCount = 0;
  let memoryExport: string | null = null;
  if (m.memories.length > 0) {
    const e = m.exports.find((x) => x.kind === KIND_MEMORY && x.index === 0);
    if (e) memoryExport = e.name;
    else {
      memoryExport = uniqueName(taken, '__wasm_leaks_memory');
      pushName(exp, memoryExport);
      exp.push(KIND_MEMORY, 0);
      expCount++;
    }
  }
  const globalExports: string[] = [];
  m.globals.forEach((g, gi) => {
    if (!g.mutable || g.valType !== 0x7f) return;
    const e = m.exports.find((x) => x.kind === KIND_GLOBAL && x.index === gi);
    if (e) return void globalExports.push(e.name);
    const name = uniqueName(taken, `__wasm_leaks_global${gi}`);
    pushName(exp, name);
    exp.push(KIND_GLOBAL);
    pushU32(exp, gi);
    expCount++;
    globalExports.push(name);
  });
  appendToVector(ed, m, SEC_EXPORT, regions, expCount, exp);

  // --- custom sections
  for (const s of m.sections) {
    if (s.id !== SEC_CUSTOM) continue;
    if (s.name === 'name' && m.names) renumberNames(ed, m, evIndex, shift, wrapperNames);
    // Branch hints are keyed by function index and body offset; they are only
    // hints, so dropping them is always correct.
    else if (s.name !== undefined && s.name.startsWith('metadata.code.')) ed.replace(s.start, s.end - s.start, []);
  }
  void bodyRegion;

  const { bytes: out, map } = ed.finish();
  return {
    bytes: out, allocators, sites, exportSites, memoryExport, globalExports,
    toOriginalFunc: (n) => (n < I ? n : n === I ? -1 : n <= N ? n - 1 : -1),
    toOriginalOffset: (o) => map.toOriginal(o),
  };
}

function renumberNames(ed: Editor, m: ParsedModule, evIndex: number, shift: (f: number) => number, wrapperNames: [number, string][]): void {
  const ns = m.names!;
  for (const sub of ns.funcIndexed) {
    const region = ed.region(sub.sizePos, sub.sizeLen, sub.contentStart, sub.end, 2);
    let evAt = -1;
    for (let k = 0; k < sub.idxPos.length; k++) {
      const v = sub.idxVal[k];
      if (v >= evIndex && evAt < 0) evAt = sub.idxPos[k];
      const nv = shift(v);
      if (nv !== v) ed.patchU32(sub.idxPos[k], sub.idxLen[k], nv);
    }
    if (sub.id !== 1) continue;
    // function names: name the hook import and the wrappers (stacks show them; toOriginalFunc hides them)
    const evEntry: number[] = [];
    pushU32(evEntry, evIndex);
    pushName(evEntry, '__wasm_leaks_ev');
    ed.replace(evAt >= 0 ? evAt : sub.end, 0, evEntry, region);
    const tail: number[] = [];
    for (const [idx, name] of wrapperNames) {
      pushU32(tail, idx);
      pushName(tail, name);
    }
    if (tail.length > 0) ed.replace(sub.end, 0, tail, region);
    ed.patchU32(sub.countPos, lebLenAt(m.bytes, sub.countPos), sub.count + 1 + wrapperNames.length);
  }
}

function lebLenAt(b: Uint8Array, p: number): number {
  let n = 1;
  while (b[p + n - 1] & 0x80) n++;
  return n;
}

/**
 * Parse + write with nothing changed: exercises the same reader, editor and
 * offset map as `instrument`. Used by the round-trip tests.
 */
export function roundTrip(bytes: Uint8Array): Uint8Array {
  const m = parseModule(bytes);
  const ed = new Editor(bytes);
  for (const s of m.sections) ed.region(s.sizePos, s.sizeLen, s.contentStart, s.end, 1);
  for (const b of m.bodies) ed.region(b.sizePos, b.sizeLen, b.start, b.end, 2);
  // rewrite every function index in place with its own value (checks positions and widths)
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) if (refs.kind(i) < R_MEM_GROW || refs.kind(i) === R_FUNCIDX) ed.patchU32(refs.immPos(i), refs.immLen(i), refs.value(i));
  if (m.names) for (const sub of m.names.funcIndexed) for (let k = 0; k < sub.idxPos.length; k++) ed.patchU32(sub.idxPos[k], sub.idxLen[k], sub.idxVal[k]);
  return ed.finish().bytes;
}

export { OffsetMap, SEC_IMPORT, SEC_EXPORT };
