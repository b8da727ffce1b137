import { type ParsedModule, parseModule, type SectionInfo, SEC, KIND, funcType, type FuncType } from './reader';
import { type AllocatorInfo, type AllocatorRole, allocatorInternal, callGraph, discover, unpairedReason } from './discover';
import {
  R_CALL,
  R_RETURN_CALL,
  R_MEM_GROW,
  R_MEM_SIZE,
  R_FUNCIDX,
  R_REF_FUNC,
  R_CALL_INDIRECT,
  R_RETURN_CALL_INDIRECT,
  R_CALL_REF,
  R_RETURN_CALL_REF,
} from './refs';
import { CtxBodies, reachingCalls, simpleType } from './contexts';
import { allocatorWrappers } from './fold';
import { Editor } from './writer';
import type { OffsetMap } from './offset-map';
import { appendNames } from './names';
import { EVENT, allocWrapperBody, evCall, growWrapperBody } from './wrappers';
import {
  allocWrapperBodyTable,
  freeWrapperBodyTable,
  tableLayout,
  TABLE_ALLOC_ROLES,
  TABLE_FREE_ROLES,
  type TableLayout,
} from './table-wrappers';
import { Cursor } from './cursor';
import { Bytes } from './bytes';
import { SiteBodies } from './site-slots';
import { pushName, pushU32 } from './leb128';
import { InstrumentError } from './errors';

export type SiteRole = AllocatorRole | 'memory.grow';

/** First id of context call sites (src/wasm/contexts.ts), apart from the allocator sites in `sites`. */
export const CTX_SITE_BASE = 1 << 24;

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

/**
 * How an event leaves wasm. 'call': every event calls the `ev` import.
 * 'table': wrappers of malloc/free-like sites keep the live-block table
 * themselves, in a second memory (multi-memory: Chromium ≥ 120, not Node 20),
 * see `TableInfo` and table-wrappers.ts; other sites stay on the call path.
 */
export type EventPath = 'call' | 'table';

export interface InstrumentOptions {
  /**
   * Default true: calls that can reach an allocator keep a calling context
   * (src/wasm/contexts.ts), so each block gets its own whole stack. false:
   * one stack per allocator call site (benchmarks compare the two).
   */
  contexts?: boolean;
  /** Default 'call'. 'table' falls back to 'call' for a module without memory (`table` is then null). */
  eventPath?: EventPath;
}

/**
 * Table mode: the appended memory holding the live-block table (exported,
 * new last memory index; the module's own memories keep their indices) and
 * where things are in it (src/wasm/table-wrappers.ts). Until the page writes
 * the header, every event calls `ev`.
 */
export interface TableInfo extends TableLayout {
  memoryExport: string;
}

export interface InstrumentResult {
  bytes: Uint8Array;
  allocators: AllocatorInfo[];
  sites: SiteInfo[];
  /** Export sites: the site id to report when JS calls an allocator export (also in `sites`, offset -1). */
  exportSites: ExportSite[];
  /** The module's own functions keep their indices: n below the number of functions, -1 for the rewriter's. */
  toOriginalFunc(newIndex: number): number;
  toOriginalOffset(newOffset: number): number;
  /** The map behind toOriginalOffset, as data for another context (a module rewritten in a worker); absent when unchanged. */
  offsets?: OffsetMap;
  /**
   * Export name of the funcref table (appended after the module's tables)
   * whose element 0 must hold `ev` before any event: see hook.ts
   * (`linkHook`). Empty when the module was not rewritten.
   */
  hookTable: string;
  /**
   * The module's start function, taken out of the start section and
   * exported under this name: it allocates before any JS could fill the
   * hook table, so `linkHook` calls it once the table holds `ev`.
   */
  startExport: string | null;
  memoryExport: string | null;
  globalExports: string[];
  /** Memory 0 is shared (threads): on the call path whatever was asked, events ordered by the page (shared-log.ts). */
  shared?: boolean;
  /** Table mode only. */
  table: TableInfo | null;
  /** Call sites that keep the calling context (0 with contexts off). */
  contextSites: number;
  /**
   * Functions (original indices) found to only forward to the allocator
   * (operator new, xmalloc-style helpers, size-prefixing layers): their frames
   * are folded, and an allocation's site is the first frame outside them.
   */
  allocWrappers: number[];
  /** Export name of each exported function (original index): frame names for modules without a name section. */
  exportNames: [number, string][];
  reason?: string;
  /**
   * Instrumented, but allocations are hooked without their matching free
   * (discover.ts, unpairedReason): live figures are an upper bound and the
   * page reports no misuse for the module. Says why.
   */
  partial?: string;
}

