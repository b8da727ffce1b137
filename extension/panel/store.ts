// The panel's model, built only from validated protocol messages. Components
// read it; `changed()` schedules one render per animation frame however many
// messages arrive.
import {
  PROTOCOL_VERSION, SAMPLE_STRIDE, BLOCK_STRIDE, parsePageMsg, decodeF64, decodeU32, base64ToBytes,
  type ModuleMsg, type SiteMsg, type ErrorMsg, type SiteGroupMsg, type SnapshotName, type PageToPanel,
  type DiffMsg, type RangeMsg, type LeaksMsg,
} from '../../src/protocol';
import { demangle } from '../../src/symbols/demangle';
import { Series } from './series';

const MAX_ERRORS = 1000;

export interface ModuleView extends ModuleMsg {
  key: string;
  frame: number;
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
  /** Rows of BLOCK_STRIDE u32: ptr, size, site, seq, time (0.1 ms since frame start). */
  blocks: Uint32Array;
  truncated: boolean;
  /** Leak kind per block row (LEAK_KIND_NAMES index, 255 = freed since B), once computed. */
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

export class Store {
  connected = false;
  fatal: string | null = null;
  notices: string[] = [];
  /** An error the user must see (bad import file, failed command): a red banner. */
  error: string | null = null;
  /** Long work in the page: label shown with a spinner until the reply. */
  busy: { label: string; req: number } | null = null;
  /** false after Stop: the page keeps tracking, the panel's timeline and counters freeze. */
  recording = true;
  /** A call stack per allocation (slower) instead of one per call site; the page is told on every hello. */
  fullStacks = false;
  /** Name of an imported recording shown instead of the live page. */
  readOnly: string | null = null;
  /** Show only this module (key) in the timeline and the tables. */
  moduleFilter: string | null = null;
  pageUrl = '';
  recordingStart = 0;
  /** Epoch ms of the newest sample or message: "now" for ages in a recording. */
  lastTime = 0;
  frameStart = new Map<number, number>();
  modules = new Map<string, ModuleView>();
  series = new Map<string, Series>();
  sites = new Map<string, SiteMsg>();
  errors: (ErrorMsg & { frame: number })[] = [];
  droppedErrors = 0;
  snapshots: Partial<Record<SnapshotName, SnapshotInfo>> = {};
  diffs: DiffView[] = [];
  /** Retained allocations of the timeline selection, while it is shown. */
  range: { from: number; to: number; tables: RangeView[] } | null = null;
  selected: SelectedBlock | null = null;
  memoryView: MemoryBytesView | null = null;
  private lastSeq = new Map<number, number>();
  private pendingReq = new Map<number, (msg: PageToPanel & { frame: number }) => void>();
  private nextReq = 1;
  private nextTable = 1;
  private listeners = new Set<() => void>();
  private scheduled = false;
  version = 0;

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(): void {
    this.version++;
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
    if (this.busy?.req === req) this.busy = null;
    this.changed();
  }

  notice(text: string): void {
    this.notices = [...this.notices.slice(-4), text];
    this.changed();
  }

  clear(): void {
    this.modules.clear();
    this.series.clear();
    this.sites.clear();
    this.errors = [];
    this.droppedErrors = 0;
    this.snapshots = {};
    this.diffs = [];
    this.range = null;
    this.selected = null;
    this.memoryView = null;
    this.recordingStart = 0;
    this.lastTime = 0;
    this.readOnly = null;
    this.moduleFilter = null;
    this.error = null;
    this.busy = null;
    this.frameStart.clear();
    this.lastSeq.clear();
    this.changed();
  }

  /** Takes over the model of another store (an imported recording) in one step. */
  adopt(other: Store, name: string): void {
    this.clear();
    Object.assign(this, {
      pageUrl: other.pageUrl, recordingStart: other.recordingStart, lastTime: other.lastTime,
      frameStart: other.frameStart, modules: other.modules, series: other.series, sites: other.sites,
      errors: other.errors, droppedErrors: other.droppedErrors, snapshots: other.snapshots, diffs: other.diffs,
    });
    this.readOnly = name;
    this.changed();
  }

