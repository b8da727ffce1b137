// One instantiated module as the page sees it: its tracker, its memory, and the
// `ev` hook its rewritten code calls. A failure inside the hook disables the
// hook for this instance and is reported; it never reaches the page's code.
import { EV, type InstrumentOutcome, type TrackerLike } from './types';
import { applyEvent, type ThreadLink } from './shared-heap';
import {
  FOREIGN,
  captureStack,
  captureStackText,
  parseStack,
  sourceFrames,
  toOriginalFrames,
  type RawFrame,
  type SymbolizedFrame,
} from './stack';
import { StackLines, type MappedLine, type StackLine } from './stack-lines';
import type { SiteTable } from './site-table';
import { TableTracker } from './wasm-table';
import { LIMITS } from '../protocol/version';
import type { FrameMsg } from '../protocol/messages';
import { isAllocatorWrapperName } from '../symbols/allocator-names';

export interface RecordEnv {
  sites: SiteTable;
  /**
   * `table`: the module is on the table event path; return a TableTracker for its wasm table to be used.
   * `clock`: the tracker's clock instead of the page's (a shared heap replays each event at its own time).
   */
  newTracker(table?: boolean, clock?: () => number): TrackerLike;
  /** A memory.grow ran inside wasm (instrumented modules only). */
  onGrow(rec: InstanceRecord): void;
  onHookError(rec: InstanceRecord, error: unknown): void;
  /**
   * Full-stack mode: every allocation gets its own call stack (≈2–4 µs each,
   * interned by its text), not only the stack of its call site's first event.
   */
  fullStacks?: () => boolean;
  /** Source frames (DWARF, source map, name section) of an original code offset. */
  symbolize?: (rec: InstanceRecord, func: number, offset: number) => SymbolizedFrame[] | null;
  /** This record's script in V8's stack frames is now known (see `script`). */
  onScript?: (rec: InstanceRecord, script: string) => void;
  /** Frames of another module's code, mapped by that module's record when the hook knows it. */
  foreignFrames?: (frame: RawFrame) => FrameMsg[] | null;
}

/** Captures of a stack with an unknown module's frames before it is cached as it is. */
const MAX_RETRIES = 4;

