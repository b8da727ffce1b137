// Export and import of a recording (docs/recording-format.md). A recording is
// the page's own protocol messages, per frame, so the import validates every
// one of them with the same parser as live traffic and rebuilds the model
// through the same code path.
import {
  PROTOCOL_VERSION,
  SNAPSHOT_NAMES,
  encodeF64,
  pushSample,
  parsePageMsg,
  type PageToPanel,
  type HelloMsg,
  type ModuleMsg,
  type BatchMsg,
  type DiffMsg,
  type RangeMsg,
  type LeaksMsg,
  type EndedMsg,
  type SnapshotName,
} from '../../src/protocol';
import { ProtocolError, obj, num, int, str, bool, arr, within, U32, type Obj } from '../../src/protocol/checks';
import { Store, type SnapshotInfo } from './store';
import { moduleIdentity, type ModuleWrapperMark } from './wrapper-marks';

export const RECORDING_FORMAT = 'wasm-leaks-recording';
/** 2 added `wrappers`; version 1 files still import (without marks). */
export const RECORDING_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];
const MAX_WRAPPER_MARKS = 100_000;
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
  /**
   * The range view open at export (a Shift-drag time range, Peak or an instant): the page's
   * answer per module. Optional (files made before it have none); the import opens it.
   */
  ranges?: RangeMsg[];
  /** A worker that ended before the export (terminated, closed itself, its document gone): how and when. Optional. */
  ended?: EndedMsg;
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
  /** The user's allocator-wrapper marks for the recorded modules (version 2). */
  wrappers: ModuleWrapperMark[];
}

export function toRecording(store: Store): Recording {
  const frames: RecordingFrame[] = [];
  for (const [frame, start] of store.frameStart) {
    const modules = [...store.modules.values()].filter((m) => m.frame === frame);
    const rows: number[] = [];
    for (const m of modules) {
      const s = store.series.get(m.key);
      if (!s) continue;
      for (let i = 0; i < s.length; i++) {
        pushSample(rows, {
          time: s.time[i],
          module: m.id,
          memoryBytes: s.memory[i],
          liveCount: s.liveCount[i],
          liveBytes: s.live[i],
          allocs: s.allocs[i],
          frees: s.frees[i],
        });
      }
    }
    // Live bytes by site (SSR rows), as kept: each column's changes, oldest first.
    const siteRows: number[] = [];
    for (const m of modules) store.siteSeries.get(m.key)?.forEachEntry((time, site, bytes) => siteRows.push(time, m.id, site, bytes));
    // The live heap's extent (HSR rows), as kept.
    const heapRows: number[] = [];
    for (const m of modules) {
      const h = store.heapSeries.get(m.key);
      for (let i = 0; h && i < h.length; i++) heapRows.push(h.time[i], m.id, h.base[i], h.top[i], h.source[i]);
    }
    const prefix = `${frame}:`;
    const ranges = (store.range?.tables ?? []).filter((t) => t.frame === frame).map((t) => t.msg);
    const ended = store.ended(frame);
    frames.push({
      frame,
      // (a frame's document and a worker's kind and name: what the panel names each context by)
      hello: {
        t: 'hello',
        v: PROTOCOL_VERSION,
        url: frame === 0 ? store.pageUrl : (store.budget(frame)?.url ?? ''),
        start,
        ...store.helloContext(frame),
      },
      modules: modules.map((m) => ({
        t: 'module',
        id: m.id,
        name: m.name,
        size: m.size,
        instrumented: m.instrumented,
        reason: m.reason,
        allocators: m.allocators,
        wrappedExports: m.wrappedExports,
        time: m.time,
        ...(m.shared ? { shared: m.shared } : {}),
      })),
      timeline: {
        t: 'batch',
        seq: 0,
        samples: encodeF64(new Float64Array(rows)),
        ...(siteRows.length > 0 ? { siteSamples: encodeF64(new Float64Array(siteRows)) } : {}),
        ...(heapRows.length > 0 ? { heapSamples: encodeF64(new Float64Array(heapRows)) } : {}),
        sites: [...store.sites].filter(([k]) => k.startsWith(prefix)).map(([, s]) => s),
        errors: store.errors.filter((e) => e.frame === frame).map(({ frame: _f, ...e }) => e),
      },
      comparisons: store.diffs.filter((d) => d.frame === frame).map((d) => ({ diff: d.msg, leaks: d.leaks?.msg ?? null })),
      ...(ranges.length > 0 ? { ranges } : {}),
      ...(ended ? { ended: { t: 'ended', how: ended.how, time: ended.time } } : {}),
    });
  }
  // Marks are per module identity (name and size): once per identity, whatever the frames.
  const wrappers: ModuleWrapperMark[] = [];
  const seen = new Set<string>();
  for (const m of store.modules.values()) {
    const id = moduleIdentity(m);
    if (seen.has(id)) continue;
    seen.add(id);
    for (const mark of store.marks.marksOf(m)) wrappers.push({ module: m.name, size: m.size, ...mark });
  }
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    protocol: PROTOCOL_VERSION,
    exportedAt: Date.now(),
    lastTime: store.lastTime,
    snapshots: store.snapshots,
    frames,
    wrappers,
  };
}

function wrapperMark(x: unknown): ModuleWrapperMark {
  const o = obj(x, 'wrapper mark');
  return { module: str(o, 'module'), size: int(o, 'size', 0), func: int(o, 'func', 0, U32), name: str(o, 'name'), alloc: bool(o, 'alloc') };
}

