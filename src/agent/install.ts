// Intercepts every WebAssembly entry point (instantiate, instantiateStreaming,
// compile, compileStreaming, new Module, new Instance) so each module is
// rewritten before it is compiled and each instance reports to a tracker.
// Results, error types and `instanceof` stay what the page would get without
// us: on any failure of the instrumented path the original bytes are used.
import type { InstrumentOutcome, Instrumenter } from './types';
import { InstanceRecord, type RecordEnv } from './instance-record';
import type { RawFrame } from './stack';
import type { FrameMsg } from '../protocol/messages';
import { visibleExports } from './visible-exports';
import { patchEntryPoints, showExports, type Originals } from './patch';
import { MarkedModules, markOf, withMark } from './module-mark';
import { SharedLog } from './shared-log';
import { ThreadHeaps } from './thread-heaps';
import { type WireOutcome, fromWire, outcomeWire, usableOutcome } from './rewrite-wire';
import type { ForeignModule } from './module-exchange';
import type { Declined, Offloaded } from './rewrite-client';
// (a leaf of the rewriter: the table the wrappers call `ev` through, and the deferred start)
import { linkHook } from '../wasm/hook';

type WA = typeof WebAssembly;

export interface HookEnv extends RecordEnv {
  instrument: Instrumenter | null;
  now(): number;
  /**
   * The event path's clock: cheap, exact to the agent's tick (PageAgent.coarseNow);
   * absent, `now`. Threads on a shared heap stamp every event with it.
   */
  eventClock?(): number;
  /** An instance is ready (its memory and exports are known). */
  onInstance(rec: InstanceRecord): void;
  /** A memory was created by JS or grown by `Memory.prototype.grow`. */
  onMemory(memory: WebAssembly.Memory, cause: 'created' | 'js-grow'): void;
  /**
   * Modules compiled in another context are marked (module-mark.ts): their
   * bytes, asked of the other contexts by mark; absent, such modules
   * instantiate untracked. Also where the marks come from: absent, modules
   * compiled here are not marked.
   */
  foreignModule?(id: string): Promise<ForeignModule | null>;
  /** A unique id for marking a module; absent, modules are not marked. */
  markId?(): string;
  /**
   * Rewrites and compiles a module that reached an async entry point in a
   * worker, off the page's main thread (rewrite-client.ts), taking its bytes;
   * absent or null: rewritten here, synchronously.
   */
  rewriteElsewhere?(bytes: Uint8Array<ArrayBuffer>, name: string, mark: string | null): Promise<Offloaded | Declined> | null;
}

/**
 * What the hooks know of a module the page compiled. The page always gets the
 * *original* module: posted to a worker or another realm without our hook it
 * instantiates as it would natively (emscripten's pthreads compile on the main
 * thread and instantiate in workers). The rewritten module is compiled beside
 * it and used by the instantiations in this realm.
 */
interface ModuleInfo {
  name: string;
  original: Uint8Array<ArrayBuffer>;
  outcome: InstrumentOutcome | null;
  reason: string;
  /** The rewritten module, once compiled (async paths start compiling it with the original). */
  instrumented?: WebAssembly.Module | Promise<WebAssembly.Module | null> | null;
  /** A module on a shared memory compiled in another context: the log its threads write to (thread-heaps.ts). */
  log?: SharedLog;
  /** The outcome as workers get it with the compiled module (module-exchange.ts), made on the first ask. */
  wire?: WireOutcome;
}

/** Names the rewriter adds to the export list; the page never sees them. */
const OWN_EXPORT_PREFIX = '__wasm_leaks';