  /** Entry point for everything the router delivers; never throws. */
  receive(raw: unknown): { resync: boolean; hello: boolean } {
    try {
      const env = raw as { frame?: unknown; msg?: unknown };
      if (!env || typeof env !== 'object' || typeof env.frame !== 'number' || !Number.isInteger(env.frame)) {
        throw new Error('message without a frame id');
      }
      const msg = parsePageMsg(env.msg);
      // An imported recording is on screen: the live page waits until Clear.
      if (this.readOnly) return { resync: false, hello: msg.t === 'hello' };
      return { ...this.apply(env.frame, msg), hello: msg.t === 'hello' };
    } catch (error) {
      this.notice(`Ignored a message from the page: ${(error as Error).message}`);
      return { resync: false, hello: false };
    }
  }

  /** Applies one validated message; throws on inconsistent payloads (import relies on it). */
  apply(frame: number, msg: PageToPanel): { resync: boolean } {
    switch (msg.t) {
      case 'hello': {
        if (msg.v !== PROTOCOL_VERSION) {
          this.fatal = `The page runs WASM Leaks protocol ${msg.v}, this panel speaks ${PROTOCOL_VERSION}. Reload the page after updating the extension.`;
          this.changed();
          return { resync: false };
        }
        // A new hello from a frame we knew means the frame reloaded: its old
        // modules are gone.
        this.dropFrame(frame);
        this.frameStart.set(frame, msg.start);
        if (frame === 0 || !this.pageUrl) this.pageUrl = msg.url;
        if (!this.recordingStart || msg.start < this.recordingStart) this.recordingStart = msg.start;
        this.lastTime = Math.max(this.lastTime, msg.start);
        this.lastSeq.delete(frame);
        break;
      }
      case 'module': {
        const key = `${frame}:${msg.id}`;
        const old = this.modules.get(key);
        this.modules.set(key, {
          ...msg, key, frame,
          memoryBytes: old?.memoryBytes ?? 0, liveCount: old?.liveCount ?? 0, liveBytes: old?.liveBytes ?? 0,
          allocs: old?.allocs ?? 0, frees: old?.frees ?? 0,
        });
        if (!this.recordingStart) this.recordingStart = msg.time;
        break;
      }
      case 'batch':
        return this.applyBatch(frame, msg);
      default: {
        const resolve = this.pendingReq.get(msg.req);
        if (msg.t === 'fail' && !resolve) this.notice(msg.message);
        resolve?.({ ...msg, frame });
        // Diff, range and leaks answer once per module: keep listening.
        if (msg.t === 'snapshot' || msg.t === 'bytes') this.pendingReq.delete(msg.req);
        break;
      }
    }
    this.changed();
    return { resync: false };
  }

  private applyBatch(frame: number, msg: PageToPanel & { t: 'batch' }): { resync: boolean } {
    const last = this.lastSeq.get(frame);
    let resync = false;
    if (last !== undefined && msg.seq !== last + 1) {
      this.notice(`Lost ${msg.seq - last - 1} update(s) from the page; resynchronising.`);
      resync = true;
    }
    this.lastSeq.set(frame, msg.seq);
    // Sites and errors always land: stacks of blocks in a later comparison need them.
    // The page sends names as the module has them; C++/Rust names are demangled here.
    for (const s of msg.sites) this.sites.set(`${frame}:${s.id}`, { ...s, frames: s.frames.map((f) => ({ ...f, name: demangle(f.name) })) });
    for (const e of msg.errors) {
      if (this.errors.length >= MAX_ERRORS) this.droppedErrors++;
      else this.errors.push({ ...e, frame });
    }
    const rows = decodeF64(msg.samples);
    if (rows.length % SAMPLE_STRIDE !== 0) throw new Error('samples: ragged rows');
    // Stopped: the timeline and counters stay as they were (the page keeps tracking).
    if (!this.recording) return { resync };
    for (let i = 0; i < rows.length; i += SAMPLE_STRIDE) {
      const key = `${frame}:${rows[i + 1]}`;
      const m = this.modules.get(key);
      if (!m) continue;
      m.memoryBytes = rows[i + 2];
      m.liveCount = rows[i + 3];
      m.liveBytes = rows[i + 4];
      m.allocs = rows[i + 5];
      m.frees = rows[i + 6];
      let s = this.series.get(key);
      if (!s) this.series.set(key, (s = new Series()));
      s.push(rows[i], m.memoryBytes, m.liveCount, m.liveBytes, m.allocs, m.frees);
      if (rows[i] > this.lastTime) this.lastTime = rows[i];
    }
    this.changed();
    return { resync };
  }