/** One embedded page message, checked by the live-traffic validator, of type `t`. */
function message<T extends PageToPanel['t']>(x: unknown, t: T): PageToPanel & { t: T } {
  const msg = parsePageMsg(x);
  if (msg.t !== t) throw new ProtocolError(`expected a ${t} message, found ${msg.t}`);
  return msg as PageToPanel & { t: T };
}
const list = (o: Obj, k: string, max: number): unknown[] => arr(o, k, max, (x) => x);

/**
 * Validates a recording's text and builds a read-only model from it (shown
 * with Store.importRecording); throws ProtocolError on the first problem.
 * `maxChars` is MAX_RECORDING_BYTES but for tests.
 */
export function parseRecording(text: string, maxChars: number = MAX_RECORDING_BYTES): Store {
  if (text.length > maxChars) throw new ProtocolError(`file too large (more than ${maxChars.toLocaleString('en-US')} characters)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(`not JSON: ${(error as Error).message.slice(0, 80)}`);
  }
  const root = obj(json, 'recording');
  if (root.format !== RECORDING_FORMAT) throw new ProtocolError(`format is not "${RECORDING_FORMAT}"`);
  if (!READABLE_VERSIONS.includes(root.version))
    throw new ProtocolError(`version ${String(root.version)} is not ${READABLE_VERSIONS.join(' or ')}`);
  if (root.protocol !== PROTOCOL_VERSION) throw new ProtocolError(`protocol ${String(root.protocol)} is not ${PROTOCOL_VERSION}`);
  const store = new Store();
  // Snapshots first, A before B and C: a Snapshot A starts a new baseline
  // (it drops the comparisons), as when they were taken.
  const snaps = obj(root.snapshots, 'snapshots');
  for (const name of Object.keys(snaps)) {
    if (!(SNAPSHOT_NAMES as readonly string[]).includes(name)) throw new ProtocolError(`snapshots: unknown snapshot ${name.slice(0, 8)}`);
  }
  for (const name of SNAPSHOT_NAMES) {
    if (!Object.hasOwn(snaps, name)) continue;
    store.setSnapshot(
      name,
      within(`snapshot ${name}`, () => {
        const so = obj(snaps[name], 'snapshot');
        return { time: num(so, 'time', 0), liveCount: num(so, 'liveCount', 0), liveBytes: num(so, 'liveBytes', 0) };
      }),
    );
  }
  const seen = new Set<number>();
  // The range view's answers, opened once every frame's modules are known.
  const ranges: (RangeMsg & { frame: number })[] = [];
  for (const [i, f] of list(root, 'frames', MAX_FRAMES).entries()) {
    within(`frames[${i}]`, () => {
      const fo = obj(f, 'frame');
      const frame = int(fo, 'frame', 0);
      if (seen.has(frame)) throw new ProtocolError(`frame ${frame} is not unique`);
      seen.add(frame);
      store.apply(
        frame,
        within('hello', () => message(fo.hello, 'hello')),
      );
      const mismatch = store.budget(frame)?.protocol;
      if (mismatch) throw new ProtocolError(mismatch);
      const ids = new Set<number>();
      for (const m of list(fo, 'modules', 10_000)) {
        const mod = within('modules', () => message(m, 'module'));
        ids.add(mod.id);
        store.apply(frame, mod);
      }
      within('timeline', () => store.apply(frame, message(fo.timeline, 'batch')));
      // (after its samples: the worker's lines already hold the point where it ended)
      if (fo.ended !== undefined) within('ended', () => store.apply(frame, message(fo.ended, 'ended')));
      for (const [k, c] of list(fo, 'comparisons', 10_000).entries()) {
        within(`comparisons[${k}]`, () => {
          const co = obj(c, 'comparison');
          const diff = within('diff', () => message(co.diff, 'diff'));
          if (!ids.has(diff.module)) throw new ProtocolError(`module ${diff.module} is not in the recording`);
          store.setDiff({ ...diff, frame });
          if (co.leaks !== null) {
            const leaks = within('leaks', () => message(co.leaks, 'leaks'));
            if (leaks.module !== diff.module) throw new ProtocolError('leak kinds of another module');
            store.setLeaks({ ...leaks, frame });
          }
        });
      }
      if (fo.ranges !== undefined) {
        for (const [k, r] of list(fo, 'ranges', 10_000).entries()) {
          const range = within(`ranges[${k}]`, () => message(r, 'range'));
          if (!ids.has(range.module)) throw new ProtocolError(`ranges[${k}]: module ${range.module} is not in the recording`);
          const first = ranges[0];
          if (first && (range.from !== first.from || range.to !== first.to || !range.peak !== !first.peak))
            throw new ProtocolError(`ranges[${k}]: not the same view as the others`);
          ranges.push({ ...range, frame });
        }
      }
    });
  }
  if (ranges.length > 0) {
    store.openRange(ranges[0].from, ranges[0].to, ranges[0].peak === true);
    for (const r of ranges) store.setRange(r);
  }
  if (root.version !== 1) {
    const marks = [...list(root, 'wrappers', MAX_WRAPPER_MARKS).entries()].map(([i, x]) => within(`wrappers[${i}]`, () => wrapperMark(x)));
    store.marks.restore(marks);
  }
  store.seenTime(num(root, 'lastTime', 0));
  return store;
}
