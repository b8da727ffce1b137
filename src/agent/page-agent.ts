// The page side of WASM Leaks, free of DOM and chrome APIs so Node tests drive
// it against real modules: installs the hooks, keeps one tracker per instance,
// batches counters, sites and errors into binary messages, and answers the
// panel's commands (snapshot, diff, read memory). The page owns the truth:
// snapshots are taken here, next to the live table.
import { installHooks, type InstalledHooks } from './install';
import type { InstanceRecord } from './instance-record';
import type { Instrumenter, TrackerLike } from './types';
import type { HookEnv } from './install';
import { SiteTable } from './site-table';
import { TableTracker } from './wasm-table';
import {
  PROTOCOL_VERSION,
  LIMITS,
  SAMPLE_STRIDE,
  BLOCK_STRIDE,
  SR,
  BR,
  BLOCK_NO_SITE,
  FREED_SINCE_B,
  pushSample,
  encodeF64,
  encodeU32,
  bytesToBase64,
  type PageToPanel,
  type UnreachedMsg,
  type PendingMsg,
  type PanelToPage,
  type ErrorMsg,
  type SnapshotName,
  type DiffCuts,
  type SharedMemoryMsg,
  type FrameMsg,
  type BatchMsg,
  type SiteMsg,
} from '../protocol';
import { Tracker, diff, classifyLeaks, indexOfSeq, type TrackerSnapshot, type TrackerError } from '../tracker';
import { SiteTicks, groupRecords } from '../tracker/site-ticks';
import { LiveHistory, type LiveIndex } from '../tracker/live-history';
import { LB } from '../tracker/live-blocks';
import { groupBySite, leakRoots } from './agent-queries';
import { HeapExtent } from './heap-extent';
import { createSymbolizer, type Symbolizer } from '../symbols/symbolizer';
import { codeFingerprint, type CodeFingerprint } from '../symbols/fingerprint';
import type { SymbolizedFrame } from './stack';
import type { ForeignModule } from './module-exchange';

export interface AgentOptions {
  post(msg: PageToPanel): void;
  now(): number;
  url: string;
  instrument: Instrumenter | null;
  setTimer(fn: () => void, ms: number): unknown;
  /**
   * Fetches a file next to a module (the source map its `sourceMappingURL`
   * names), as the page would; absent: source maps are not loaded.
   */
  loadText?(url: string): Promise<string>;
  /** Fetches a binary file next to a module (the .debug.wasm its `external_debug_info` names); absent: not followed. */
  loadBytes?(url: string): Promise<Uint8Array>;
  /** Set in a worker: what the panel calls this source (HelloMsg.context). */
  context?: { kind: string; name: string };
  /** Modules compiled in other contexts: see HookEnv.foreignModule and markId (install.ts). */
  foreignModule?(id: string): Promise<ForeignModule | null>;
  markId?(): string;
  /** Big modules of the async entry points rewritten off the main thread: see HookEnv.rewriteElsewhere. */
  rewriteElsewhere?: HookEnv['rewriteElsewhere'];
}

/** Largest .debug.wasm the page fetches (it is held while the module lives). */
const MAX_DEBUG_FILE = 256 * 1024 * 1024;
/** Batches leave at most this often; memory is polled this often when idle. */
const FLUSH_MS = 100;
const POLL_MS = 500;
/** Sites per batch message (more are sent in consecutive batches: see sendBatches). */
const BATCH_SITES = 2000;
/** Unreached workers remembered for late panels. */
const MAX_UNREACHED = 50;
/** Samples kept for a panel that connects late. */
const MAX_HISTORY = 50_000;

/**
 * One instance, held weakly: a leak finder must not leak. The page's instance
 * keeps its record alive (its `ev` import closes over it), so when the page
 * drops an instance, its memories, tracker and table go with it; the agent
 * notices at its next look (`PageAgent.rows`) and keeps only what it sent.
 */
class Row {
  private readonly ref: WeakRef<InstanceRecord>;
  errorsSent = 0;
  distrustSent = false;
  readonly last = new Float64Array(SAMPLE_STRIDE).fill(-1);
  /** Live bytes by site per tick (bounded history) and the blocks live at the peak. */
  readonly ticks = new SiteTicks();
  /** What was live at each past tick: the previous tick's copy and a bounded log of blocks freed since. */
  readonly past = new LiveHistory();
  constructor(
    rec: InstanceRecord,
    readonly id: number,
  ) {
    this.ref = new WeakRef(rec);
  }
  /** Only read after `alive` said yes in the same job (a deref'd target stays alive until the job ends). */
  get rec(): InstanceRecord {
    return this.ref.deref()!;
  }
  get tracker(): Tracker {
    return this.rec.tracker as Tracker;
  }
  get alive(): boolean {
    return this.ref.deref() !== undefined;
  }
}

