// The panel's model, built only from validated protocol messages. Components
// read it; `changed()` schedules one render per animation frame however many
// messages arrive.
import {
  PROTOCOL_VERSION, SAMPLE_STRIDE, BLOCK_STRIDE, parsePageMsg, decodeF64, decodeU32, base64ToBytes,
  type ModuleMsg, type SiteMsg, type ErrorMsg, type SiteGroupMsg, type SnapshotName, type PageToPanel,
} from '../../src/protocol';

/** Points kept per module for the timeline; older points are thinned. */
const MAX_POINTS = 20_000;
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

export interface Series {
  time: number[];
  memory: number[];
  live: number[];
}

export interface DiffView {
  moduleKey: string;
  frame: number;
  module: number;
  from: SnapshotName;
  to: SnapshotName;
  final: SnapshotName | null;
  newCount: number;
  newBytes: number;
  freedCount: number;
  freedBytes: number;
  groups: SiteGroupMsg[];
  /** Rows of BLOCK_STRIDE u32: ptr, size, site, seq, time (0.1 ms since frame start). */
  blocks: Uint32Array;
  truncated: boolean;
}

export interface SelectedBlock {
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

export class Store {
  connected = false;
  fatal: string | null = null;
  notices: string[] = [];
  recordingStart = 0;
  frameStart = new Map<number, number>();
  modules = new Map<string, ModuleView>();
  series = new Map<string, Series>();
  sites = new Map<string, SiteMsg>();
  errors: (ErrorMsg & { frame: number })[] = [];
  droppedErrors = 0;
  snapshots: Partial<Record<SnapshotName, { time: number; liveCount: number; liveBytes: number }>> = {};
  diffs: DiffView[] = [];
  selected: SelectedBlock | null = null;
  memoryView: MemoryBytesView | null = null;
  private lastSeq = new Map<number, number>();
  private pendingReq = new Map<number, (msg: PageToPanel & { frame: number }) => void>();
  private nextReq = 1;
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
    this.selected = null;
    this.memoryView = null;
    this.recordingStart = 0;
    this.frameStart.clear();
    this.lastSeq.clear();
    this.changed();
  }

  /** Entry point for everything the router delivers; never throws. */
  receive(raw: unknown): { resync: boolean; hello: boolean } {
    let frame: number;
    let msg: PageToPanel;
    try {
      const env = raw as { frame?: unknown; msg?: unknown };
      if (!env || typeof env !== 'object' || typeof env.frame !== 'number' || !Number.isInteger(env.frame)) {
        throw new Error('message without a frame id');
      }
      frame = env.frame;
      msg = parsePageMsg(env.msg);
      return { ...this.apply(frame, msg), hello: msg.t === 'hello' };
    } catch (error) {
      this.notice(`Ignored a message from the page: ${(error as Error).message}`);
      return { resync: false, hello: false };
    }
  }

  private apply(frame: number, msg: PageToPanel): { resync: boolean } {
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
        if (!this.recordingStart || msg.start < this.recordingStart) this.recordingStart = msg.start;
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
      case 'snapshot':
      case 'diff':
      case 'bytes':
      case 'fail': {
        const resolve = this.pendingReq.get(msg.req);
        if (msg.t === 'fail' && !resolve) this.notice(msg.message);
        resolve?.({ ...msg, frame });
        if (msg.t !== 'diff') this.pendingReq.delete(msg.req);
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
    const rows = decodeF64(msg.samples);
    if (rows.length % SAMPLE_STRIDE !== 0) throw new Error('samples: ragged rows');
    for (let i = 0; i < rows.length; i += SAMPLE_STRIDE) {
      const key = `${frame}:${rows[i + 1]}`;
      const m = this.modules.get(key);
      if (!m) continue;
      m.memoryBytes = rows[i + 2];
      m.liveCount = rows[i + 3];
      m.liveBytes = rows[i + 4];
      m.allocs = rows[i + 5];
      m.frees = rows[i + 6];
      this.push(key, rows[i], m.memoryBytes, m.liveBytes);
    }
    for (const s of msg.sites) this.sites.set(`${frame}:${s.id}`, s);
    for (const e of msg.errors) {
      if (this.errors.length >= MAX_ERRORS) this.droppedErrors++;
      else this.errors.push({ ...e, frame });
    }
    this.changed();
    return { resync };
  }

  private push(key: string, time: number, memory: number, live: number): void {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { time: [], memory: [], live: [] }));
    s.time.push(time);
    s.memory.push(memory);
    s.live.push(live);
    if (s.time.length > MAX_POINTS) {
      // Keep every other point of the older half: the shape survives, memory stays bounded.
      const half = s.time.length >> 1;
      for (const arr of [s.time, s.memory, s.live]) {
        const older = arr.slice(0, half).filter((_, i) => i % 2 === 0);
        arr.splice(0, half, ...older);
      }
    }
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

  setDiff(msg: PageToPanel & { t: 'diff'; frame: number }): void {
    const blocks = decodeU32(msg.blocks);
    if (blocks.length % BLOCK_STRIDE !== 0) throw new Error('diff blocks: ragged rows');
    const moduleKey = `${msg.frame}:${msg.module}`;
    const view: DiffView = { ...msg, moduleKey, blocks };
    this.diffs = [...this.diffs.filter((d) => d.moduleKey !== moduleKey), view];
    this.changed();
  }

  setBytes(msg: PageToPanel & { t: 'bytes'; frame: number }): void {
    this.memoryView = { moduleKey: `${msg.frame}:${msg.module}`, ptr: msg.ptr, data: base64ToBytes(msg.data) };
    this.changed();
  }

  site(frame: number, id: number): SiteMsg | undefined {
    return this.sites.get(`${frame}:${id}`);
  }

  totals(): { memoryBytes: number; liveCount: number; liveBytes: number } {
    let memoryBytes = 0;
    let liveCount = 0;
    let liveBytes = 0;
    for (const m of this.modules.values()) {
      memoryBytes += m.memoryBytes;
      liveCount += m.liveCount;
      liveBytes += m.liveBytes;
    }
    return { memoryBytes, liveCount, liveBytes };
  }
}