  private dropFrame(frame: number): void {
    for (const [key, m] of this.modules) {
      if (m.frame !== frame) continue;
      this.modules.delete(key);
      this.series.delete(key);
    }
    for (const key of [...this.sites.keys()]) if (key.startsWith(`${frame}:`)) this.sites.delete(key);
    this.diffs = this.diffs.filter((d) => d.frame !== frame);
  }

  setDiff(msg: DiffMsg & { frame: number }): void {
    const blocks = decodeU32(msg.blocks);
    if (blocks.length % BLOCK_STRIDE !== 0) throw new Error('diff blocks: ragged rows');
    const moduleKey = `${msg.frame}:${msg.module}`;
    const { frame, ...raw } = msg;
    const view: DiffView = { ...msg, id: this.nextTable++, kind: 'diff', moduleKey, blocks, leaks: null, msg: raw };
    this.diffs = [...this.diffs.filter((d) => d.moduleKey !== moduleKey), view];
    this.changed();
  }

  setRange(msg: RangeMsg & { frame: number }): void {
    const blocks = decodeU32(msg.blocks);
    if (blocks.length % BLOCK_STRIDE !== 0) throw new Error('range blocks: ragged rows');
    const moduleKey = `${msg.frame}:${msg.module}`;
    const { frame, ...raw } = msg;
    const view: RangeView = {
      id: this.nextTable++, kind: 'range', moduleKey, frame, module: msg.module, newCount: msg.count, newBytes: msg.bytes, freedCount: 0, freedBytes: 0,
      groups: msg.groups, blocks, truncated: msg.truncated, leaks: null, msg: raw,
    };
    const tables = (this.range?.tables ?? []).filter((t) => t.moduleKey !== moduleKey);
    this.range = { from: msg.from, to: msg.to, tables: [...tables, view] };
    this.changed();
  }

  setLeaks(msg: LeaksMsg & { frame: number }): void {
    const moduleKey = `${msg.frame}:${msg.module}`;
    const d = this.diffs.find((x) => x.moduleKey === moduleKey);
    if (!d) return;
    const kinds = base64ToBytes(msg.kinds);
    if (kinds.length !== d.blocks.length / BLOCK_STRIDE) throw new Error('leak kinds: one byte per block expected');
    const { frame, ...raw } = msg;
    d.leaks = { msg: raw, kinds };
    this.diffs = [...this.diffs];
    this.changed();
  }

  setBytes(msg: PageToPanel & { t: 'bytes'; frame: number }): void {
    this.memoryView = { moduleKey: `${msg.frame}:${msg.module}`, ptr: msg.ptr, data: base64ToBytes(msg.data) };
    this.changed();
  }

  site(frame: number, id: number): SiteMsg | undefined {
    return this.sites.get(`${frame}:${id}`);
  }

  /** The modules the views show: all, or the one picked in the module list. */
  shows(moduleKey: string): boolean {
    return this.moduleFilter === null || this.moduleFilter === moduleKey;
  }

  totals(): { memoryBytes: number; liveCount: number; liveBytes: number } {
    let memoryBytes = 0;
    let liveCount = 0;
    let liveBytes = 0;
    for (const m of this.modules.values()) {
      if (!this.shows(m.key)) continue;
      memoryBytes += m.memoryBytes;
      liveCount += m.liveCount;
      liveBytes += m.liveBytes;
    }
    return { memoryBytes, liveCount, liveBytes };
  }
}