export class PageAgent {
  readonly hooks: InstalledHooks;
  readonly start: number;
  private readonly sites = new SiteTable(LIMITS.maxSites);
  private readonly allRows: Row[] = [];
  private readonly snapshots = new Map<SnapshotName, Map<number, TrackerSnapshot>>();
  /** Shared memories seen here, by the name the panel knows them by (see sharedOf). */
  private readonly sharedMemories = new WeakMap<WebAssembly.Memory, number>();
  /** The panel's cut number each snapshot was recorded under (SnapshotCmd.cut), 0 when it sent none. */
  private readonly cuts = new Map<SnapshotName, number>();
  /** Per module: the snapshot B of the last comparison and its new blocks (indices into it). */
  private lastDiff = new Map<number, { b: TrackerSnapshot; newBlocks: Uint32Array }>();
  private samples: number[] = [];
  /** Rows of SSR.width: per-site live bytes that changed at this flush's ticks. */
  private siteSamples: number[] = [];
  /** The live heap's extent per module per tick (heap sample rows), pending and kept. */
  private readonly heap = new HeapExtent();
  private history: number[] = [];
  private errors: ErrorMsg[] = [];
  private seq = 0;
  private flushScheduled = false;
  private helloSent = false;
  /** Workers the hook could not follow, and why: re-sent to every panel that connects (bounded). */
  private readonly unreached: UnreachedMsg[] = [];
  /** The modules being rewritten in the rewrite worker (the last `pending` message; empty: none). */
  private pending: PendingMsg = { t: 'pending', modules: [] };
  /** Set by the panel's "Full stacks" toggle. */
  fullStacks = false;
  /** See coarseNow(). */
  private clockReads = 0;
  private cachedNow: number;
  /** Timers run only once a module exists (poll) / a module keeps its table in wasm (tick). */
  private polling = false;
  private ticking = false;

  constructor(
    wa: typeof WebAssembly,
    private readonly opts: AgentOptions,
  ) {
    this.start = opts.now();
    this.cachedNow = this.start;
    this.hooks = installHooks(wa, {
      instrument: opts.instrument,
      now: opts.now,
      eventClock: () => this.coarseNow(),
      foreignModule: opts.foreignModule,
      markId: opts.markId,
      rewriteElsewhere: opts.rewriteElsewhere,
      sites: this.sites,
      symbolize: (rec, func, offset) => this.symbolize(rec, func, offset),
      fullStacks: () => this.fullStacks,
      newTracker: (table?: boolean, clock?: () => number): TrackerLike => {
        this.cachedNow = opts.now(); // the tracker's time origin must be exact
        const options = { clock: clock ?? (() => this.coarseNow()) };
        return table ? new TableTracker(options) : new Tracker(options);
      },
      onInstance: (rec) => this.addInstance(rec),
      onGrow: () => this.schedule(),
      onMemory: () => this.schedule(),
      onHookError: (rec, error) => {
        this.errors.push({
          module: rec.id,
          kind: 'hook-failed',
          ptr: 0,
          site: 0,
          otherSite: 0,
          message: `tracking stopped for this module: ${error instanceof Error ? error.message : String(error)}`.slice(
            0,
            LIMITS.maxStringChars,
          ),
          time: opts.now(),
        });
        this.schedule();
      },
    });
  }

  /**
   * The tracker's clock. performance.now() costs ≈90 ns in Chromium — more
   * than the rest of an event's bookkeeping — so it is read once per 1024
   * events and at every timer tick (100 ms while active, 500 ms idle): block
   * times are exact to the tick, which is the timeline's resolution anyway.
   */
  coarseNow(): number {
    if ((++this.clockReads & 1023) === 0) this.cachedNow = this.opts.now();
    return this.cachedNow;
  }

  /**
   * One symbolizer per module's bytes, built on the first site that needs it,
   * and its answers by code offset: full stacks of recursive code ask for the
   * same few offsets over and over.
   */
  private readonly symbolizers = new WeakMap<Uint8Array, { sym: Symbolizer; memo: Map<number, SymbolizedFrame[] | null> }>();

  symbolize(rec: InstanceRecord, func: number, offset: number): SymbolizedFrame[] | null {
    if (!rec.bytes) return null;
    let entry = this.symbolizers.get(rec.bytes);
    if (!entry) {
      this.symbolizers.set(rec.bytes, (entry = { sym: createSymbolizer(rec.bytes), memo: new Map() }));
      this.loadSourceMap(rec, entry);
      this.loadDebugFile(rec, entry);
    }
    // Offsets are module-relative and unique to one function.
    const known = entry.memo.get(offset);
    if (known !== undefined) return known;
    const chain: SymbolizedFrame[] = [];
    for (let loc = entry.sym.lookup(func, offset); loc; loc = loc.inlinedInto ?? null) {
      chain.push({ name: loc.function, file: loc.file, line: loc.line });
    }
    const result = chain.length > 0 ? chain : null;
    if (entry.memo.size < 1_000_000) entry.memo.set(offset, result);
    return result;
  }