export interface InstalledHooks {
  uninstall(): void;
  /** The original bytes and name of a module this context compiled and marked, for another context. */
  markedModule(id: string): { bytes: Uint8Array<ArrayBuffer>; name: string; log?: SharedArrayBuffer } | null;
  /** Replays the events of the shared heaps this context drains (threads) into their trackers. */
  drainShared(): void;
  /** Heaps that lost events to a full log since the last call (ThreadHeaps.newlyLost). */
  sharedLost(): { module: number; lost: number; total: number }[];
  /** Whether `value` is a module compiled in another context (module-mark.ts). */
  isForeign(value: unknown): boolean;
  /** Gets such a module's bytes and compiles its rewritten copy ahead of a synchronous instantiation (message-gate.ts). */
  prefetch(module: WebAssembly.Module): Promise<unknown>;
  /** The records of the instances the page still holds (held weakly: see PageAgent's rows). */
  readonly records: InstanceRecord[];
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function installHooks(wa: WA, env: HookEnv): InstalledHooks {
  const orig: Originals = {
    instantiate: wa.instantiate,
    instantiateStreaming: wa.instantiateStreaming,
    compile: wa.compile,
    compileStreaming: wa.compileStreaming,
    Module: wa.Module,
    Instance: wa.Instance,
    Memory: wa.Memory,
    grow: wa.Memory.prototype.grow,
    LinkErrorCtor: wa.LinkError,
  };
  const modules = new WeakMap<WebAssembly.Module, ModuleInfo>();
  const records: WeakRef<InstanceRecord>[] = [];
  const marked = new MarkedModules<ModuleInfo>();
  let nextId = 1;
  const heaps = new ThreadHeaps(env);

  /**
   * The bytes the page's module is compiled from: the page's own, plus a mark
   * (module-mark.ts) when another context may instantiate it and the rewriter
   * parsed the module whole.
   */
  function toCompile(bytes: Uint8Array<ArrayBuffer>, info: ModuleInfo): Uint8Array<ArrayBuffer> {
    if (!info.outcome || !env.markId) return bytes;
    const id = env.markId();
    marked.add(id, info);
    return withMark(bytes, id);
  }

  /** What a module compiled elsewhere is, when its context tells us; else undefined (it runs untracked). */
  async function foreign(module: WebAssembly.Module): Promise<ModuleInfo | undefined> {
    const id = env.foreignModule ? markOf(module, orig.Module.customSections) : null;
    if (id === null) return undefined;
    const found = await env.foreignModule!(id).catch(() => null);
    if (!found) return unseen(module, 'the context that compiled it did not send its bytes');
    const info = modules.get(module) ?? compiledThere(found) ?? prepare(found.bytes, found.name);
    // Threads on one shared memory: every thread's events go to the compiling
    // context's log, in one order (thread-heaps.ts); without it, each thread
    // would see the others' frees as invalid.
    if (info.outcome?.shared && !info.log) {
      const log = SharedLog.from(found.log);
      if (!log) return unseen(module, 'it runs on a shared memory (threads) and the context that compiled it keeps no log of its heap');
      info.log = log;
    }
    if (info.outcome && info.instrumented === undefined) {
      info.instrumented = orig.compile.call(wa, info.outcome.bytes as BufferSource).catch((error: unknown) => {
        fallbackReason(info, error);
        return null;
      });
    }
    modules.set(module, info);
    return info;
  }

  /**
   * What the compiling context already rewrote and compiled (module-exchange.ts):
   * used as it is; null when absent or not what it should be (then the bytes are rewritten here).
   */
  function compiledThere(found: ForeignModule): ModuleInfo | null {
    const c = found.compiled;
    if (!c || !(c.module instanceof orig.Module)) return null;
    try {
      const info = described({ name: found.name, original: found.bytes, outcome: null, reason: '' }, fromWire(c.wire), null);
      if (!info.outcome) return null;
      info.instrumented = c.module;
      return info;
    } catch {
      return null;
    }
  }

  /**
   * A module compiled in another context that runs here untracked: listed
   * anyway (the memory chart still works), with the reason.
   */
  function unseen(module: WebAssembly.Module, why: string): ModuleInfo {
    const info: ModuleInfo = {
      name: '(compiled in another context)',
      original: new Uint8Array(0),
      outcome: null,
      reason: why,
    };
    modules.set(module, info);
    return info;
  }

  function prepare(bytes: Uint8Array<ArrayBuffer>, name: string): ModuleInfo {
    const info: ModuleInfo = { name, original: bytes, outcome: null, reason: '' };
    if (!env.instrument) {
      info.reason = 'instrumentation is off';
      return info;
    }
    try {
      return described(info, env.instrument(bytes), null);
    } catch (error) {
      return described(info, null, message(error));
    }
  }

  /** What the module list says of a module the rewriter returned `outcome` for, or refused with `refused`. */
  function described(info: ModuleInfo, outcome: InstrumentOutcome | null, refused: string | null): ModuleInfo {
    if (!outcome) info.reason = `the rewriter refused it: ${refused}`;
    else if (!usableOutcome(outcome)) info.reason = outcome.reason ?? '';
    else {
      info.outcome = outcome;
      // Instrumented, but frees unseen: the module list says so, misuse is not reported.
      if (outcome.partial) info.reason = outcome.partial;
    }
    return info;
  }

  // Each record's script in V8's frames, for stacks that cross modules (a
  // side module calling the main module's malloc): frames of another module's
  // code are mapped by that module's record (InstanceRecord.script).
  const byScript = new Map<string, WeakRef<InstanceRecord>>();
  const recordEnv: RecordEnv = Object.assign(Object.create(env) as RecordEnv, {
    onScript(rec: InstanceRecord, script: string) {
      if (byScript.size >= 4096) for (const [k, ref] of byScript) if (ref.deref() === undefined) byScript.delete(k);
      byScript.set(script, new WeakRef(rec));
    },
    foreignFrames(frame: RawFrame): FrameMsg[] | null {
      const other = byScript.get(frame.file)?.deref();
      // (the other module's frames are mapped alone: no further foreign lookups)
      return other ? other.originalFrames([frame], 8, null) : null;
    },
  });

  function newRecord(info: ModuleInfo): InstanceRecord {
    const rec = new InstanceRecord(
      nextId++,
      info.name,
      info.original.length,
      info.outcome,
      info.reason,
      env.now(),
      recordEnv,
      info.original,
    );
    if (info.outcome?.shared) heaps.attach(rec, info, info);
    if (info.outcome?.partial) rec.tracker.reportErrors = false;
    // A heuristic discovery is checked by the first events (Tracker.probation).
    else if (info.outcome?.allocators.some((a) => a.foundBy === 'heuristic')) rec.tracker.probation = true;
    return rec;
  }

  /**
   * The rewritten module imports nothing of ours (its function indices stay
   * the original's): the page's import object is passed as it is, and `ev`
   * goes into the instance's hook table before its start function runs.
   */
  function withHook(instance: WebAssembly.Instance, rec: InstanceRecord): WebAssembly.Instance {
    if (rec.outcome) linkHook(instance.exports, rec.outcome, rec.ev, orig);
    return instance;
  }

  function findMemory(rec: InstanceRecord, instance: WebAssembly.Instance, module: WebAssembly.Module, imports: unknown): void {
    const exports = instance.exports as Record<string, unknown>;
    const named = rec.outcome?.memoryExport;
    let memory: unknown = named ? exports[named] : undefined;
    // (not our own table memory: the page's memory is the one the tracker reads)
    if (!(memory instanceof orig.Memory))
      memory = Object.entries(exports).find(([k, v]) => v instanceof orig.Memory && !k.startsWith(OWN_EXPORT_PREFIX))?.[1];
    if (!(memory instanceof orig.Memory) && imports && typeof imports === 'object') {
      // Imported memory (e.g. @sqlite.org/sqlite-wasm): find it by kind, not by name.
      for (const imp of orig.Module.imports(module)) {
        if (imp.kind !== 'memory') continue;
        const ns = (imports as Record<string, unknown>)[imp.module];
        const value = ns && typeof ns === 'object' ? (ns as Record<string, unknown>)[imp.name] : undefined;
        if (value instanceof orig.Memory) memory = value;
        break;
      }
    }
    rec.memory = memory instanceof orig.Memory ? memory : null;
  }

  /**
   * An emscripten side module imports malloc/free and the memory from the main
   * module: the main module's export wrappers already count those calls (with
   * the side module's frames in the stacks), so counting them here too would
   * show every block twice.
   */
  function delegate(rec: InstanceRecord, module: WebAssembly.Module): void {
    const allocators = rec.outcome?.allocators ?? [];
    if (!rec.outcome || !rec.memory || allocators.length === 0) return;
    const imported = new Set(
      orig.Module.imports(module)
        .filter((i) => i.kind === 'function')
        .map((i) => i.name),
    );
    if (!allocators.every((a) => imported.has(a.name))) return;
    const owner = records
      .map((r) => r.deref())
      .find((r) => r && r !== rec && r.instrumented && r.memory === rec.memory && r.wrappedExports.length > 0);
    if (!owner) return;
    rec.delegated = true;
    rec.instrumented = false;
    rec.reason = `its allocator and memory are imported from module #${owner.id} (${owner.name.split('/').pop()}), which counts these allocations`;
  }

  function attachTable(rec: InstanceRecord, raw: Record<string, unknown>): void {
    const t = rec.outcome?.table;
    if (!t) return;
    const memory = raw[t.memoryExport];
    // Missing: the header stays zero and every event keeps calling `ev`.
    if (memory instanceof orig.Memory) rec.attachTable(memory);
  }

  function attach(rec: InstanceRecord, instance: WebAssembly.Instance, module: WebAssembly.Module, imports: unknown): void {
    try {
      findMemory(rec, instance, module, imports);
      delegate(rec, module);
      rec.rawExports = instance.exports;
      attachTable(rec, instance.exports as Record<string, unknown>);
      const hidden = new Set(Object.keys(instance.exports).filter((k) => k.startsWith(OWN_EXPORT_PREFIX)));
      const exports = visibleExports(rec, instance.exports, hidden);
      // Read through the prototype's getter (patch.ts): no own property on the instance.
      if (exports !== instance.exports) showExports(instance, exports);
    } catch (error) {
      rec.reason = `${rec.reason} attaching to the instance failed: ${message(error)}`.trim();
    }
    records.push(new WeakRef(rec));
    if ((records.length & 255) === 0) {
      const live = records.filter((r) => r.deref() !== undefined);
      records.splice(0, records.length, ...live);
    }
    env.onInstance(rec);
  }

  function fallbackReason(info: ModuleInfo, error: unknown): void {
    info.outcome = null;
    info.reason = `instrumented module failed, original used: ${message(error)}`;
  }

  /** The rewritten module and its outcome for a worker that instantiates `info`'s module, once compiled here. */
  function compiledHere(info: ModuleInfo): ForeignModule['compiled'] | null {
    const module = info.instrumented;
    if (!info.outcome || !(module instanceof orig.Module)) return null;
    try {
      // (the rewritten bytes stay here: the worker gets them compiled)
      info.wire ??= { ...outcomeWire(info.outcome, module, wa).wire, bytes: new Uint8Array(0) };
      return { module, wire: info.wire };
    } catch {
      return null;
    }
  }

  // --- synchronous entry points -----------------------------------------
  function compileSync(bytes: Uint8Array<ArrayBuffer>, info: ModuleInfo, newTarget: Function): WebAssembly.Module {
    // The original first: if the page's bytes do not compile, the page gets the native error.
    const module: WebAssembly.Module = Reflect.construct(orig.Module, [toCompile(bytes, info)], newTarget);
    modules.set(module, info);
    return module;
  }

  /** The rewritten module for an instantiation in this realm, compiled on first use; null = use the original. */
  function instrumentedSync(info: ModuleInfo): WebAssembly.Module | null {
    if (!info.outcome) return null;
    if (info.instrumented instanceof orig.Module) return info.instrumented;
    try {
      info.instrumented = new orig.Module(info.outcome.bytes as BufferSource);
    } catch (error) {
      fallbackReason(info, error);
      info.instrumented = null;
    }
    return info.instrumented;
  }

  function instanceSync(module: WebAssembly.Module, imports: unknown, newTarget: Function): WebAssembly.Instance {
    let info = modules.get(module);
    // Compiled in another context: its bytes can only be asked for asynchronously.
    if (!info && env.foreignModule && markOf(module, orig.Module.customSections) !== null)
      info = unseen(module, 'compiled in another context and instantiated synchronously (new WebAssembly.Instance)');
    if (!info) return Reflect.construct(orig.Instance, imports === undefined ? [module] : [module, imports], newTarget);
    const rewritten = instrumentedSync(info);
    const rec = newRecord(info);
    let instance: WebAssembly.Instance | null = null;
    if (rewritten) {
      try {
        instance = Reflect.construct(orig.Instance, imports === undefined ? [rewritten] : [rewritten, imports], newTarget);
      } catch (error) {
        // Only a LinkError is retried: it is raised before any wasm code runs,
        // so the original cannot observe a second attempt.
        if (!(error instanceof orig.LinkErrorCtor)) throw error;
        rec.instrumented = false;
        rec.reason = `instrumented module did not link, original used: ${message(error)}`;
      }
    }
    if (instance) withHook(instance, rec);
    instance ??= Reflect.construct(orig.Instance, imports === undefined ? [module] : [module, imports], newTarget) as WebAssembly.Instance;
    attach(rec, instance, rewritten && rec.instrumented ? rewritten : module, imports);
    return instance;
  }

  // --- asynchronous entry points ----------------------------------------
  async function compileAsync(bytes: Uint8Array<ArrayBuffer>, info: ModuleInfo): Promise<WebAssembly.Module> {
    if (info.outcome) {
      // Compiled beside the original (V8 compiles on background threads); a
      // failure only means the original is used.
      info.instrumented = orig.compile.call(wa, info.outcome.bytes as BufferSource).catch((error: unknown) => {
        fallbackReason(info, error);
        return null;
      });
    }
    const module = await orig.compile.call(wa, toCompile(bytes, info));
    modules.set(module, info);
    return module;
  }

  async function instanceAsync(module: WebAssembly.Module, imports: unknown): Promise<WebAssembly.Instance> {
    const info = modules.get(module) ?? (await foreign(module));
    if (!info) return orig.instantiate.call(wa, module, imports as WebAssembly.Imports);
    const rewritten = info.outcome ? ((await info.instrumented) ?? instrumentedSync(info)) : null;
    const rec = newRecord(info);
    let instance: WebAssembly.Instance | null = null;
    if (rewritten) {
      try {
        instance = await orig.instantiate.call(wa, rewritten, imports as WebAssembly.Imports);
      } catch (error) {
        if (!(error instanceof orig.LinkErrorCtor)) throw error;
        rec.instrumented = false;
        rec.reason = `instrumented module did not link, original used: ${message(error)}`;
      }
    }
    if (instance) withHook(instance, rec);
    instance ??= await orig.instantiate.call(wa, module, imports as WebAssembly.Imports);
    attach(rec, instance, rewritten && rec.instrumented ? rewritten : module, imports);
    return instance;
  }

  /**
   * An async entry point's bytes: rewritten and compiled in the rewrite
   * worker when there is one and the module is big, else here.
   */
  async function compileBytes(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<WebAssembly.Module> {
    const mark = env.markId ? env.markId() : null;
    const away = env.instrument ? env.rewriteElsewhere?.(bytes, name, mark) : null;
    if (!away) return compileAsync(bytes, prepare(bytes, name));
    const done = await away;
    if ('here' in done) return compileAsync(done.here, prepare(done.here, name));
    const info = described({ name, original: done.original, outcome: null, reason: '' }, done.outcome, done.refused);
    if (info.outcome) {
      if (done.rewritten) info.instrumented = done.rewritten;
      else {
        fallbackReason(info, done.rewrittenError);
        info.instrumented = null;
      }
    }
    if (done.marked && mark !== null) marked.add(mark, info);
    // Not compiled there: compiled here, so bytes that do not compile get the native error.
    const module = done.module ?? (await orig.compile.call(wa, toCompile(done.original, info)));
    modules.set(module, info);
    return module;
  }

  async function instantiateBytes(bytes: Uint8Array<ArrayBuffer>, imports: unknown, name: string) {
    const module = await compileBytes(bytes, name);
    const instance = await instanceAsync(module, imports);
    return { module, instance };
  }

  const unpatch = patchEntryPoints(wa, orig, { prepare, compileSync, compileBytes, instanceSync, instanceAsync, instantiateBytes }, env);
  return {
    get records() {
      return records.map((r) => r.deref()).filter((r): r is InstanceRecord => r !== undefined);
    },
    markedModule(id) {
      const info = marked.get(id);
      if (!info) return null;
      const found: ForeignModule = { bytes: info.original, name: info.name };
      const log = info.outcome?.shared ? heaps.own(info)?.log.sab : undefined;
      if (log) found.log = log;
      const compiled = compiledHere(info);
      if (compiled) found.compiled = compiled;
      return found;
    },
    drainShared: () => heaps.drain(),
    sharedLost: () => heaps.newlyLost(),
    isForeign: (value) => value instanceof orig.Module && !modules.has(value) && markOf(value, orig.Module.customSections) !== null,
    async prefetch(module) {
      const info = await foreign(module);
      const compiled = await info?.instrumented;
      // (ready for a synchronous `new WebAssembly.Instance`, which would otherwise compile it again)
      if (info && compiled instanceof orig.Module) info.instrumented = compiled;
    },
    uninstall: unpatch,
  };
}
