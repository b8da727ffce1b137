// The panel's model, built only from validated protocol messages. It owns its
// state: components and the controller read it through getters and change it
// only through the methods below, which hold the rules (a new Snapshot A drops
// the comparison, an import is read-only, …). Every change schedules one
// render per animation frame however many messages arrive.
import {
  PROTOCOL_VERSION,
  SR,
  SSR,
  HSR,
  BR,
  BLOCK_NO_SITE,
  ProtocolError,
  parsePageMsg,
  decodeF64,
  decodeU32,
  base64ToBytes,
  type ModuleMsg,
  type SiteMsg,
  type ErrorMsg,
  type SiteGroupMsg,
  type SnapshotName,
  type PageToPanel,
  type DiffMsg,
  type RangeMsg,
  type LeaksMsg,
  type SnapshotMsg,
  type FrameMsg,
  type UnreachedMsg,
  type PendingMsg,
  type DiffCuts,
  type EndedMsg,
} from '../../src/protocol';
import { CONTEXT_UNIT } from '../../src/protocol/router';
import { SERIES_FIELDS, Series } from './series';
import { SiteSeries } from '../../src/tracker/site-series';
import { HeapSeries } from './heap-series';
import { WrapperMarks, memoryStorage, type MarkStorage } from './wrapper-marks';
import type { SiteSource } from './site-index';
import { FrameBudget, FRAME_LIMITS } from './frame-budget';
import { SymbolOverrides, extensionSymbolStorage, type ModuleSymbols, type SymbolStatus } from './symbol-overrides';
import { scriptFile } from './format';
import { SnapshotCuts, type Cut, type CutGap } from './snapshot-cuts';

/** Unreached workers the panel lists; more are not news. */
const MAX_UNREACHED = 100;
/** Frames whose pending modules (PendingMsg) are shown at once. */
const MAX_PENDING_FRAMES = 64;
/** Modules with live bytes by site kept (each SiteSeries is bounded: ≤ 1 M entries, 8 MB); later ones are counted only. */
const MAX_SITE_SERIES = 256;

export interface ModuleView extends ModuleMsg {
  key: string;
  frame: number;
  /** The worker this module runs in ("worker classic.js “name”"), the frame ("frame child.html"), or '' in the page itself. */
  context: string;
  memoryBytes: number;
  liveCount: number;
  liveBytes: number;
  allocs: number;
  frees: number;
}

/** Blocks grouped by site, from a comparison or a time-range selection: what the tables show. */
export interface BlockTable {
  /** Unique per table received: components key their view state (sort, expanded rows) on it. */
  id: number;
  kind: 'diff' | 'range';
  moduleKey: string;
  frame: number;
  module: number;
  newCount: number;
  newBytes: number;
  freedCount: number;
  freedBytes: number;
  groups: SiteGroupMsg[];
  /** Rows of BR.width u32 (src/protocol/block-row.ts): ptr, size, site, seq, time. */
  blocks: Uint32Array;
  truncated: boolean;
  /** Leak kind per block row (LEAK_KIND_NAMES index, or FREED_SINCE_B), once computed. */
  leaks: { msg: LeaksMsg; kinds: Uint8Array } | null;
}

export interface DiffView extends BlockTable {
  kind: 'diff';
  from: SnapshotName;
  to: SnapshotName;
  final: SnapshotName | null;
  /** The message as received, kept for export. */
  msg: DiffMsg;
}

export interface RangeView extends BlockTable {
  kind: 'range';
  msg: RangeMsg;
}

export interface SelectedBlock {
  table: BlockTable;
  /** Row index into table.blocks (not multiplied by the stride). */
  row: number;
  moduleKey: string;
  ptr: number;
  size: number;
  site: number;
  seq: number;
  time: number;
}

export interface MemoryBytesView {
  moduleKey: string;
  ptr: number;
  data: Uint8Array;
}

export interface SnapshotInfo {
  time: number;
  liveCount: number;
  liveBytes: number;
}

/** The totals of the page's reply to a snapshot command. */
export function snapshotInfo(msg: SnapshotMsg): SnapshotInfo {
  let liveCount = 0;
  let liveBytes = 0;
  for (const m of msg.modules) {
    liveCount += m.liveCount;
    liveBytes += m.liveBytes;
  }
  return { time: msg.time, liveCount, liveBytes };
}

export type Snapshots = Partial<Record<SnapshotName, SnapshotInfo>>;
export type FrameError = ErrorMsg & { frame: number };
/** What the panel says about one frame of the page: its protocol, what it dropped at the limits. */
export interface FrameNotice {
  frame: number;
  /** The frame's URL from its last valid hello ('' before one). */
  url: string;
  lines: string[];
}
/** Retained allocations of a timeline selection: one table per module once the page answered. */
export interface RangeSelection {
  from: number;
  to: number;
  /** The blocks live at each module's peak (the `peak` command), not a time range. */
  peak: boolean;
  tables: RangeView[];
}
export interface Busy {
  label: string;
  /** The request whose first reply ends it; -1 for work in the panel (an import). */
  req: number;
}

const EMPTY = new Float64Array(0);