function identityResult(bytes: Uint8Array, m: ParsedModule | null, allocators: AllocatorInfo[], reason: string): InstrumentResult {
  const mem = m?.exports.find((e) => e.kind === KIND.MEMORY && e.index === 0);
  return {
    bytes,
    allocators,
    sites: [],
    exportSites: [],
    memoryExport: mem ? mem.name : null,
    globalExports: [],
    table: null,
    contextSites: 0,
    allocWrappers: [],
    exportNames: exportNamesOf(m),
    reason,
    hookTable: '',
    startExport: null,
    toOriginalFunc: (i) => i,
    toOriginalOffset: (o) => o,
  };
}

/** Where a new section with this id goes: before the first known section that must follow it. */
const ORDER = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];
function newSectionPos(m: ParsedModule, id: number): number {
  let after = -1;
  for (const s of m.sections) {
    if (s.id === SEC.CUSTOM) continue;
    if (ORDER[s.id] > ORDER[id]) return s.start;
    after = s.end;
  }
  return after >= 0 ? after : m.bytes.length;
}

/**
 * Appends entries to a vector section (type, import, function, export, code),
 * creating the section if the module has none.
 */
function appendToVector(
  ed: Editor,
  m: ParsedModule,
  id: number,
  regions: Map<SectionInfo, number>,
  count: number,
  entries: number[] | Uint8Array,
): void {
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

function exportNamesOf(m: ParsedModule | null): [number, string][] {
  const out: [number, string][] = [];
  if (m) for (const e of m.exports) if (e.kind === KIND.FUNC) out.push([e.index, e.name]);
  return out;
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * Rewrites a module so every call to an allocator (and every memory.grow)
 * reports to a hook `ev(kind, a, b, c, site, key)`.
 *
 * Design: nothing is imported and no index of the module moves. One small
 * wrapper function per call site is appended after the defined functions
 * (so every function keeps its index, and stack traces and crash reports
 * name the same `wasm-function[N]` as without us); the wrappers reach `ev`
 * through `call_indirect` into a funcref table appended after the module's
 * tables, which the page fills after instantiation (hook.ts). A call site only has its callee index changed,
 * re-encoded at the original LEB width when it fits, so function bodies
 * compiled by clang/LLVM (which pads call indices to 5 bytes) keep their size
 * and DWARF/code offsets stay exact; the site id is a constant baked into the
 * wrapper, so no instruction is inserted at the call site.
 */
export function instrument(bytes: Uint8Array, opts: InstrumentOptions = {}): InstrumentResult {
  const m = parseModule(bytes);
  checkRewritable(m, opts);
  const allocators = discover(m);
  if (m.memories.length > 0 && m.memories[0].memory64)
    return identityResult(bytes, m, allocators, 'memory64 (i64 pointers) is not instrumented');
  if (allocators.length === 0) return identityResult(bytes, m, allocators, 'no allocator found');
  return withPartial(rewrite(m, allocators, opts));
}

/**
 * Like `instrument`, with the allocator list given by the caller instead of
 * discovered (fuzz tests designate arbitrary functions; a UI could let the
 * user name the allocator of a stripped module). Functions whose type does
 * not fit the role are rejected.
 */
export function instrumentWith(bytes: Uint8Array, allocators: AllocatorInfo[], opts: InstrumentOptions = {}): InstrumentResult {
  const m = parseModule(bytes);
  checkRewritable(m, opts);
  if (m.memories.length > 0 && m.memories[0].memory64)
    return identityResult(bytes, m, allocators, 'memory64 (i64 pointers) is not instrumented');
  for (const a of allocators) {
    const t = funcType(m, a.funcIndex);
    const [, ...args] = EVENT[a.role];
    const needsResult = args.includes('r');
    const maxParam = Math.max(-1, ...args.filter((x): x is number => typeof x === 'number'));
    if (
      !t ||
      t.params.some((v) => v !== 0x7f) ||
      t.results.some((v) => v !== 0x7f) ||
      t.results.length > 1 ||
      (needsResult && t.results.length !== 1) ||
      t.params.length <= maxParam
    )
      throw new InstrumentError(`function ${a.funcIndex} does not have a ${a.role} signature`);
  }
  return withPartial(rewrite(m, allocators, opts));
}

function withPartial(r: InstrumentResult): InstrumentResult {
  const partial = unpairedReason(r.allocators);
  if (partial) r.partial = partial;
  return r;
}

/** Export name of the hook table (hook.ts); a module that already exports it was instrumented. */
export const HOOK_TABLE = '__wasm_leaks_ev';

/**
 * Refuses modules whose renumbering we could not keep consistent: relocatable
 * objects (their "linking"/"reloc.*" sections point at code offsets and
 * indices) and modules already instrumented (they export our hook table, or
 * import the hook as earlier versions did): twice would report every event twice.
 */
function checkRewritable(m: ParsedModule, _opts: InstrumentOptions): void {
  for (const s of m.sections)
    if (s.id === SEC.CUSTOM && (s.name === 'linking' || s.name?.startsWith('reloc.')))
      throw new InstrumentError(`relocatable object file (custom section "${s.name}") is not instrumented`);
  if (m.imports.some((i) => i.module === '__wasm_leaks') || m.exports.some((e) => e.kind === KIND.TABLE && e.name.startsWith(HOOK_TABLE)))
    throw new InstrumentError('module already instrumented (it has our hook table)');
}

/** The module's function types, and those the rewriter appends (each once). */
class TypeTable {
  readonly entries: number[] = [];
  added = 0;
  private readonly byKey = new Map<string, number>();
  constructor(private readonly m: ParsedModule) {}

  /** Index of the function type (params) -> (results): the module's own, else a new one. */
  need(params: number[], results: number[]): number {
    const t = findFuncType(this.m, params, results);
    if (t >= 0) return t;
    const key = `${params.join(',')}>${results.join(',')}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const e = this.entries;
    e.push(0x60);
    pushU32(e, params.length);
    e.push(...params);
    pushU32(e, results.length);
    e.push(...results);
    const index = this.m.types.length + this.added++;
    this.byKey.set(key, index);
    return index;
  }
}

function findFuncType(m: ParsedModule, params: number[], results: number[]): number {
  for (let i = 0; i < m.types.length; i++) {
    const t = m.types[i];
    if (
      t &&
      t.params.length === params.length &&
      t.results.length === results.length &&
      t.params.every((v, k) => v === params[k]) &&
      t.results.every((v, k) => v === results[k])
    )
      return i;
  }
  return -1;
}

function rewrite(m: ParsedModule, allocators: AllocatorInfo[], opts: InstrumentOptions): InstrumentResult {
  const eventPath = opts.eventPath ?? 'call';
  const bytes = m.bytes;
  const ed = new Editor(bytes, m.refs.length);
  const I = m.numImportedFuncs;
  const D = m.bodies.length;
  const N = I + D;
  let nextFunc = N;

  const regions = new Map<SectionInfo, number>();
  for (const s of m.sections) regions.set(s, ed.region(s.sizePos, s.sizeLen, s.contentStart, s.end, 1));
  for (const b of m.bodies) ed.region(b.sizePos, b.sizeLen, b.start, b.end, 2);

  // --- types: ev (i32 ×5, f64) -> i32, (i32) -> i32 for memory.grow wrappers, indirect-call wrappers
  const types = new TypeTable(m);
  const needType = (params: number[], results: number[]): number => types.need(params, results);
  const I32 = 0x7f,
    F64 = 0x7c;
  const evType = needType([I32, I32, I32, I32, I32, F64], [I32]);
  // ev is element 0 of one appended funcref table (the last table index, so no table index moves)
  const ev = evCall(evType, m.tables);
  let growType = -1;

  const allocByFunc = new Map<number, AllocatorInfo>();
  for (const a of allocators) allocByFunc.set(a.funcIndex, a);
  const callees = callGraph(m);
  const internal = allocatorInternal(m, allocators, callees);
  // --- calling contexts: one appended mutable i64 global (after every existing one, so no index moves)
  const contexts = opts.contexts !== false;
  const ctx = contexts ? m.globals.length : -1;
  const reach = contexts ? reachingCalls(m, allocators, internal) : null;
  let contextSites = 0;

  const sites: SiteInfo[] = [];
  // The appended functions, written as they are made: their Function section
  // entries, their bodies (each with its size prefix) and, when the module has
  // a name section, their name entries. One buffer each, never an array per
  // wrapper (issue 15: tens of thousands of wrappers in large modules).
  let wrappers = 0;
  const fnEntries = new Bytes();
  // sized for one wrapper per reference (of ≈30–60 bytes): growing by doubling copies and touches fresh memory
  const code = new Bytes(Math.max(1 << 16, m.refs.length * 48));
  const names = m.names ? new Bytes() : null;

  /** Starts wrapper `nextFunc`: its type and name; the caller then appends its body to `code`. */
  const emitWrapper = (typeIndex: number, name: string): number => {
    wrappers++;
    fnEntries.u32(typeIndex);
    const idx = nextFunc++;
    if (names) {
      names.u32(idx);
      names.name(name);
    }
    return idx;
  };
  const emitBody = (body: number[]): void => code.raw(body);

  // --- table mode: one appended memory; its layout depends on the number of sites, known after the scan
  // A shared memory (threads) keeps the call path: the table memory would be
  // one per instance, i.e. per thread, and each thread's table would miss the
  // blocks the others free; the page orders all threads' events in one log.
  const shared = m.memories[0]?.shared === true;
  const tableMem = eventPath === 'table' && m.memories.length > 0 && !shared ? m.memories.length : -1;
  // allocator wrappers: one template per allocator, copied for each site (site-slots.ts)
  const callBodies = new SiteBodies();
  // where in `code` each table wrapper's body goes
  const pendingTable: { at: number; t: FuncType; a: AllocatorInfo; site: number; free: boolean }[] = [];

  const callWrapper = (a: AllocatorInfo, site: number): number => {
    const t = funcType(m, a.funcIndex)!;
    const idx = emitWrapper(m.funcTypes[a.funcIndex], `__wasm_leaks_site${site}_${a.name}`);
    if (tableMem >= 0 && (TABLE_ALLOC_ROLES.has(a.role) || TABLE_FREE_ROLES.has(a.role))) {
      // body inserted below, once the layout (number of sites) is known
      pendingTable.push({ at: code.length, t, a, site, free: TABLE_FREE_ROLES.has(a.role) });
    } else
      callBodies.emit(code, `${a.role}${a.funcIndex}`, site, (slots) =>
        allocWrapperBody(t, a.role, a.funcIndex, ev, site, ctx, slots, shared),
      );
    return idx;
  };

  const ctxBodies = new CtxBodies(ctx);
  // Context sites are numbered apart from allocator sites (the page never sees them).
  const ctxWrapper = (np: number, type: number, func: number, callType: number, table: number): number => {
    const n = contextSites++;
    const idx = emitWrapper(type, names ? `__wasm_leaks_ctx${n}` : '');
    ctxBodies.write(code, np, CTX_SITE_BASE + n, func, callType, table);
    return idx;
  };

  const growWrapper = (mem: number, site: number): number => {
    if (growType < 0) growType = needType([I32], [I32]);
    const idx = emitWrapper(growType, `__wasm_leaks_site${site}_memory_grow`);
    emitBody(growWrapperBody(mem, ev, site));
    return idx;
  };
  // the type of the wrapper of an indirect call through type v: (params, i32 table index) -> results
  const indirectTypes = new Map<number, number>();
  const simple = new Int8Array(m.types.length).fill(-1);
  const isSimple = (v: number): boolean => {
    if (v >= simple.length) return simpleType(m, v);
    if (simple[v] < 0) simple[v] = simpleType(m, v) ? 1 : 0;
    return simple[v] === 1;
  };

  // Exported allocators (and allocators in tables or taken by ref.func) point
  // at a wrapper of their own, an "export site": JS calls (emscripten's
  // `_malloc`, sql.js's minified `Ia`) and indirect calls are then counted in
  // wasm, and the export stays a real wasm function of the same type.
  const exportWrappers = new Map<number, { site: number; index: number }>();
  const exportWrapper = (a: AllocatorInfo): number => {
    let w = exportWrappers.get(a.funcIndex);
    if (!w) {
      const site = sites.length;
      sites.push({ funcIndex: a.funcIndex, offset: -1, role: a.role });
      w = { site, index: callWrapper(a, site) };
      exportWrappers.set(a.funcIndex, w);
    }
    return w.index;
  };
  const startSection = m.sections.find((sec) => sec.id === SEC.START);

  // --- every function-index occurrence: renumber, or route through a wrapper
  const refs = m.refs;
  for (let i = 0; i < refs.length; i++) {
    const kind = refs.kind(i);
    const v = refs.value(i);
    const f = refs.func(i);
    if (kind === R_MEM_SIZE || kind === R_CALL_REF || kind === R_RETURN_CALL_REF) continue; // call_ref: no context (typed references)
    if (kind === R_CALL_INDIRECT || kind === R_RETURN_CALL_INDIRECT) {
      if (reach && f >= 0 && !internal[f] && reach.types.has(v) && isSimple(v)) {
        const t = m.types[v]!;
        const c = new Cursor(bytes, refs.immPos(i), refs.immPos(i) + refs.immLen(i));
        c.u32();
        const table = c.u32();
        let wt = indirectTypes.get(v);
        if (wt === undefined) indirectTypes.set(v, (wt = needType([...t.params, I32], t.results)));
        const w = ctxWrapper(t.params.length + 1, wt, -1, v, table);
        const call = [kind === R_CALL_INDIRECT ? 0x10 : 0x12];
        pushU32(call, w);
        // A different length: the offset map takes V8's offsets back to the original.
        ed.replace(refs.instrPos(i), 1 + refs.immLen(i), call);
      }
      continue;
    }
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
    let target = v;
    if ((kind === R_FUNCIDX || kind === R_REF_FUNC) && !(f >= 0 && internal[f])) {
      const a = allocByFunc.get(v);
      const at = refs.instrPos(i);
      if (a && !(startSection && at >= startSection.start && at < startSection.end)) target = exportWrapper(a);
    } else if ((kind === R_CALL || kind === R_RETURN_CALL) && f >= 0 && !internal[f]) {
      const a = allocByFunc.get(v);
      if (a) {
        const site = sites.length;
        sites.push({ funcIndex: f, offset: refs.instrPos(i), role: a.role });
        // a return_call to the wrapper is fine: the wrapper makes a normal call to the allocator
        target = callWrapper(a, site);
      } else if (reach && reach.funcs[v] && v < N && v !== f) {
        // Direct self-recursion keeps its caller's context: a binary tree
        // built recursively would otherwise give every node a path of its
        // own (65,535 contexts for 65,535 nodes). The page folds the
        // recursive frames the same way (src/agent/stack.ts).
        const type = m.funcTypes[v];
        target = ctxWrapper(m.types[type]!.params.length, type, v, 0, 0);
      }
    }
    if (target !== v) ed.patchU32(refs.immPos(i), refs.immLen(i), target);
  }

  // --- export sites: which exports are counted in wasm, with their site ids
  const exportSites: ExportSite[] = [];
  for (const e of m.exports) {
    const a = e.kind === KIND.FUNC ? allocByFunc.get(e.index) : undefined;
    const w = a && exportWrappers.get(a.funcIndex);
    if (a && w) exportSites.push({ exportName: e.name, site: w.site, role: a.role });
  }

  let layout: TableLayout | null = null;
  let codeEntries = code.view();
  if (tableMem >= 0) {
    layout = tableLayout(sites.length);
    // the table wrappers' bodies, now that the layout is known, each where it belongs
    if (pendingTable.length > 0) {
      const all = new Bytes(code.length + pendingTable.length * 400);
      const bodies = new SiteBodies(layout.siteMap);
      const L = layout;
      let from = 0;
      for (const { at, t, a, site, free } of pendingTable) {
        all.append(code.buf, from, at);
        from = at;
        bodies.emit(all, `${a.role}${a.funcIndex}`, site, (slots) =>
          free
            ? freeWrapperBodyTable(t, a.role, a.funcIndex, ev, site, tableMem, L, slots)
            : allocWrapperBodyTable(t, a.role, a.funcIndex, ev, site, tableMem, L, ctx, slots),
        );
      }
      all.append(code.buf, from, code.length);
      codeEntries = all.view();
    }
  }

  // --- types, import, functions, memory, global, code (exports below). Created
  // in section order: where a new section and an appended entry fall on the
  // same byte (no Table section between Function and a new Memory section),
  // the editor keeps creation order.
  appendToVector(ed, m, SEC.TYPE, regions, types.added, types.entries);
  appendToVector(ed, m, SEC.FUNCTION, regions, wrappers, fnEntries.view());
  appendToVector(ed, m, SEC.TABLE, regions, 1, [0x70, 0x00, 0x01]); // funcref, min 1
  if (layout) {
    const mem: number[] = [0x00];
    pushU32(mem, layout.pages);
    appendToVector(ed, m, SEC.MEMORY, regions, 1, mem);
  }
  if (ctx >= 0) appendToVector(ed, m, SEC.GLOBAL, regions, 1, [0x7e, 1, 0x42, 0, 0x0b]); // (mut i64) (i64.const 0)
  appendToVector(ed, m, SEC.CODE, regions, wrappers, codeEntries);

  const own = ownExports(m, layout, tableMem);
  appendToVector(ed, m, SEC.EXPORT, regions, own.count, own.entries);
  const { memoryExport, globalExports, table, hookTable, startExport } = own;
  // The start function runs once `ev` is in the table (hook.ts): taken out of the start section.
  if (startSection) ed.replace(startSection.start, startSection.end - startSection.start, []);

  rewriteCustomSections(ed, m, { count: wrappers, entries: names ? names.view() : new Uint8Array(0) });

  const { bytes: out, map } = ed.finish();
  return {
    bytes: out,
    allocators,
    sites,
    exportSites,
    memoryExport,
    globalExports,
    table,
    contextSites,
    allocWrappers: allocatorWrappers(m, allocators, internal),
    exportNames: exportNamesOf(m),
    hookTable,
    startExport,
    toOriginalFunc: (n) => (n < N ? n : -1),
    toOriginalOffset: (o) => map.toOriginal(o),
    offsets: map,
    ...(shared ? { shared } : {}),
  };
}

/**
 * The exports the page needs from a rewritten module: the hook table, the
 * start function (hook.ts), memory 0 and mutable
 * i32 globals (to read memory and scan roots from JS; existing exports are
 * reused) and the table memory. Their names never clash with the module's.
 */
function ownExports(
  m: ParsedModule,
  layout: TableLayout | null,
  tableMem: number,
): {
  entries: number[];
  count: number;
  memoryExport: string | null;
  globalExports: string[];
  table: TableInfo | null;
  hookTable: string;
  startExport: string | null;
} {
  const taken = new Set(m.exports.map((e) => e.name));
  const exp: number[] = [];
  let expCount = 0;
  const hookTable = uniqueName(taken, HOOK_TABLE);
  pushName(exp, hookTable);
  exp.push(KIND.TABLE);
  pushU32(exp, m.tables);
  expCount++;
  let startExport: string | null = null;
  if (m.startFunc !== null) {
    startExport = uniqueName(taken, '__wasm_leaks_start');
    pushName(exp, startExport);
    exp.push(KIND.FUNC);
    pushU32(exp, m.startFunc);
    expCount++;
  }
  let memoryExport: string | null = null;
  if (m.memories.length > 0) {
    const e = m.exports.find((x) => x.kind === KIND.MEMORY && x.index === 0);
    if (e) memoryExport = e.name;
    else {
      memoryExport = uniqueName(taken, '__wasm_leaks_memory');
      pushName(exp, memoryExport);
      exp.push(KIND.MEMORY, 0);
      expCount++;
    }
  }
  const globalExports: string[] = [];
  m.globals.forEach((g, gi) => {
    if (!g.mutable || g.valType !== 0x7f) return;
    const e = m.exports.find((x) => x.kind === KIND.GLOBAL && x.index === gi);
    if (e) return void globalExports.push(e.name);
    const name = uniqueName(taken, `__wasm_leaks_global${gi}`);
    pushName(exp, name);
    exp.push(KIND.GLOBAL);
    pushU32(exp, gi);
    expCount++;
    globalExports.push(name);
  });
  let table: TableInfo | null = null;
  if (layout) {
    table = { ...layout, memoryExport: uniqueName(taken, '__wasm_leaks_table') };
    pushName(exp, table.memoryExport);
    exp.push(KIND.MEMORY);
    pushU32(exp, tableMem);
    expCount++;
  }
  return { entries: exp, count: expCount, memoryExport, globalExports, table, hookTable, startExport };
}

/** The name section names the appended wrappers; branch hints (keyed by index and offset, only hints) are dropped. */
function rewriteCustomSections(ed: Editor, m: ParsedModule, wrapperNames: { count: number; entries: Uint8Array }): void {
  for (const s of m.sections) {
    if (s.id !== SEC.CUSTOM) continue;
    if (s.name === 'name' && m.names) appendNames(ed, m.names, wrapperNames);
    else if (s.name?.startsWith('metadata.code.')) ed.replace(s.start, s.end - s.start, []);
  }
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
  for (let i = 0; i < refs.length; i++)
    if (refs.kind(i) < R_MEM_GROW || refs.kind(i) === R_FUNCIDX) ed.patchU32(refs.immPos(i), refs.immLen(i), refs.value(i));
  if (m.names)
    for (const sub of m.names.funcIndexed)
      for (let k = 0; k < sub.idxPos.length; k++) ed.patchU32(sub.idxPos[k], sub.idxLen[k], sub.idxVal[k]);
  return ed.finish().bytes;
}
