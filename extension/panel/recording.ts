// Export and import of a recording (docs/recording-format.md). A recording is
// the page's own protocol messages, per frame, so the import validates every
// one of them with the same parser as live traffic and rebuilds the model
// through the same code path.
import {
  PROTOCOL_VERSION, encodeF64, parsePageMsg, ProtocolError,
  type PageToPanel, type HelloMsg, type ModuleMsg, type BatchMsg, type DiffMsg, type LeaksMsg, type SnapshotName,
} from '../../src/protocol';
import { Store, type SnapshotInfo } from './store';

export const RECORDING_FORMAT = 'wasm-leaks-recording';
export const RECORDING_VERSION = 1;
/** A 1 M-block comparison is ≈ 27 MB of base64; this leaves room for several. */
export const MAX_RECORDING_BYTES = 256 * 1024 * 1024;
const MAX_FRAMES = 1000;

export interface RecordingFrame {
  frame: number;
  hello: HelloMsg;
  modules: ModuleMsg[];
  /** One batch: every kept sample of every module, all sites, the errors. */
  timeline: BatchMsg;
  comparisons: { diff: DiffMsg; leaks: LeaksMsg | null }[];
}

export interface Recording {
  format: typeof RECORDING_FORMAT;
  version: number;
  protocol: number;
  exportedAt: number;
  /** Epoch ms of the newest sample: ages of blocks are measured to it. */
  lastTime: number;
  snapshots: Partial<Record<SnapshotName, SnapshotInfo>>;
  frames: RecordingFrame[];
}

export function toRecording(store: Store): Recording {
  const frames: RecordingFrame[] = [];
  for (const [frame, start] of store.frameStart) {
    const modules = [...store.modules.values()].filter((m) => m.frame === frame);
    const rows: number[] = [];
    for (const m of modules) {
      const s = store.series.get(m.key);
      if (!s) continue;
      for (let i = 0; i < s.length; i++) rows.push(s.time[i], m.id, s.memory[i], s.liveCount[i], s.live[i], s.allocs[i], s.frees[i]);
    }
    const prefix = `${frame}:`;
    frames.push({
      frame,
      hello: { t: 'hello', v: PROTOCOL_VERSION, url: frame === 0 ? store.pageUrl : '', start },
      modules: modules.map((m) => ({
        t: 'module', id: m.id, name: m.name, size: m.size, instrumented: m.instrumented, reason: m.reason,
        allocators: m.allocators, wrappedExports: m.wrappedExports, time: m.time,
      })),
      timeline: {
        t: 'batch', seq: 0, samples: encodeF64(new Float64Array(rows)),
        sites: [...store.sites].filter(([k]) => k.startsWith(prefix)).map(([, s]) => s),
        errors: store.errors.filter((e) => e.frame === frame).map(({ frame: _f, ...e }) => e),
      },
      comparisons: store.diffs.filter((d) => d.frame === frame).map((d) => ({ diff: d.msg, leaks: d.leaks?.msg ?? null })),
    });
  }
  return {
    format: RECORDING_FORMAT, version: RECORDING_VERSION, protocol: PROTOCOL_VERSION,
    exportedAt: Date.now(), lastTime: store.lastTime, snapshots: store.snapshots, frames,
  };
}

type Obj = Record<string, unknown>;
function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ProtocolError(`${what}: not an object`);
  return x as Obj;
}
function list(x: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(x)) throw new ProtocolError(`${what}: not an array`);
  if (x.length > max) throw new ProtocolError(`${what}: more than ${max} items`);
  return x;
}
function finite(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new ProtocolError(`${what}: not a non-negative number`);
  return x;
}
function message<T extends PageToPanel['t']>(x: unknown, t: T, what: string): PageToPanel & { t: T } {
  const msg = parsePageMsg(x);
  if (msg.t !== t) throw new ProtocolError(`${what}: expected a ${t} message, found ${msg.t}`);
  return msg as PageToPanel & { t: T };
}

/** Validates a recording's text and builds a read-only model from it; throws on the first problem. */
export function parseRecording(text: string): Store {
  if (text.length > MAX_RECORDING_BYTES) throw new ProtocolError('file too large');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(`not JSON: ${(error as Error).message.slice(0, 80)}`);
  }
  const root = obj(json, 'recording');
  if (root.format !== RECORDING_FORMAT) throw new ProtocolError(`format is not "${RECORDING_FORMAT}"`);
  if (root.version !== RECORDING_VERSION) throw new ProtocolError(`version ${String(root.version)} is not ${RECORDING_VERSION}`);
  if (root.protocol !== PROTOCOL_VERSION) throw new ProtocolError(`protocol ${String(root.protocol)} is not ${PROTOCOL_VERSION}`);
  const store = new Store();
  const seen = new Set<number>();
  for (const [i, f] of list(root.frames, 'frames', MAX_FRAMES).entries()) {
    const fo = obj(f, `frames[${i}]`);
    const frame = finite(fo.frame, `frames[${i}].frame`);
    if (!Number.isInteger(frame) || seen.has(frame)) throw new ProtocolError(`frames[${i}].frame: not a unique integer`);
    seen.add(frame);
    store.apply(frame, message(fo.hello, 'hello', `frames[${i}].hello`));
    if (store.fatal) throw new ProtocolError(store.fatal);
    const ids = new Set<number>();
    for (const m of list(fo.modules, `frames[${i}].modules`, 10_000)) {
      const mod = message(m, 'module', `frames[${i}].modules`);
      ids.add(mod.id);
      store.apply(frame, mod);
    }
    store.apply(frame, message(fo.timeline, 'batch', `frames[${i}].timeline`));
    for (const [k, c] of list(fo.comparisons, `frames[${i}].comparisons`, 10_000).entries()) {
      const co = obj(c, `comparison ${k}`);
      const diff = message(co.diff, 'diff', `comparison ${k}.diff`);
      if (!ids.has(diff.module)) throw new ProtocolError(`comparison ${k}: module ${diff.module} is not in the recording`);
      store.setDiff({ ...diff, frame });
      if (co.leaks !== null) {
        const leaks = message(co.leaks, 'leaks', `comparison ${k}.leaks`);
        if (leaks.module !== diff.module) throw new ProtocolError(`comparison ${k}: leak kinds of another module`);
        store.setLeaks({ ...leaks, frame });
      }
    }
  }
  const snaps = obj(root.snapshots, 'snapshots');
  for (const [name, v] of Object.entries(snaps)) {
    if (name !== 'A' && name !== 'B' && name !== 'C') throw new ProtocolError(`snapshots: unknown snapshot ${name.slice(0, 8)}`);
    const so = obj(v, `snapshot ${name}`);
    store.snapshots[name] = {
      time: finite(so.time, `snapshot ${name}.time`),
      liveCount: finite(so.liveCount, `snapshot ${name}.liveCount`),
      liveBytes: finite(so.liveBytes, `snapshot ${name}.liveBytes`),
    };
  }
  store.lastTime = Math.max(store.lastTime, finite(root.lastTime, 'lastTime'));
  return store;
}