  /**
   * A module with a `sourceMappingURL` (emscripten -gsource-map) and no DWARF:
   * fetch the map next to the module (its URL, else the page's), then give the
   * sites already interned their source lines. A map that cannot be loaded is
   * said to the panel.
   */
  private loadSourceMap(rec: InstanceRecord, entry: { sym: Symbolizer; memo: Map<number, SymbolizedFrame[] | null> }): void {
    const ref = entry.sym.sourceMappingURL();
    const load = this.opts.loadText;
    if (!ref || !load) return;
    const id = rec.id;
    const url = this.besideModule(rec, ref);
    if (url === null) return;
    load(url).then(
      (text) => {
        entry.sym.setSourceMap(text);
        entry.memo.clear();
        const r = this.rows.find((row) => row.id === id);
        if (r) this.resymbolize(r.rec);
      },
      (error: unknown) => {
        this.send({
          t: 'fail',
          req: 0,
          message:
            `source map of ${rec.name} (${url}) could not be loaded: ${error instanceof Error ? error.message : String(error)}`.slice(
              0,
              LIMITS.maxStringChars,
            ),
        });
      },
    );
  }

  /**
   * A module built with -gseparate-dwarf names its .debug.wasm in an
   * `external_debug_info` section: fetch it next to the module (like a source
   * map) when the module has no DWARF of its own, then give the sites
   * already interned their source lines. At most MAX_DEBUG_FILE bytes.
   */
  private loadDebugFile(rec: InstanceRecord, entry: { sym: Symbolizer; memo: Map<number, SymbolizedFrame[] | null> }): void {
    const ref = entry.sym.externalDebugInfoURL();
    const load = this.opts.loadBytes;
    if (!ref || !load) return;
    entry.sym.lookup(-1, -1); // parses the module's own DWARF, if any
    if (entry.sym.sources.dwarf) return;
    const id = rec.id;
    const url = this.besideModule(rec, ref);
    if (url === null) return;
    load(url)
      .then((bytes) => {
        if (bytes.length > MAX_DEBUG_FILE) throw new Error(`larger than ${MAX_DEBUG_FILE} bytes`);
        entry.sym.setDebugFile(bytes);
        entry.memo.clear();
        const r = this.rows.find((row) => row.id === id);
        if (r) this.resymbolize(r.rec);
      })
      .catch((error: unknown) => {
        this.send({
          t: 'fail',
          req: 0,
          message:
            `debug file of ${rec.name} (${url}) could not be loaded: ${error instanceof Error ? error.message : String(error)}`.slice(
              0,
              LIMITS.maxStringChars,
            ),
        });
      });
  }

  /** `ref` resolved against the module's URL, else the page's; null when it is no URL. */
  private besideModule(rec: InstanceRecord, ref: string): string | null {
    try {
      return new URL(ref, /^[a-z][a-z\d+.-]*:/i.test(rec.name) ? rec.name : this.opts.url).href;
    } catch {
      return null;
    }
  }

  /** The sites of `r`'s module symbolized again (a source map or debug file arrived). */
  private resymbolize(r: InstanceRecord): void {
    const id = r.id;
    // Every instance of these bytes (threads) maps its stack lines again.
    for (const row of this.allRows) if (row.rec.bytes === r.bytes) row.rec.forgetLines();
    for (const site of this.sites.snapshot()) {
      if (site.module !== id) continue;
      const frames: FrameMsg[] = [];
      for (let i = 0; i < site.frames.length; i++) {
        const f = site.frames[i];
        // One wasm location expanded into its inlined frames: symbolize it once.
        let j = i;
        while (f.func >= 0 && j + 1 < site.frames.length && site.frames[j + 1].func === f.func && site.frames[j + 1].offset === f.offset)
          j++;
        const chain = f.func >= 0 ? this.symbolize(r, f.func, f.offset) : null;
        if (chain) for (const c of chain) frames.push({ name: c.name, func: f.func, offset: f.offset, file: c.file, line: c.line });
        else for (let k = i; k <= j; k++) frames.push({ ...site.frames[k] });
        i = j;
      }
      r.markFrames(frames);
      this.sites.update(site.id, frames.slice(0, LIMITS.maxFrames));
    }
    this.schedule();
  }

  private send(msg: PageToPanel): void {
    if (!this.helloSent) {
      this.helloSent = true;
      const context = this.opts.context;
      this.opts.post({
        t: 'hello',
        v: PROTOCOL_VERSION,
        url: this.opts.url.slice(0, LIMITS.maxStringChars),
        start: this.start,
        ...(context ? { context: { kind: context.kind, name: context.name.slice(0, LIMITS.maxStringChars) } } : {}),
      });
    }
    this.opts.post(msg);
  }