export class InstanceRecord {
  /** Replaced once, before any event, by a shared heap's tracker (ThreadHeaps.attach). */
  tracker: TrackerLike;
  memory: WebAssembly.Memory | null = null;
  /** The instance's own exports (before wrapping), for globals such as __heap_base. */
  rawExports: WebAssembly.Exports | null = null;
  wrappedExports: string[] = [];
  instrumented: boolean;
  reason: string;
  disabled = false;
  /**
   * Threads on one shared memory (shared-heap.ts): events go to the heap's
   * log, in one order with the other threads', instead of to `tracker`.
   */
  thread: ThreadLink | null = null;
  /**
   * A thread of a shared heap that another record counts (thread-heaps.ts):
   * its own tracker stays empty, so snapshots and comparisons leave it out.
   */
  countedElsewhere = false;
  /** This instance's thread on its sites ("main thread", "thread 2"), when its memory is shared. */
  threadLabel: string | undefined = undefined;
  /** Table event path, once the instance's table memory is attached: the tracker, whose table lives in wasm. */
  table: TableTracker | null = null;
  /** Static call-site id (rewriter) → interned site id, 0 = not seen yet. */
  private readonly staticSites: Uint32Array;
  /** Bound once: the import object of every instance shares nothing. */
  readonly ev: (kind: number, a: number, b: number, c: number, site: number, key: number) => number;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly size: number,
    readonly outcome: InstrumentOutcome | null,
    reason: string,
    readonly time: number,
    private readonly env: RecordEnv,
    /** The module's original bytes (kept anyway for the fallback), for symbolization. */
    readonly bytes: Uint8Array | null = null,
  ) {
    this.tracker = env.newTracker(!!outcome?.table);
    this.instrumented = outcome !== null && outcome.sites.length > 0 && !outcome.reason;
    this.reason = reason;
    this.staticSites = new Uint32Array(outcome ? outcome.sites.length : 0);
    this.allocWrappers = new Set(outcome?.allocWrappers ?? []);
    this.exportNames = new Map(outcome?.exportNames ?? []);
    // Returns the stack id of an allocation's calling context, which the
    // table path caches in wasm (0: don't cache, e.g. full-stacks mode).
    const ev = (kind: number, a: number, b: number, c: number, site: number, key: number): number => {
      if (this.disabled) return 0;
      if (this.delegated) return this.learnScript(ev);
      try {
        // (threads: a realloc about to run; no stack of its own, its result brings one)
        if (kind === EV.reallocBegin) {
          this.dispatch(kind, a >>> 0, 0, 0, 0);
          return 0;
        }
        const alloc = kind !== EV.free && kind !== EV.rustDealloc && kind !== EV.memoryGrow;
        const id = alloc ? this.contextFor(key, ev) : this.siteFor(site, ev);
        this.dispatch(kind, a >>> 0, b >>> 0, c >>> 0, id);
        return alloc && !this.fullStacks() ? id : 0;
      } catch (error) {
        this.disabled = true;
        env.onHookError(this, error);
        return 0;
      }
    };
    this.ev = ev;
  }

  /**
   * Table mode: the instance's table memory is known. The tracker moves its
   * table there and the wrappers stop calling `ev` for the sites seen so far.
   */
  attachTable(memory: WebAssembly.Memory): boolean {
    const layout = this.outcome?.table;
    const t = this.tracker;
    if (!layout || !(t instanceof TableTracker) || this.disabled) return false;
    t.attach(memory, layout);
    const wt = t.table!;
    for (let s = 0; s < this.staticSites.length; s++) if (this.staticSites[s] !== 0) wt.setSite(s, this.staticSites[s]);
    this.table = t;
    return true;
  }

  /** Full-stack mode is on (the panel's toggle). */
  fullStacks(): boolean {
    return this.env.fullStacks?.() ?? false;
  }

  /**
   * "JS stack per allocation" switched on: in table mode the wrappers stop
   * calling JS for contexts already cached, so empty the cache and every
   * allocation reaches `ev` (which caches nothing while the mode is on).
   * Frees and memory.grow keep their call site's first stack either way.
   */
  fullStacksChanged(on: boolean): void {
    if (on && this.table !== null) this.table.table!.clearContexts();
  }

  /** Functions (original indices) the rewriter found to only forward to the allocator. */
  private readonly allocWrappers: ReadonlySet<number>;
  private readonly exportNames: ReadonlyMap<number, string>;
  /** A stack's key (its lines' ids, StackLines.read) → interned site id (full stacks, JS calls to exports). */
  private readonly stackIds = new Map<string, number>();
  /** The lines of the stack texts seen, parsed and mapped once each. */
  private readonly lines = new StackLines(LIMITS.maxSites);
  /** Context key (src/wasm/contexts.ts) → interned stack id. */
  private readonly contexts = new Map<number, number>();

  /**
   * The stack id of an allocation's calling context: its V8 stack, captured
   * the first time the context is seen (≈2–30 µs once), then a map lookup.
   * The key identifies the wasm path; the stack itself always comes from V8,
   * so a stale context (after an exception) costs a capture, never a wrong
   * stack. Past LIMITS.maxSites contexts, new ones are captured every time
   * (slow, still right).
   */
  private contextFor(key: number, below: Function): number {
    if (this.fullStacks()) return this.stackId(below, LIMITS.maxFrames + 4);
    // Consecutive allocations usually share their context (a loop): one entry in front of the map.
    if (key === this.lastKey) return this.lastId;
    let id = this.contexts.get(key);
    if (id === undefined) {
      id = this.stackId(below, LIMITS.maxFrames + 4);
      if (this.retrying) return id; // see stackId
      if (this.contexts.size < LIMITS.maxSites) this.contexts.set(key, id);
    }
    this.lastKey = key;
    this.lastId = id;
    return id;
  }

  private lastKey = -1;
  private lastId = 0;

  /** Frees and memory.grow: the stack of their call site's first event (≈2 µs once, then free). */
  private siteFor(site: number, below: Function): number {
    if (site >= this.staticSites.length) return 0;
    const known = this.staticSites[site];
    if (known !== 0) return known;
    const id = this.internStack(captureStack(below, LIMITS.maxFrames));
    this.staticSites[site] = id;
    // Table mode: from now on this site's wrapper records its events in wasm.
    if (this.table !== null) this.table.table!.setSite(site, id);
    return id;
  }

  /**
   * The interned id of the current stack (above `below`), at most `frames`
   * deep. Capturing the text costs ≈1–3 µs (≈100–400 µs for a deep wasm
   * stack); interning it happens once per distinct stack, and parsing,
   * mapping and symbolizing once per distinct line (stack-lines.ts).
   */
  stackId(below: Function, frames: number): number {
    const { lines, key: text } = this.lines.read(captureStackText(below, frames), frames);
    let id = this.stackIds.get(text);
    this.retrying = false;
    if (id === undefined) {
      this.unresolved = false;
      id = this.internLines(lines);
      // A frame of a module whose script is not known yet (its first event
      // comes after this one: a side module's call site reports after the
      // main module's malloc returns) is not cached, a few times, so the
      // next allocation on this path gets it symbolized.
      const tries = this.unresolved ? (this.retries.get(text) ?? 0) : MAX_RETRIES;
      if (tries < MAX_RETRIES && this.retries.size < LIMITS.maxSites) {
        this.retries.set(text, tries + 1);
        this.retrying = true;
        return id;
      }
      // Bounded like the site table: past it, new stacks share id 0 (unknown).
      if (this.stackIds.size < LIMITS.maxSites) this.stackIds.set(text, id);
    }
    return id;
  }

  private retrying = false;
  private unresolved = false;
  private readonly retries = new Map<string, number>();

  /**
   * Set when this module's allocator is imported from another instrumented
   * module on the same memory (an emscripten side module): that module counts
   * the allocations, with this module's frames in their stacks. Events here
   * only teach the hook this module's script (InstanceRecord.script).
   */
  delegated = false;

  /** A delegated module's event: only its script is learnt, once (a short capture). */
  private learnScript(below: Function): number {
    if (this.script === null) this.scriptFrom(parseStack(captureStackText(below, 4), 4));
    return 0;
  }

  /** The script of the innermost wasm frame of one of this module's own stacks (see `script`). */
  private scriptFrom(raw: RawFrame[]): void {
    const first = raw.find((f) => f.func >= 0);
    if (!first) return;
    this.script = first.file;
    this.env.onScript?.(this, first.file);
  }

  /**
   * The module's script as V8 names it in frames (`wasm://wasm/<hash>`):
   * the innermost wasm frame of the first stack captured for it (an event
   * always comes from this module's own code: its call site or export wrapper).
   */
  script: string | null = null;

  /** internStack over cached lines: the same site, each line mapped once (see StackLines.frames). */
  private internLines(lines: StackLine[]): number {
    if (this.script === null) {
      const raw = lines.map((l) => l.raw);
      this.scriptFrom(raw);
      if (this.script === null) return this.internStack(raw);
    }
    const frames = StackLines.frames(lines, this.script, this.mapLine, this.foreignOrUnresolved, LIMITS.maxFrames);
    return this.env.sites.intern(this.id, frames, this.threadLabel);
  }

  /** A frame of another module's script, as its module maps it; none yet (script not learnt) leaves the stack unresolved. */
  private readonly foreignOrUnresolved = (f: RawFrame): FrameMsg[] | null => {
    const mapped = this.env.foreignFrames?.(f) ?? null;
    if (!mapped) this.unresolved = true;
    return mapped;
  };

  /** A JS or own wasm frame as originalFrames gives it, marked; shared by every stack with its line. */
  private readonly mapLine = (f: RawFrame): MappedLine => {
    if (f.func < 0) return { func: -1, frames: [{ name: f.name, func: -1, offset: -1, file: f.file, line: f.line }] };
    const o = this.outcome;
    const func = o ? o.toOriginalFunc(f.func) : f.func;
    if (func < 0) return { func, frames: [] };
    const symbolize = this.env.symbolize;
    const frames = sourceFrames(
      f,
      func,
      o ? (x) => o.toOriginalOffset(x) : null,
      symbolize ? (fn, offset) => symbolize(this, fn, offset) : null,
    );
    this.markFrames(frames);
    return { func, frames };
  };

  /** The module's symbols changed (page-agent resymbolize): new stacks map their lines again. */
  forgetLines(): void {
    this.lines.forget();
  }

  internStack(raw: RawFrame[]): number {
    if (this.script === null) this.scriptFrom(raw);
    const frames = this.originalFrames(raw, LIMITS.maxFrames, this.foreignOrUnresolved);
    return this.env.sites.intern(this.id, frames, this.threadLabel);
  }

  /** `raw` (frames of this module's rewritten code, and others) as the original module's frames, marked. */
  originalFrames(raw: RawFrame[], max: number, foreign: ((f: RawFrame) => FrameMsg[] | null) | null): FrameMsg[] {
    const o = this.outcome;
    const frames = toOriginalFrames(
      raw,
      o ? (i) => o.toOriginalFunc(i) : null,
      o ? (x) => o.toOriginalOffset(x) : null,
      this.env.symbolize ? (func, offset) => this.env.symbolize!(this, func, offset) : null,
      max,
      this.script,
      foreign,
    );
    this.markFrames(frames);
    return frames;
  }

  /**
   * Unnamed frames take their function's export name (release builds have no
   * name section); allocator wrappers' frames are marked: a site is the first
   * frame outside them.
   */
  markFrames(frames: FrameMsg[]): void {
    const wrappers = this.allocWrappers;
    for (const f of frames) {
      if (f.func < 0 || FOREIGN.has(f)) continue;
      if (f.name.startsWith('wasm-function[')) f.name = this.exportNames.get(f.func) ?? f.name;
      if (wrappers.has(f.func) || isAllocatorWrapperName(f.name)) f.alloc = true;
    }
  }

  private dispatch(kind: number, a: number, b: number, c: number, site: number): void {
    if (kind === EV.memoryGrow) return this.env.onGrow(this);
    // posix_memalign: the pointer is in the out-parameter (b) when the call succeeded.
    if (kind === EV.posixMemalign) b = a === 0 && this.memory ? new DataView(this.memory.buffer).getUint32(b, true) : 0;
    if (this.thread !== null) this.thread.event(kind, a, b, c, site);
    else applyEvent(this.tracker, kind, a, b, c, site);
  }

  get memoryBytes(): number {
    const m = this.memory;
    return m ? m.buffer.byteLength : 0;
  }
}