export class Store {
  // The state, written only by the methods of this class.
  #connected = false;
  #notices: string[] = [];
  #error: string | null = null;
  #busy: Busy | null = null;
  #recording = true;
  #fullStacks = false;
  /** Allocator-wrapper marks of the live page (remembered), or of an imported recording while it is shown. */
  #liveMarks: WrapperMarks;
  #marks: WrapperMarks;
  #sitesVersion = 0;
  /** Changes when a stack is replaced or dropped (not when one is added): a grouping made before may be wrong. */
  #sitesReplaced = 0;
  /** Per table's groups: whether a stack it names was unknown, as of (#sitesReplaced, #sitesVersion). */
  #missing = new WeakMap<readonly SiteGroupMsg[], { replaced: number; version: number; missing: boolean }>();
  /** Symbols the user loaded for modules (symbol-overrides.ts): applied to their stacks. */
  #symbols = new SymbolOverrides(extensionSymbolStorage());
  #readOnly: string | null = null;
  #moduleFilter: string | null = null;
  #pageUrl = '';
  #recordingStart = 0;
  #lastTime = 0;
  #frameStart = new Map<number, number>();
  /** Per source, what its hello said it is when it is a worker (see contextLabel), or 'frame <file>'. */
  #contexts = new Map<number, string>();
  /** Per worker source, its hello's context as sent (an export keeps it). */
  #helloContexts = new Map<number, { kind: string; name: string }>();
  /** Worker sources known to have ended (EndedMsg): how and when; gone with the source's next hello and Clear. */
  #ended = new Map<number, { how: EndedMsg['how']; time: number }>();
  /** Workers the pages started that their hooks could not follow (UnreachedMsg), per frame. */
  #unreached: (UnreachedMsg & { frame: number })[] = [];
  /** Big modules being rewritten off the page's main thread (PendingMsg), per frame: shown until their module arrives. */
  #pending = new Map<number, PendingMsg['modules']>();
  #modules = new Map<string, ModuleView>();
  #series = new Map<string, Series>();
  /** Per module: live bytes by stack over time (BatchMsg.siteSamples). */
  #siteSeries = new Map<string, SiteSeries>();
  #droppedSiteSeries = 0;
  /** Per module: the live heap's extent over time (BatchMsg.heapSamples), at most MAX_SITE_SERIES modules. */
  #heapSeries = new Map<string, HeapSeries>();
  /** The site (site-growth.ts key) picked on the by-site chart or the Growing sites table. */
  #growthSite: string | null = null;
  /** The timeline shows live bytes by site (stacked) and the growth ranking replaces the comparison. */
  #bySite = false;
  /** The timeline's visible window (epoch ms), what the growth ranking ranks over; null = everything. */
  #timeWindow: { from: number; to: number } | null = null;
  #sites = new Map<string, SiteMsg>();
  #errors: FrameError[] = [];
  /** Per frame: what it holds against FRAME_LIMITS, what it dropped, a hello in another protocol. */
  #budgets = new Map<number, FrameBudget>();
  #snapshots: Snapshots = {};
  /** The snapshot requests of the live page, one cut number each, and which contexts answered them (snapshot-cuts.ts). */
  #cuts = new SnapshotCuts();
  /** The sources the comparison shown compares (their diff replies are taken; others' are another instant). */
  #compared = new Set<number>();
  #diffs: DiffView[] = [];
  #range: RangeSelection | null = null;
  #selected: SelectedBlock | null = null;
  #memoryView: MemoryBytesView | null = null;
  #version = 0;
  private lastSeq = new Map<number, number>();
  private pendingReq = new Map<number, (msg: PageToPanel & { frame: number }) => void>();
  private nextReq = 1;
  private nextTable = 1;
  private listeners = new Set<() => void>();
  private scheduled = false;

  /** `storage` remembers the user's allocator-wrapper marks (extensionStorage() in the panel; memory by default). */
  constructor(storage: MarkStorage = memoryStorage()) {
    this.#liveMarks = new WrapperMarks(storage);
    this.#marks = this.#liveMarks;
  }