  private addInstance(rec: InstanceRecord): void {
    // Timers start with the first module: a page without WebAssembly pays nothing.
    if (!this.polling) {
      this.polling = true;
      this.poll();
    }
    this.allRows.push(new Row(rec, rec.id));
    if (rec.table !== null && !this.ticking) {
      this.ticking = true;
      this.tick();
    }
    const msg = this.moduleMsg(rec);
    this.released.set(rec.id, msg);
    this.send(msg);
    this.schedule();
  }

  /**
   * The rows of instances the page still holds. A released instance gets a
   * last sample (nothing live: its memory went with it), a module message
   * saying so, and its snapshots are dropped; the panel keeps what it got.
   */
  private get rows(): Row[] {
    const rows = this.allRows;
    let dead = 0;
    for (const row of rows) if (!row.alive) dead++;
    if (dead === 0) return rows;
    const now = this.opts.now();
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i];
      if (row.alive) continue;
      rows.splice(i, 1);
      const last = row.last;
      pushSample(this.samples, {
        time: now,
        module: row.id,
        memoryBytes: 0,
        liveCount: 0,
        liveBytes: 0,
        allocs: Math.max(0, last[SR.allocs]),
        frees: Math.max(0, last[SR.frees]),
      });
      const info = this.released.get(row.id);
      if (info)
        this.send({
          ...info,
          reason: `${info.reason ? `${info.reason}; ` : ''}released by the page (garbage-collected): figures up to then are kept`,
        });
      this.released.delete(row.id);
      this.heap.forget(row.id);
      for (const taken of this.snapshots.values()) taken.delete(row.id);
      this.lastDiff.delete(row.id);
    }
    this.schedule();
    return rows;
  }

  /** The rows whose blocks are their own: not a thread of a heap another context counts (InstanceRecord.countedElsewhere). */
  private get counting(): Row[] {
    return this.rows.filter((row) => !row.rec.countedElsewhere);
  }

  /** The module message of each live row, to say so once it is released (the record itself is gone by then). */
  private readonly released = new Map<number, Extract<PageToPanel, { t: 'module' }>>();

  /** Per module's bytes: what identifies its code, for symbols the user loads in the panel. */
  private readonly fingerprints = new WeakMap<Uint8Array, CodeFingerprint | null>();

  private codeOf(rec: InstanceRecord): { code?: CodeFingerprint } {
    if (!rec.bytes) return {};
    let fp = this.fingerprints.get(rec.bytes);
    if (fp === undefined) this.fingerprints.set(rec.bytes, (fp = codeFingerprint(rec.bytes)));
    return fp ? { code: fp } : {};
  }

  private moduleMsg(rec: InstanceRecord): Extract<PageToPanel, { t: 'module' }> {
    const clip = (s: string) => s.slice(0, LIMITS.maxStringChars);
    return {
      t: 'module',
      id: rec.id,
      name: clip(rec.name),
      size: rec.size,
      instrumented: rec.instrumented,
      reason: clip(rec.reason),
      allocators: (rec.outcome?.allocators ?? []).slice(0, 256).map((a) => ({
        role: clip(a.role),
        name: clip(a.name),
        foundBy: clip(a.foundBy),
        confidence: clip(a.confidence),
      })),
      wrappedExports: rec.wrappedExports.slice(0, 256),
      time: rec.time,
      ...this.codeOf(rec),
      ...this.sharedOf(rec),
    };
  }

  /**
   * An instance on a shared memory, for the panel to draw that memory once, named for every thread on it: the
   * memory is named by the creation time of the heap log of the first thread on it seen here (the same log, so the
   * same name, in every context running a thread of that heap); side modules and untracked instances on that
   * memory in this context take the same name.
   */
  private sharedOf(rec: InstanceRecord): { shared?: SharedMemoryMsg } {
    const memory = rec.memory;
    const shared = memory !== null && typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    let heap = shared ? this.sharedMemories.get(memory) : undefined;
    if (heap === undefined && rec.thread) {
      heap = rec.thread.log.t0;
      if (shared) this.sharedMemories.set(memory, heap);
    }
    if (heap === undefined) return {};
    // (a side module whose allocator the main module counts, or an untracked instance: no blocks of its own)
    const counted = rec.thread !== null && !rec.countedElsewhere && !rec.delegated;
    return { shared: { heap, thread: rec.thread?.thread ?? 0, counted } };
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.opts.setTimer(() => {
      this.flushScheduled = false;
      this.flush();
    }, FLUSH_MS);
  }

  private poll(): void {
    // memory.grow inside a module that is not instrumented fires no event:
    // compare sizes on a slow timer (reading byteLength costs ≈31 ns).
    this.opts.setTimer(() => {
      this.flush();
      this.poll();
    }, POLL_MS);
  }

  /**
   * Table event path: blocks allocated inside wasm take their time from the
   * table header, which JS refreshes at this rate (the timeline's resolution).
   */
  private tick(): void {
    this.opts.setTimer(() => {
      this.cachedNow = this.opts.now();
      for (const row of this.rows) row.rec.table?.tick();
      this.tick();
    }, FLUSH_MS);
  }

  /** Posts one batch with what changed since the last one. Public for tests. */
  flush(): void {
    // Threads on a shared heap: their events, in order, into its tracker first.
    this.hooks.drainShared();
    const now = this.opts.now();
    for (const { module, lost, total } of this.hooks.sharedLost())
      this.errors.push({
        module,
        kind: 'hook-failed',
        ptr: 0,
        site: 0,
        otherSite: 0,
        message: `${lost.toLocaleString('en-US')} allocation events of other threads were lost (${total.toLocaleString('en-US')} in all): the shared log stayed full while this page did not drain it (its main thread was busy); this heap's figures are approximate from here`,
        time: now,
      });
    this.cachedNow = now;
    for (const row of this.rows) {
      const { rec, tracker, last } = row;
      rec.table?.tick();
      const values: number[] = [];
      pushSample(values, {
        time: now,
        module: rec.id,
        memoryBytes: rec.memoryBytes,
        liveCount: tracker.liveCount,
        liveBytes: tracker.liveBytes,
        allocs: tracker.totalAllocs,
        frees: tracker.totalFrees,
      });
      let same = true;
      for (let i = SR.memoryBytes; i < SAMPLE_STRIDE; i++) if (values[i] !== last[i]) same = false;
      if (!same) {
        last.set(values);
        this.samples.push(...values);
      }
      this.tickSites(row, now);
      this.collectErrors(row);
      // Discovery contradicted at runtime (a heuristic allocator): the module list says so once.
      if (tracker.distrust && !row.distrustSent) {
        row.distrustSent = true;
        rec.reason = `${rec.reason ? `${rec.reason}; ` : ''}${tracker.distrust}`;
        const msg = this.moduleMsg(rec);
        this.released.set(rec.id, msg);
        this.send(msg);
      }
    }
    const sites = this.sites.takePending();
    const heapRows = this.heap.pending;
    const idle = this.samples.length === 0 && this.siteSamples.length === 0 && heapRows.length === 0;
    if (idle && sites.length === 0 && this.errors.length === 0) return;
    this.history.push(...this.samples);
    if (this.history.length > MAX_HISTORY * SAMPLE_STRIDE) this.history.splice(0, this.history.length - MAX_HISTORY * SAMPLE_STRIDE);
    const head = {
      samples: encodeF64(new Float64Array(this.samples)),
      ...(this.siteSamples.length > 0 ? { siteSamples: encodeF64(new Float64Array(this.siteSamples)) } : {}),
      ...(heapRows.length > 0 ? { heapSamples: encodeF64(new Float64Array(heapRows)) } : {}),
      errors: this.errors,
    };
    this.samples = [];
    this.siteSamples = [];
    this.heap.pending = [];
    this.errors = [];
    this.sendBatches(head, sites);
  }

  /**
   * One batch, or several when `sites` are many: `head` (samples, errors) goes with the first, at most
   * BATCH_SITES sites with each. A page that interns 15,000 stacks at once (wasm-vips' first resize: 20 MB of
   * JSON) would otherwise make the panel read them in one task of seconds; in messages of 2,000 the panel
   * renders between them (its cost per message is mostly reading the message), and each stays far below
   * Chrome's 64 MiB per message (a site is at most 64 frames of bounded strings).
   */
  private sendBatches(head: Omit<BatchMsg, 't' | 'seq' | 'sites'>, sites: readonly SiteMsg[]): void {
    for (let i = 0; i === 0 || i < sites.length; i += BATCH_SITES) {
      const first = i === 0;
      this.send({
        t: 'batch',
        seq: this.seq++,
        ...(first ? head : { samples: '', errors: [] }),
        sites: sites.slice(i, i + BATCH_SITES),
      });
    }
  }

  /**
   * Per-site live bytes at this tick (a scan of the live table when its
   * counters moved; src/tracker/site-ticks.ts), and the peak's blocks.
   */
  private tickSites(row: Row, now: number): void {
    const t = row.tracker;
    const changes = row.ticks.tick(now, t.blocks.table.words, t.liveCount, t.liveBytes, t.totalAllocs, t.totalFrees);
    row.past.tick(
      now,
      t.blocks as unknown as LiveIndex,
      t.nextSeq,
      t.liveCount,
      `${t.liveCount}/${t.liveBytes}/${t.totalAllocs}/${t.totalFrees}`,
    );
    for (let i = 0; i < changes.sites.length; i++) this.siteSamples.push(now, row.id, changes.sites[i], changes.bytes[i]);
    this.heap.tick(now, row.rec, row.ticks.low, row.ticks.high);
  }

  private collectErrors(row: Row): void {
    const list: TrackerError[] = row.tracker.errors;
    for (; row.errorsSent < list.length; row.errorsSent++) {
      const e = list[row.errorsSent];
      this.errors.push({
        module: row.rec.id,
        kind: e.kind,
        ptr: e.ptr,
        site: e.site >>> 0 === BLOCK_NO_SITE ? 0 : e.site,
        otherSite: e.firstFreeSite ?? e.allocSite ?? 0,
        message: `${e.kind}${e.size !== null ? ` of a ${e.size}-byte block` : ''}`,
        time: row.rec.time + e.time,
      });
    }
  }

  /** Handles one validated command from the panel. */
  handle(cmd: PanelToPage): void {
    try {
      switch (cmd.t) {
        case 'hello':
          return this.resync();
        case 'snapshot':
          return this.snapshot(cmd.req, cmd.name, cmd.cut ?? 0);
        case 'diff':
          return this.diff(cmd.req, cmd.from, cmd.to, cmd.final, cmd.cuts);
        case 'read':
          return this.read(cmd.req, cmd.module, cmd.ptr, cmd.len);
        case 'range':
          return this.range(cmd.req, cmd.from, cmd.to);
        case 'leaks':
          return this.leaks(cmd.req);
        case 'peak':
          return this.peak(cmd.req);
        case 'at':
          return this.liveAt(cmd.req, cmd.time);
        case 'stacks':
          this.fullStacks = cmd.full;
          for (const row of this.rows) row.rec.fullStacksChanged(cmd.full);
          return;
        case 'clear':
          this.history = [];
          this.heap.clear();
          for (const row of this.rows) {
            row.ticks.clear();
            row.past.clear();
          }
          this.snapshots.clear();
          this.cuts.clear();
          this.lastDiff.clear();
          return;
      }
    } catch (error) {
      const req = 'req' in cmd ? cmd.req : 0;
      this.send({ t: 'fail', req, message: (error instanceof Error ? error.message : String(error)).slice(0, LIMITS.maxStringChars) });
    }
  }

  /**
   * A worker the page started that the hook could not follow (worker-hook.ts):
   * the panel lists it, now and after every resync.
   */
  reportUnreached(kind: string, url: string, reason: string): void {
    if (this.unreached.length >= MAX_UNREACHED) return;
    const msg: UnreachedMsg = {
      t: 'unreached',
      kind: kind.slice(0, 64),
      url: url.slice(0, LIMITS.maxStringChars),
      reason: reason.slice(0, LIMITS.maxStringChars),
    };
    this.unreached.push(msg);
    this.send(msg);
  }

  /** The big modules being rewritten off the main thread (rewrite-client.ts): the panel lists them as pending. */
  reportPending(modules: { name: string; size: number }[]): void {
    this.pending = {
      t: 'pending',
      modules: modules.slice(0, LIMITS.maxPending).map((m) => ({ name: m.name.slice(0, LIMITS.maxStringChars), size: m.size })),
    };
    this.send(this.pending);
  }

  private resync(): void {
    this.helloSent = false;
    for (const msg of this.unreached) this.send(msg);
    if (this.pending.modules.length > 0) this.send(this.pending);
    if (this.rows.length === 0) return; // nothing seen: stay silent
    for (const row of this.rows) this.send(this.moduleMsg(row.rec));
    this.flush();
    // Every site so far, with the history.
    const siteSamples = this.siteHistory();
    const heapRows = this.heap.history();
    this.sendBatches(
      {
        samples: encodeF64(new Float64Array(this.history)),
        ...(siteSamples ? { siteSamples } : {}),
        ...(heapRows.length > 0 ? { heapSamples: encodeF64(new Float64Array(heapRows)) } : {}),
        errors: [],
      },
      this.sites.snapshot(),
    );
  }

  /** Every module's kept per-site history as site sample rows (for a panel that connects late). */
  private siteHistory(): string {
    const rows: number[] = [];
    for (const row of this.rows) row.ticks.history.forEachEntry((time, site, bytes) => rows.push(time, row.id, site, bytes));
    return rows.length > 0 ? encodeF64(new Float64Array(rows)) : '';
  }

  /**
   * DHAT's t-gmax: per module, the blocks that were live at the tick of its
   * highest live heap, grouped by site, freed since or not (a copy taken at
   * that tick by SiteTicks). Answered as `range` messages with `peak`.
   */
  private peak(req: number): void {
    this.flush();
    for (const row of this.counting) this.sendInstant(req, row, row.ticks.peak, { peak: true });
  }

  /** heaptrack's "consumed at": per module, the blocks live at the last tick at or before `time` (epoch ms), freed since or not. */
  private liveAt(req: number, time: number): void {
    this.flush();
    for (const row of this.counting) {
      const at = row.past.liveAt(time, row.tracker.blocks as unknown as LiveIndex);
      this.sendInstant(req, row, at, { instant: true, complete: at?.complete ?? true });
    }
  }

  /** One module's blocks at an instant as a `range` message. */
  private sendInstant(
    req: number,
    row: Row,
    p: { time: number; count: number; bytes: number; records: Uint32Array } | null,
    flags: { peak?: boolean; instant?: boolean; complete?: boolean },
  ): void {
    const count = p?.count ?? 0;
    const n = Math.min(count, LIMITS.maxDiffBlocks);
    const out = new Uint32Array(n * BLOCK_STRIDE);
    const shift = Math.round((row.rec.time - this.start) * 10);
    if (p) {
      for (let k = 0; k < n; k++) {
        const i = k * LB.width;
        const o = k * BLOCK_STRIDE;
        out[o + BR.ptr] = p.records[i + LB.ptr];
        out[o + BR.size] = p.records[i + LB.size];
        out[o + BR.site] = p.records[i + LB.site];
        out[o + BR.seq] = p.records[i + LB.seq];
        out[o + BR.time] = p.records[i + LB.time] + shift;
      }
    }
    const groups = p ? groupRecords(p.records, count) : [];
    this.send({
      t: 'range',
      req,
      module: row.rec.id,
      from: p?.time ?? 0,
      to: p?.time ?? 0,
      ...flags,
      count,
      bytes: p?.bytes ?? 0,
      groups: groups.slice(0, LIMITS.maxSites).map((g) => ({
        site: g.site,
        newCount: g.count,
        newBytes: g.bytes,
        freedCount: 0,
        freedBytes: 0,
        liveCount: g.count,
        liveBytes: g.bytes,
      })),
      blocks: encodeU32(out),
      truncated: n < count,
    });
  }

  /**
   * Every context of the tab gets the same command with the same `cut` (the panel's one sequence of snapshot
   * requests) and records its snapshot under it: a comparison names the cuts it compares, so a context that missed
   * one says so instead of comparing another instant.
   */
  private snapshot(req: number, name: SnapshotName, cut: number): void {
    const taken = new Map<number, TrackerSnapshot>();
    const modules = [];
    // (every thread's events up to now, before the trackers are read)
    this.hooks.drainShared();
    for (const row of this.counting) {
      const s = row.tracker.snapshot();
      taken.set(row.rec.id, s);
      modules.push({ module: row.rec.id, liveCount: s.count, liveBytes: s.bytes });
    }
    this.snapshots.set(name, taken);
    this.cuts.set(name, cut);
    this.flush();
    this.send({ t: 'snapshot', req, name, ...(cut > 0 ? { cut } : {}), time: this.opts.now(), modules });
  }

  private diff(req: number, from: SnapshotName, to: SnapshotName, final: SnapshotName | null, cuts?: DiffCuts): void {
    // (cuts.from 0: the panel knows this context was not running at `from`: nothing was alive here then)
    const a = cuts?.from === 0 ? new Map<number, TrackerSnapshot>() : this.snapshots.get(from);
    const b = this.snapshots.get(to);
    const c = final ? this.snapshots.get(final) : undefined;
    if (!a || !b || (final && !c)) throw new Error(`snapshot ${!a ? from : !b ? to : final} was not taken in this page`);
    if (cuts) {
      const wrong = (
        [
          [from, cuts.from],
          [to, cuts.to],
          [final, cuts.final],
        ] as const
      ).find(([name, want]) => name !== null && want !== null && want > 0 && this.cuts.get(name) !== want);
      if (wrong)
        throw new Error(`Snapshot ${wrong[0]} #${wrong[1]} was not taken in this context (it has #${this.cuts.get(wrong[0]!) ?? 0})`);
    }
    for (const row of this.rows) {
      const id = row.rec.id;
      const sb = b.get(id);
      if (!sb) continue;
      // A module instantiated after A had nothing alive at A.
      const sa = a.get(id) ?? emptyLike(sb);
      const sc = c?.get(id);
      const d = diff(sa, sb, sc);
      this.lastDiff.set(id, { b: sb, newBlocks: d.newBlocks });
      const { out, n } = this.blockRows(row, sb, d.newBlocks);
      this.send({
        t: 'diff',
        req,
        module: id,
        from,
        to,
        final,
        newCount: d.newBlocks.length,
        newBytes: d.newBytes,
        freedCount: d.freedBlocks.length,
        freedBytes: d.freedBytes,
        groups: d.groups.slice(0, LIMITS.maxSites).map((g) => ({
          site: g.site >>> 0 === BLOCK_NO_SITE ? 0 : g.site,
          newCount: g.newCount,
          newBytes: g.newBytes,
          freedCount: g.freedCount,
          freedBytes: g.freedBytes,
          liveCount: g.liveCount,
          liveBytes: g.liveBytes,
        })),
        blocks: encodeU32(out),
        truncated: n < d.newBlocks.length,
      });
    }
  }

  /** Rows of BLOCK_STRIDE u32 for the panel; times relative to this frame's start (0.1 ms). */
  private blockRows(row: Row, s: TrackerSnapshot, indices: ArrayLike<number>): { out: Uint32Array; n: number } {
    const n = Math.min(indices.length, LIMITS.maxDiffBlocks);
    const out = new Uint32Array(n * BLOCK_STRIDE);
    const shift = Math.round((row.rec.time - this.start) * 10);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      const o = k * BLOCK_STRIDE;
      out[o + BR.ptr] = s.ptr[i];
      out[o + BR.size] = s.size[i];
      out[o + BR.site] = s.site[i];
      out[o + BR.seq] = s.seq[i];
      out[o + BR.time] = s.allocTime[i] + shift;
    }
    return { out, n };
  }

  /** The Firefox profiler's "retained allocations": alive now, allocated in [from, to] (epoch ms). */
  private range(req: number, from: number, to: number): void {
    this.hooks.drainShared();
    for (const row of this.counting) {
      const s = row.tracker.snapshot();
      // allocTime counts 0.1 ms from the tracker's creation (≈ rec.time).
      const lo = (from - row.rec.time) * 10;
      const hi = (to - row.rec.time) * 10;
      const picked: number[] = [];
      let bytes = 0;
      for (let i = 0; i < s.count; i++) {
        const t = s.allocTime[i];
        if (t >= lo && t <= hi) {
          picked.push(i);
          bytes += s.size[i];
        }
      }
      const { out, n } = this.blockRows(row, s, picked);
      this.send({
        t: 'range',
        req,
        module: row.rec.id,
        from,
        to,
        count: picked.length,
        bytes,
        groups: groupBySite(s, picked).slice(0, LIMITS.maxSites),
        blocks: encodeU32(out),
        truncated: n < picked.length,
      });
    }
  }

  /**
   * Leak kinds of the last comparison's new blocks, by a conservative scan of
   * the memory as it is now (valgrind/LeakSanitizer definitions).
   */
  private leaks(req: number): void {
    if (this.lastDiff.size === 0) throw new Error('take Snapshot A and B first: leak kinds classify a comparison');
    for (const row of this.rows) {
      const last = this.lastDiff.get(row.rec.id);
      if (!last) continue;
      const memory = row.rec.memory;
      if (!memory) throw new Error(`module ${row.rec.name}: no memory the hook can read`);
      const now = row.tracker.snapshot();
      // The comparison's blocks that are still alive, as indices into `now`.
      const query: number[] = [];
      const position: number[] = [];
      for (let k = 0; k < Math.min(last.newBlocks.length, LIMITS.maxDiffBlocks); k++) {
        const i = indexOfSeq(now.seq, last.b.seq[last.newBlocks[k]], now.nextSeq);
        if (i >= 0) {
          query.push(i);
          position.push(k);
        }
      }
      const bytes = new Uint8Array(memory.buffer);
      const report = classifyLeaks(now, bytes, leakRoots(row.rec, now, bytes.length), Uint32Array.from(query));
      // 255: freed since Snapshot B.
      const kinds = new Uint8Array(Math.min(last.newBlocks.length, LIMITS.maxDiffBlocks)).fill(FREED_SINCE_B);
      for (let q = 0; q < query.length; q++) kinds[position[q]] = report.kind[q];
      this.send({
        t: 'leaks',
        req,
        module: row.rec.id,
        kinds: bytesToBase64(kinds),
        counts: Array.from(report.count),
        bytes: Array.from(report.bytes),
        scanned: report.scannedBytes,
      });
    }
  }

  private read(req: number, module: number, ptr: number, len: number): void {
    const row = this.rows.find((r) => r.id === module);
    if (!row) return; // another frame's module
    const memory = row.rec.memory;
    if (!memory) throw new Error('this module has no memory the hook can read');
    const buf = new Uint8Array(memory.buffer);
    if (ptr >= buf.length) throw new Error(`address 0x${ptr.toString(16)} is outside linear memory`);
    const data = buf.slice(ptr, Math.min(buf.length, ptr + Math.min(len, LIMITS.maxReadBytes)));
    this.send({ t: 'bytes', req, module, ptr, data: bytesToBase64(data) });
  }

  /** For tests: the records of every instance seen. */
  get records(): readonly InstanceRecord[] {
    return this.hooks.records;
  }
}

function emptyLike(s: TrackerSnapshot): TrackerSnapshot {
  const none = new Uint32Array(0);
  return {
    ...s,
    count: 0,
    bytes: 0,
    ptr: none,
    size: none,
    site: none,
    seq: none,
    allocTime: none,
    nextSeq: 0,
    origins: { index: none, seq: none, site: none, time: none, count: none },
  };
}