  /** The port to the page is open. */
  get connected(): boolean {
    return this.#connected;
  }
  /**
   * Per frame that has something to say (another protocol version, items
   * dropped at FRAME_LIMITS): shown for that frame only, gone with the frame's
   * next valid hello (the protocol; the drops with its data) and with Clear.
   */
  get frameNotices(): FrameNotice[] {
    const out: FrameNotice[] = [];
    for (const [frame, b] of this.#budgets) {
      const lines = b.notices();
      if (b.protocol) lines.unshift(b.protocol);
      if (lines.length > 0) out.push({ frame, url: b.url, lines });
    }
    return out.sort((x, y) => x.frame - y.frame);
  }
  /** What frame `frame` holds and dropped (FRAME_LIMITS); undefined before its first message. */
  budget(frame: number): Readonly<FrameBudget> | undefined {
    return this.#budgets.get(frame);
  }
  /** Passing messages (lost updates, ignored messages); the last one is shown. */
  get notices(): readonly string[] {
    return this.#notices;
  }
  /** An error the user must see (bad import file, failed command): a red banner. */
  get error(): string | null {
    return this.#error;
  }
  /** Long work in the page: label shown with a spinner until the reply. */
  get busy(): Readonly<Busy> | null {
    return this.#busy;
  }
  /** false after Stop: the page keeps tracking, the panel's timeline and counters freeze. */
  get recording(): boolean {
    return this.#recording;
  }
  /**
   * "JS stack per allocation": the page captures the JS frames of every
   * allocation instead of once per wasm calling context (slower); the page is
   * told on every hello. Whole wasm stacks are always on.
   */
  get fullStacks(): boolean {
    return this.#fullStacks;
  }
  /** Name of an imported recording shown instead of the live page. */
  get readOnly(): string | null {
    return this.#readOnly;
  }
  /** Show only this module (key) in the timeline and the tables. */
  get moduleFilter(): string | null {
    return this.#moduleFilter;
  }
  get pageUrl(): string {
    return this.#pageUrl;
  }
  /** Epoch ms of the earliest hello or module: the timeline's zero. */
  get recordingStart(): number {
    return this.#recordingStart;
  }
  /** Epoch ms of the newest sample or message: "now" for ages in a recording. */
  get lastTime(): number {
    return this.#lastTime;
  }
  /** Workers the page started that are not tracked, and why (at most MAX_UNREACHED). */
  get unreached(): readonly (UnreachedMsg & { frame: number })[] {
    return this.#unreached;
  }
  /** Modules the pages are still rewriting in their rewrite workers, with their frame. */
  get pending(): { frame: number; name: string; size: number }[] {
    return [...this.#pending].flatMap(([frame, list]) => list.map((m) => ({ frame, ...m })));
  }
  /** Per frame id, its hello's start (epoch ms): block times count from it. */
  get frameStart(): ReadonlyMap<number, number> {
    return this.#frameStart;
  }
  /** Modules by key `${frame}:${id}`. */
  get modules(): ReadonlyMap<string, Readonly<ModuleView>> {
    return this.#modules;
  }
  get series(): ReadonlyMap<string, Series> {
    return this.#series;
  }
  get siteSeries(): ReadonlyMap<string, SiteSeries> {
    return this.#siteSeries;
  }
  get heapSeries(): ReadonlyMap<string, HeapSeries> {
    return this.#heapSeries;
  }
  get growthSite(): string | null {
    return this.#growthSite;
  }
  /** Picks a site of the by-site chart and the Growing sites table (null: none). */
  selectGrowthSite(key: string | null): void {
    if (key === this.#growthSite) return;
    this.#growthSite = key;
    this.changed();
  }
  /** Modules whose live bytes by site were not kept (beyond MAX_SITE_SERIES). */
  get droppedSiteSeries(): number {
    return this.#droppedSiteSeries;
  }
  get bySite(): boolean {
    return this.#bySite;
  }
  get timeWindow(): { from: number; to: number } | null {
    return this.#timeWindow;
  }
  toggleBySite(): void {
    this.#bySite = !this.#bySite;
    this.changed();
  }
  /** The timeline's zoom (epoch ms); null when it shows everything. */
  setTimeWindow(w: { from: number; to: number } | null): void {
    const same = w === this.#timeWindow || (w && this.#timeWindow && w.from === this.#timeWindow.from && w.to === this.#timeWindow.to);
    if (same) return;
    this.#timeWindow = w;
    this.changed();
  }
  /** Sites (interned whole stacks) by key `${frame}:${id}`; see site(). */
  get sites(): ReadonlyMap<string, SiteMsg> {
    return this.#sites;
  }
  /** Changes whenever a stack is added or dropped. */
  get sitesVersion(): number {
    return this.#sitesVersion;
  }
  /** The user's allocator-wrapper marks shown (the live page's, or an imported recording's). */
  get marks(): WrapperMarks {
    return this.#marks;
  }
  get errors(): readonly FrameError[] {
    return this.#errors;
  }
  /** Errors beyond FRAME_LIMITS.errors of their frame, counted only. */
  get droppedErrors(): number {
    let dropped = 0;
    for (const b of this.#budgets.values()) dropped += b.dropped.errors;
    return dropped;
  }
  get snapshots(): Readonly<Snapshots> {
    return this.#snapshots;
  }
  /** The contexts the comparison leaves out, and why (empty without a comparison or in an imported recording). */
  get comparisonGaps(): CutGap[] {
    if (this.#readOnly || !this.#snapshots.A || !this.#snapshots.B) return [];
    return this.#cuts.compared()?.gaps ?? [];
  }
  /** The request of snapshot `name` of the live page (its cut number, who answered), if any. */
  cut(name: SnapshotName): Readonly<Cut> | undefined {
    return this.#cuts.get(name);
  }
  /** How and when source `source` ended (a worker terminated by the page, or closed by itself), if it did. */
  ended(source: number): Readonly<{ how: EndedMsg['how']; time: number }> | undefined {
    return this.#ended.get(source);
  }
  /** A worker source's hello context ({ context }), as an export writes it; {} for a frame. */
  helloContext(source: number): { context?: { kind: string; name: string } } {
    const context = this.#helloContexts.get(source);
    return context ? { context } : {};
  }
  /** Whether the comparison shown compares source `frame` (a diff reply of another is dropped). */
  compares(frame: number): boolean {
    return this.#compared.has(frame);
  }
  /**
   * What a source is called wherever contexts are named: its worker's label (contextLabel), 'frame <file>' for a
   * frame below the top one, 'page' for the top frame.
   */
  sourceLabel(source: number): string {
    return this.#contexts.get(source) || (source === 0 ? 'page' : `context ${source}`);
  }
  /** The comparison: one table per module. */
  get diffs(): readonly DiffView[] {
    return this.#diffs;
  }
  /** Retained allocations of the timeline selection, while it is shown. */
  get range(): Readonly<RangeSelection> | null {
    return this.#range;
  }
  /** The block shown in the detail pane. */
  get selected(): Readonly<SelectedBlock> | null {
    return this.#selected;
  }
  /** The selected block's first bytes, once the page sent them. */
  get memoryView(): Readonly<MemoryBytesView> | null {
    return this.#memoryView;
  }
  /** Increments on every change. */
  get version(): number {
    return this.#version;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    this.#version++;
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      for (const fn of this.listeners) fn();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else setTimeout(run, 16);
  }

  request(resolve: (msg: PageToPanel & { frame: number }) => void): number {
    const req = this.nextReq++;
    this.pendingReq.set(req, resolve);
    return req;
  }

  /** Forget a request: its late replies are dropped (Cancel). */
  forget(req: number): void {
    this.pendingReq.delete(req);
    if (this.#busy?.req === req) this.#busy = null;
    this.changed();
  }

  notice(text: string): void {
    this.#notices = [...this.#notices.slice(-4), text];
    this.changed();
  }

  dismissNotices(): void {
    this.#notices = [];
    this.changed();
  }

  /** Shows `text` in the red banner; null dismisses it. */
  setError(text: string | null): void {
    this.#error = text;
    this.changed();
  }

  /** Shows `label` with a spinner until endBusy(req) or a Cancel (forget). */
  startBusy(label: string, req: number): void {
    this.#busy = { label, req };
    this.changed();
  }

  /** Ends the spinner of request `req` (no-op once another one started). */
  endBusy(req: number): void {
    if (this.#busy?.req !== req) return;
    this.#busy = null;
    this.changed();
  }

  setConnected(connected: boolean): void {
    this.#connected = connected;
    this.changed();
  }

  /** Stop (false) freezes the timeline and counters; Record (true) resumes them. */
  setRecording(on: boolean): void {
    this.#recording = on;
    this.changed();
  }

  setFullStacks(on: boolean): void {
    this.#fullStacks = on;
    this.changed();
  }

  /** Shows only module `key` in the timeline and the tables; null shows all. */
  selectModule(key: string | null): void {
    this.#moduleFilter = key;
    this.changed();
  }

  /**
   * Snapshot `name` was taken (the page's reply, see snapshotInfo) or restored
   * (an import). A new Snapshot A is a new baseline: the later snapshots, the
   * comparison and the selected block go.
   */
  setSnapshot(name: SnapshotName, info: SnapshotInfo): void {
    if (name === 'A') {
      this.#snapshots = { A: info };
      this.#diffs = [];
      this.#selected = null;
    } else {
      this.#snapshots = { ...this.#snapshots, [name]: info };
    }
    this.changed();
  }

  /**
   * Asks for snapshot `name` in every context: a new cut number, the sources known now (a source that says hello
   * later was not running at it) and those it waits for (with modules whose blocks they count).
   */
  beginSnapshot(name: SnapshotName, now = Date.now()): Readonly<Cut> {
    const expected = new Set<number>();
    for (const m of this.#modules.values()) if (m.shared?.counted !== false) expected.add(m.frame);
    // (a context that ended answers nothing: not waited for)
    const ended = new Map([...this.#ended].map(([source, e]) => [source, e.how]));
    return this.#cuts.begin(name, now, this.#frameStart.keys(), expected, ended);
  }

  /**
   * One context's answer to a snapshot request: the snapshot's figures are those of the answers in time (the
   * first one sets it, a first A being a new baseline). True when it was the last answer the request waited for.
   */
  snapshotAnswer(frame: number, msg: SnapshotMsg, now = Date.now()): boolean {
    const r = this.#cuts.answer(frame, msg, now);
    if (!r) return false;
    if (!r.cut.answers.get(frame)?.late) {
      const info = SnapshotCuts.totals(r.cut);
      if (r.first) this.setSnapshot(msg.name, info);
      else this.#snapshots = { ...this.#snapshots, [msg.name]: info };
    }
    this.changed();
    return r.settledNow;
  }

  /** The wait for request `cut` of snapshot `name` is over (SNAPSHOT_WAIT_MS); true when it was still waiting. */
  settleSnapshot(name: SnapshotName, cut: number): boolean {
    if (!this.#cuts.settle(name, cut)) return false;
    // (no context answered: nothing alive anywhere said otherwise)
    const c = this.#cuts.get(name);
    if (c && c.answers.size === 0) this.setSnapshot(name, SnapshotCuts.totals(c));
    this.changed();
    return true;
  }

  /**
   * Starts a comparison of A and B (kept at C when C was taken): drops the
   * last comparison, the timeline selection and the selected block. Returns
   * what to ask the page, or null without both A and B: per context compared,
   * the cuts it must have recorded (live snapshots; none for a page that
   * answered without cuts).
   */
  beginComparison(): { from: 'A'; to: 'B'; final: 'C' | null; sources: { source: number; cuts: DiffCuts }[] } | null {
    if (!this.#snapshots.A || !this.#snapshots.B) return null;
    this.#diffs = [];
    this.#selected = null;
    this.#range = null;
    // (a context without modules has nothing to compare)
    const withModules = new Set([...this.#modules.values()].map((m) => m.frame));
    const sources = (this.#cuts.compared()?.sources ?? []).filter((s) => withModules.has(s.source));
    this.#compared = new Set(sources.map((s) => s.source));
    this.changed();
    return { from: 'A', to: 'B', final: this.#snapshots.C ? 'C' : null, sources };
  }

  /** A timeline selection from..to (epoch ms) is shown instead of the comparison until closeRange(). */
  openRange(from: number, to: number, peak = false): void {
    this.#range = { from, to, peak, tables: [] };
    this.#selected = null;
    this.changed();
  }

  closeRange(): void {
    this.#range = null;
    this.#selected = null;
    this.changed();
  }

  /** Shows block `row` of `table` in the detail pane; its bytes are read again. */
  selectBlock(table: BlockTable, row: number): Readonly<SelectedBlock> {
    const b = table.blocks;
    const o = row * BR.width;
    const selected: SelectedBlock = {
      table,
      row,
      moduleKey: table.moduleKey,
      ptr: b[o + BR.ptr],
      size: b[o + BR.size],
      site: b[o + BR.site],
      seq: b[o + BR.seq],
      time: b[o + BR.time],
    };
    this.#selected = selected;
    this.#memoryView = null;
    this.changed();
    return selected;
  }

  /** Closes the detail pane. */
  deselect(): void {
    this.#selected = null;
    this.changed();
  }

  /**
   * Forgets everything shown (the live page or an import), notices and what
   * each frame said or dropped included; Record/Stop, JS stack per allocation,
   * the connection and the live page's allocator-wrapper marks stay.
   */
  clear(): void {
    this.#modules.clear();
    this.#series.clear();
    this.#siteSeries.clear();
    this.#droppedSiteSeries = 0;
    this.#heapSeries.clear();
    this.#growthSite = null;
    this.#sites.clear();
    this.#errors = [];
    this.#budgets = new Map();
    this.#notices = [];
    this.#snapshots = {};
    this.#cuts.clear();
    this.#compared.clear();
    this.#diffs = [];
    this.#range = null;
    this.#selected = null;
    this.#memoryView = null;
    this.#recordingStart = 0;
    this.#lastTime = 0;
    this.#readOnly = null;
    this.#marks = this.#liveMarks;
    this.#sitesVersion++;
    this.#sitesReplaced++;
    this.#moduleFilter = null;
    this.#error = null;
    this.#busy = null;
    this.#frameStart.clear();
    this.#contexts.clear();
    this.#helloContexts.clear();
    this.#ended.clear();
    this.#unreached = [];
    this.#pending.clear();
    this.lastSeq.clear();
    this.changed();
  }

  /**
   * Shows `imported` (a store built by parseRecording) read-only under `name`
   * instead of the live page, whose messages wait until clear().
   */
  importRecording(imported: Store, name: string): void {
    this.clear();
    this.#pageUrl = imported.#pageUrl;
    this.#recordingStart = imported.#recordingStart;
    this.#lastTime = imported.#lastTime;
    this.#frameStart = imported.#frameStart;
    this.#contexts = imported.#contexts;
    this.#helloContexts = imported.#helloContexts;
    this.#modules = imported.#modules;
    this.#series = imported.#series;
    this.#siteSeries = imported.#siteSeries;
    this.#droppedSiteSeries = imported.#droppedSiteSeries;
    this.#heapSeries = imported.#heapSeries;
    this.#sites = imported.#sites;
    this.#errors = imported.#errors;
    this.#budgets = imported.#budgets;
    this.#snapshots = imported.#snapshots;
    this.#diffs = imported.#diffs;
    this.#range = imported.#range;
    this.#marks = imported.#marks;
    this.#sitesVersion++;
    this.#sitesReplaced++;
    this.#readOnly = name;
    this.changed();
  }

  /** Something from epoch ms `time` was seen: "now" of a recording is the latest of them. */
  seenTime(time: number): void {
    if (time <= this.#lastTime) return;
    this.#lastTime = time;
    this.changed();
  }

  /** Entry point for everything the router delivers; never throws. */
  receive(raw: unknown): { resync: boolean; hello: boolean } {
    try {
      const env = raw as { frame?: unknown; msg?: unknown };
      if (!env || typeof env !== 'object' || typeof env.frame !== 'number' || !Number.isInteger(env.frame)) {
        throw new Error('message without a frame id');
      }
      // An imported recording is on screen: the live page waits until Clear.
      if (this.#readOnly) return { resync: false, hello: parsePageMsg(env.msg).t === 'hello' };
      const { raw: within, dropped } = this.beyondSiteLimit(env.frame, env.msg);
      const msg = parsePageMsg(within);
      if (dropped > 0) this.frameBudget(env.frame).drop('sites', dropped);
      return { ...this.apply(env.frame, msg), hello: msg.t === 'hello' };
    } catch (error) {
      this.notice(`Ignored a message from the page: ${(error as Error).message}`);
      return { resync: false, hello: false };
    }
  }

  /**
   * A batch with more new sites than its frame has room for: those beyond
   * are taken out before validation (`raw` is the copy the port gave us), so
   * a flood costs the panel a look at each id, not a check of each frame
   * (issue 15). Anything that is not a site with a numeric id stays, for the
   * validator to refuse.
   */
  private beyondSiteLimit(frame: number, raw: unknown): { raw: unknown; dropped: number } {
    const m = raw as { t?: unknown; sites?: unknown } | null;
    if (!m || typeof m !== 'object' || m.t !== 'batch' || !Array.isArray(m.sites)) return { raw, dropped: 0 };
    let room = this.#budgets.get(frame)?.room('sites') ?? FRAME_LIMITS.sites;
    if (m.sites.length <= room) return { raw, dropped: 0 };
    const budget = this.frameBudget(frame);
    const kept: unknown[] = [];
    const taken = new Set<number>();
    for (const x of m.sites as unknown[]) {
      const id = (x as { id?: unknown } | null)?.id;
      if (typeof id !== 'number' || taken.has(id) || budget.hasSite(id)) kept.push(x);
      else if (room > 0) {
        kept.push(x);
        taken.add(id);
        room--;
      }
    }
    return { raw: { ...m, sites: kept }, dropped: m.sites.length - kept.length };
  }

  /** Applies one validated message; throws on inconsistent payloads (import relies on it). */
  apply(frame: number, msg: PageToPanel): { resync: boolean } {
    switch (msg.t) {
      case 'hello': {
        // Said for this frame only, and nothing else changes: any script in
        // the frame can post a hello (issue 15: one forged hello took over the
        // panel for good). Its other messages are still checked and shown.
        if (msg.v !== PROTOCOL_VERSION) {
          this.frameBudget(frame).protocol =
            `The page runs WASM Leaks protocol ${msg.v}, this panel speaks ${PROTOCOL_VERSION}: reload the page after updating the extension.`;
          this.changed();
          return { resync: false };
        }
        // A new hello from a frame we knew means the frame reloaded: its old
        // modules are gone.
        this.dropFrame(frame);
        this.frameBudget(frame).url = msg.url;
        this.#frameStart.set(frame, msg.start);
        // (a frame other than the top one is named by its document, as a worker is by its script)
        this.#contexts.set(frame, contextLabel(msg) || (frame > 0 && frame < CONTEXT_UNIT ? `frame ${scriptFile(msg.url)}` : ''));
        if (msg.context) this.#helloContexts.set(frame, msg.context);
        else this.#helloContexts.delete(frame);
        if (frame === 0 || !this.#pageUrl) this.#pageUrl = msg.url;
        if (!this.#recordingStart || msg.start < this.#recordingStart) this.#recordingStart = msg.start;
        this.#lastTime = Math.max(this.#lastTime, msg.start);
        this.lastSeq.delete(frame);
        break;
      }
      case 'module': {
        const key = `${frame}:${msg.id}`;
        const old = this.#modules.get(key);
        const kept = this.frameBudget(frame).admitModule(msg, old !== undefined);
        if (!kept) break;
        this.#modules.set(key, {
          ...kept,
          key,
          frame,
          context: this.#contexts.get(frame) ?? '',
          memoryBytes: old?.memoryBytes ?? 0,
          liveCount: old?.liveCount ?? 0,
          liveBytes: old?.liveBytes ?? 0,
          allocs: old?.allocs ?? 0,
          frees: old?.frees ?? 0,
        });
        if (!this.#recordingStart) this.#recordingStart = msg.time;
        // The user's marks for this module, remembered from an earlier visit.
        this.#marks.load(kept, () => this.changed());
        // Symbols loaded for this build of the module in an earlier session.
        this.#symbols.restore(kept, () => this.resymbolize(key));
        break;
      }
      case 'batch':
        return this.applyBatch(frame, msg);
      case 'pending':
        // The page's whole current list (at most LIMITS.maxPending): replaces the last.
        // (frames listing some: bounded like the modules a panel keeps per frame)
        if (msg.modules.length > 0) {
          if (this.#pending.has(frame) || this.#pending.size < MAX_PENDING_FRAMES) this.#pending.set(frame, msg.modules);
        } else this.#pending.delete(frame);
        break;
      case 'ended':
        this.applyEnded(frame, msg);
        break;
      case 'unreached': {
        // A panel that reconnects hears them again: keep one of each.
        const same = (u: UnreachedMsg & { frame: number }) => u.frame === frame && u.url === msg.url && u.reason === msg.reason;
        if (this.#unreached.length < MAX_UNREACHED && !this.#unreached.some(same)) this.#unreached.push({ ...msg, frame });
        break;
      }
      default: {
        const resolve = this.pendingReq.get(msg.req);
        if (msg.t === 'fail' && !resolve) this.notice(msg.message);
        resolve?.({ ...msg, frame });
        // Diff, range and leaks answer once per module: keep listening.
        // (a snapshot is answered once per context: the controller forgets its request at the next one)
        if (msg.t === 'bytes') this.pendingReq.delete(msg.req);
        break;
      }
    }
    this.changed();
    return { resync: false };
  }

  /**
   * A worker source ended: said once (a repeat changes nothing); snapshots stop waiting for it; each of its
   * modules' lines runs to the time it ended and stops there (its last figures, held: the blocks went with it,
   * they were not freed). Only a source that said hello can end; its next hello (a new worker) forgets it.
   */
  private applyEnded(frame: number, msg: EndedMsg): void {
    if (frame < CONTEXT_UNIT || !this.#frameStart.has(frame) || this.#ended.has(frame)) return;
    this.#ended.set(frame, { how: msg.how, time: msg.time });
    this.#cuts.ended(frame, msg.how);
    if (msg.time > this.#lastTime) this.#lastTime = msg.time;
    if (!this.#recording) return;
    const budget = this.frameBudget(frame);
    for (const [key, m] of this.#modules) {
      if (m.frame !== frame) continue;
      const s = this.#series.get(key);
      if (!s || s.length === 0 || s.time[s.length - 1] >= msg.time || !budget.admitPoint()) continue;
      s.push(msg.time, m.memoryBytes, m.liveCount, m.liveBytes, m.allocs, m.frees);
      budget.points(1);
    }
  }

  private applyBatch(frame: number, msg: PageToPanel & { t: 'batch' }): { resync: boolean } {
    const last = this.lastSeq.get(frame);
    let resync = false;
    if (last !== undefined && msg.seq !== last + 1) {
      this.notice(`Lost ${msg.seq - last - 1} update(s) from the page; resynchronising.`);
      resync = true;
    }
    this.lastSeq.set(frame, msg.seq);
    const budget = this.frameBudget(frame);
    // Sites and errors always land (within the frame's limits): stacks of
    // blocks in a later comparison need them. The page sends names as the
    // module has them; C++/Rust names are demangled here (once per name).
    let added = 0;
    let replaced = 0;
    for (const s of msg.sites) {
      const site = budget.admitSite(s);
      if (!site) continue;
      const key = `${frame}:${s.id}`;
      if (this.#sites.has(key)) replaced++;
      this.#sites.set(key, this.#symbols.apply(this.#modules.get(`${frame}:${site.module}`), site));
      added++;
    }
    if (added > 0) this.#sitesVersion++;
    if (replaced > 0) this.#sitesReplaced++;
    for (const e of msg.errors) if (budget.admitError()) this.#errors.push({ ...e, frame });
    // Most batches carry no samples: no typed array for them (a flood of small messages pays it each time).
    const rows = msg.samples === '' ? EMPTY : decodeF64(msg.samples);
    if (rows.length % SR.width !== 0) throw new ProtocolError('samples: ragged rows');
    // Stopped: the timeline and counters stay as they were (the page keeps tracking).
    if (!this.#recording) return { resync };
    for (let i = 0; i < rows.length; i += SR.width) {
      const key = `${frame}:${rows[i + SR.module]}`;
      const m = this.#modules.get(key);
      if (!m) continue;
      const time = rows[i + SR.time];
      m.memoryBytes = rows[i + SR.memoryBytes];
      m.liveCount = rows[i + SR.liveCount];
      m.liveBytes = rows[i + SR.liveBytes];
      m.allocs = rows[i + SR.allocs];
      m.frees = rows[i + SR.frees];
      if (time > this.#lastTime) this.#lastTime = time;
      // The counters above are one value each; the timeline's points are bounded per frame.
      if (!budget.admitPoint()) continue;
      let s = this.#series.get(key);
      if (!s) this.#series.set(key, (s = new Series()));
      const before = s.length;
      const end = this.#ended.get(frame);
      if (end && s.length > 0 && s.time[s.length - 1] === end.time && time < end.time) {
        // A sample that was on its way when the worker ended: before the end point, which now holds its figures.
        const row = [time, m.memoryBytes, m.liveCount, m.liveBytes, m.allocs, m.frees];
        const at = s.length - 1;
        SERIES_FIELDS.forEach((f, k) => {
          s[f].splice(at, 0, row[k]);
          if (k > 0) s[f][at + 1] = row[k];
        });
      } else s.push(time, m.memoryBytes, m.liveCount, m.liveBytes, m.allocs, m.frees);
      budget.points(s.length - before);
    }
    if (msg.siteSamples) this.applySiteSamples(frame, decodeF64(msg.siteSamples));
    if (msg.heapSamples) this.applyHeapSamples(frame, decodeF64(msg.heapSamples));
    this.changed();
    return { resync };
  }

  /** Site sample rows (SSR) into each module's SiteSeries: one column per (module, tick). */
  private applySiteSamples(frame: number, rows: Float64Array): void {
    if (rows.length % SSR.width !== 0) throw new ProtocolError('siteSamples: ragged rows');
    for (let i = 0; i < rows.length; ) {
      const time = rows[i + SSR.time];
      const module = rows[i + SSR.module];
      const sites: number[] = [];
      const bytes: number[] = [];
      for (; i < rows.length && rows[i + SSR.time] === time && rows[i + SSR.module] === module; i += SSR.width) {
        const site = rows[i + SSR.site];
        if (!Number.isInteger(site) || site < 0 || site > 0xffff_ffff) continue;
        sites.push(site);
        bytes.push(rows[i + SSR.liveBytes]);
      }
      const key = `${frame}:${module}`;
      if (!this.#modules.has(key)) continue;
      let s = this.#siteSeries.get(key);
      if (!s) {
        if (this.#siteSeries.size >= MAX_SITE_SERIES) {
          this.#droppedSiteSeries++;
          continue;
        }
        this.#siteSeries.set(key, (s = new SiteSeries()));
      }
      s.add(time, sites, bytes);
    }
  }

  /**
   * Heap sample rows (HSR) into each module's HeapSeries; rows that are not addresses in a 32-bit memory are
   * dropped. They count as timeline points against the frame's budget (FRAME_LIMITS.points), as samples do.
   */
  private applyHeapSamples(frame: number, rows: Float64Array): void {
    if (rows.length % HSR.width !== 0) throw new ProtocolError('heapSamples: ragged rows');
    const address = (v: number) => Number.isInteger(v) && v >= 0 && v <= 2 ** 32;
    const budget = this.frameBudget(frame);
    for (let i = 0; i < rows.length; i += HSR.width) {
      const base = rows[i + HSR.base];
      const top = rows[i + HSR.top];
      const source = rows[i + HSR.source];
      if (!address(base) || !address(top) || (source !== 0 && source !== 1) || !Number.isFinite(rows[i + HSR.time])) continue;
      const key = `${frame}:${rows[i + HSR.module]}`;
      if (!this.#modules.has(key)) continue;
      let s = this.#heapSeries.get(key);
      if (!s) {
        if (this.#heapSeries.size >= MAX_SITE_SERIES) continue;
        this.#heapSeries.set(key, (s = new HeapSeries()));
      }
      if (!budget.admitPoint()) continue;
      const before = s.length;
      s.add(rows[i + HSR.time], base, top, source);
      budget.points(s.length - before);
    }
  }

  private frameBudget(frame: number): FrameBudget {
    let b = this.#budgets.get(frame);
    if (!b) this.#budgets.set(frame, (b = new FrameBudget()));
    return b;
  }

  private dropFrame(frame: number): void {
    this.#ended.delete(frame);
    this.#unreached = this.#unreached.filter((u) => u.frame !== frame);
    this.#pending.delete(frame);
    this.#budgets.get(frame)?.reset();
    for (const [key, m] of this.#modules) {
      if (m.frame !== frame) continue;
      this.#modules.delete(key);
      this.#series.delete(key);
      this.#siteSeries.delete(key);
      this.#heapSeries.delete(key);
    }
    const before = this.#sites.size;
    for (const key of [...this.#sites.keys()]) if (key.startsWith(`${frame}:`)) this.#sites.delete(key);
    this.#sitesVersion++;
    // (a frame or worker saying its first hello drops nothing)
    if (this.#sites.size < before) this.#sitesReplaced++;
    this.#diffs = this.#diffs.filter((d) => d.frame !== frame);
  }

  /** One module's part of the comparison (replaces that module's previous one). */
  setDiff(msg: DiffMsg & { frame: number }): void {
    const blocks = decodeU32(msg.blocks);
    if (blocks.length % BR.width !== 0) throw new ProtocolError('diff blocks: ragged rows');
    const moduleKey = `${msg.frame}:${msg.module}`;
    const { frame, ...raw } = msg;
    const view: DiffView = { ...msg, id: this.nextTable++, kind: 'diff', moduleKey, blocks, leaks: null, msg: raw };
    this.#diffs = [...this.#diffs.filter((d) => d.moduleKey !== moduleKey), view];
    this.changed();
  }

  /** One module's retained allocations for the open timeline selection; dropped when none is open. */
  setRange(msg: RangeMsg & { frame: number }): void {
    if (!this.#range) return;
    const blocks = decodeU32(msg.blocks);
    if (blocks.length % BR.width !== 0) throw new ProtocolError('range blocks: ragged rows');
    const moduleKey = `${msg.frame}:${msg.module}`;
    const { frame, ...raw } = msg;
    const view: RangeView = {
      id: this.nextTable++,
      kind: 'range',
      moduleKey,
      frame,
      module: msg.module,
      newCount: msg.count,
      newBytes: msg.bytes,
      freedCount: 0,
      freedBytes: 0,
      groups: msg.groups,
      blocks,
      truncated: msg.truncated,
      leaks: null,
      msg: raw,
    };
    const tables = this.#range.tables.filter((t) => t.moduleKey !== moduleKey);
    this.#range = { from: msg.from, to: msg.to, peak: this.#range.peak, tables: [...tables, view] };
    this.changed();
  }

  /** Leak kinds of one module's comparison blocks. */
  setLeaks(msg: LeaksMsg & { frame: number }): void {
    const moduleKey = `${msg.frame}:${msg.module}`;
    const d = this.#diffs.find((x) => x.moduleKey === moduleKey);
    if (!d) return;
    const kinds = base64ToBytes(msg.kinds);
    if (kinds.length !== d.blocks.length / BR.width) throw new ProtocolError('leak kinds: one byte per block expected');
    const { frame, ...raw } = msg;
    d.leaks = { msg: raw, kinds };
    this.#diffs = [...this.#diffs];
    this.changed();
  }

  setBytes(msg: PageToPanel & { t: 'bytes'; frame: number }): void {
    this.#memoryView = { moduleKey: `${msg.frame}:${msg.module}`, ptr: msg.ptr, data: base64ToBytes(msg.data) };
    this.changed();
  }

  /** "Now" for block ages: the newest time of an imported recording, else the clock. */
  now(): number {
    return this.#readOnly ? this.#lastTime : Date.now();
  }

  /** Epoch ms the block times of `frame` count from. */
  startOf(frame: number): number {
    return this.#frameStart.get(frame) ?? this.#recordingStart;
  }

  site(frame: number, id: number): SiteMsg | undefined {
    return this.#sites.get(`${frame}:${id}`);
  }

  /** Whether frame `f` of a stack of module `moduleKey` is folded: the user's mark, else the page's `alloc`. */
  isFolded(moduleKey: string, f: FrameMsg): boolean {
    return this.#marks.folded(this.#modules.get(moduleKey), f);
  }

  /**
   * Folds (`alloc` true: "Treat as allocator wrapper") or unfolds ("Not an
   * allocator wrapper") the function of wasm frame `f` of module `moduleKey`,
   * for every stack of that module; remembered for the module (not for an
   * imported recording, whose marks are only shown).
   */
  setWrapper(moduleKey: string, f: FrameMsg, alloc: boolean): void {
    const m = this.#modules.get(moduleKey);
    if (!m || !this.#marks.set(m, f, alloc)) return;
    this.changed();
  }

  /** What the module list says about symbols loaded for module `moduleKey`. */
  symbolStatus(moduleKey: string): ModuleSymbols | undefined {
    const m = this.#modules.get(moduleKey);
    return m ? this.#symbols.status(m) : undefined;
  }

  /**
   * "Load symbols…": a file the user picked for module `moduleKey`, applied
   * to every stack of it when it matches the module (see symbol-overrides.ts).
   */
  loadSymbols(moduleKey: string, fileName: string, bytes: Uint8Array): SymbolStatus | undefined {
    const m = this.#modules.get(moduleKey);
    if (!m) return undefined;
    const status = this.#symbols.load(m, fileName, bytes);
    if (status.ok) this.resymbolize(moduleKey);
    else this.changed();
    return status;
  }

  /** The stacks of module `moduleKey` with its loaded symbols applied again. */
  private resymbolize(moduleKey: string): void {
    const m = this.#modules.get(moduleKey);
    if (!m) return;
    for (const [key, site] of this.#sites) {
      if (site.module === m.id && key.startsWith(`${m.frame}:`)) this.#sites.set(key, this.#symbols.apply(m, site));
    }
    this.#sitesVersion++;
    this.#sitesReplaced++;
    this.changed();
  }

  /**
   * Stacks and wrapper marks of a table's module, as groupSites() reads them. Its version changes with the
   * marks, with a stack replaced or dropped, and with stacks added only while the table names one not known:
   * a page that goes on interning stacks (wasm-vips: 15,000 in a few seconds, in batches of 2,000) does not
   * make a comparison shown regroup its stacks at every batch.
   */
  siteSource(table: { frame: number; moduleKey: string; groups?: readonly SiteGroupMsg[]; blocks?: Uint32Array }): SiteSource {
    const m = this.#modules.get(table.moduleKey);
    const added = table.groups && table.blocks && !this.missesStacks(table.frame, table.groups, table.blocks) ? '' : this.#sitesVersion;
    return {
      site: (id) => this.#sites.get(`${table.frame}:${id}`),
      folded: (f) => this.#marks.folded(m, f),
      version: `${this.#sitesReplaced}|${added}|${this.#marks.version}|${table.moduleKey}`,
    };
  }

  /** Whether a stack a table names (in its groups or block rows) is not known; looked at again only when stacks change. */
  private missesStacks(frame: number, groups: readonly SiteGroupMsg[], blocks: Uint32Array): boolean {
    const seen = this.#missing.get(groups);
    // (stacks only added since: a table that missed none still misses none)
    if (seen && seen.replaced === this.#sitesReplaced && (seen.version === this.#sitesVersion || !seen.missing)) return seen.missing;
    const unknown = (id: number) => id !== 0 && id !== BLOCK_NO_SITE && !this.#sites.has(`${frame}:${id}`);
    let missing = groups.some((g) => unknown(g.site));
    for (let o = BR.site, last = -1; !missing && o < blocks.length; o += BR.width) {
      if (blocks[o] !== last) missing = unknown((last = blocks[o]));
    }
    this.#missing.set(groups, { replaced: this.#sitesReplaced, version: this.#sitesVersion, missing });
    return missing;
  }

  /** The modules the views show: all, or the one picked in the module list. */
  shows(moduleKey: string): boolean {
    return this.#moduleFilter === null || this.#moduleFilter === moduleKey;
  }

  totals(): { memoryBytes: number; liveCount: number; liveBytes: number } {
    let memoryBytes = 0;
    let liveCount = 0;
    let liveBytes = 0;
    // (threads on one shared memory: that memory once, not once per thread)
    const heaps = new Set<string>();
    for (const m of this.#modules.values()) {
      if (!this.shows(m.key)) continue;
      const heap = m.shared ? `${m.frame % 2 ** 32}:${m.shared.heap}` : null;
      if (heap === null || !heaps.has(heap)) memoryBytes += m.memoryBytes;
      if (heap !== null) heaps.add(heap);
      liveCount += m.liveCount;
      liveBytes += m.liveBytes;
    }
    return { memoryBytes, liveCount, liveBytes };
  }
}

/** "module worker seed.mjs “decoder”" for a worker's hello, '' for a page's. */
export function contextLabel(msg: { url: string; context?: { kind: string; name: string } }): string {
  if (!msg.context) return '';
  const file = scriptFile(msg.url);
  return `${msg.context.kind} ${file}${msg.context.name ? ` “${msg.context.name}”` : ''}`;
}
