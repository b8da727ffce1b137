// Everything that arrives from the page is untrusted: a page can post any
// object with our tag. These checks run in the content bridge (before a
// message leaves the page's reach) and again in the panel.
import { LIMITS } from './version';
import { ENDED_HOW, ERROR_KINDS, SNAPSHOT_NAMES } from './messages';
import type {
  PageToPanel,
  PanelToPage,
  SiteMsg,
  ErrorMsg,
  SiteGroupMsg,
  AllocatorMsg,
  FrameMsg,
  ModuleCodeMsg,
  SharedMemoryMsg,
  DiffCuts,
} from './messages';
import { ProtocolError, obj, num, int, str, bool, arr, oneOf, b64, U32 } from './checks';
import { frameHash } from './site-frame';

export { ProtocolError } from './checks';

function frame(x: unknown): FrameMsg {
  const o = obj(x, 'frame');
  const f: FrameMsg = {
    name: str(o, 'name'),
    func: int(o, 'func', -1, U32),
    offset: int(o, 'offset', -1, U32),
    file: str(o, 'file'),
    line: int(o, 'line', 0, U32),
  };
  if (o.alloc !== undefined) f.alloc = bool(o, 'alloc');
  return f;
}
/** A worker's hello names its kind and `name` (short strings); the page's has none. */
function helloContext(o: Record<string, unknown>): { context?: { kind: string; name: string } } {
  if (o.context === undefined) return {};
  const c = obj(o.context, 'context');
  return { context: { kind: str(c, 'kind', 64), name: str(c, 'name', 256) } };
}
/**
 * The frames one message validated, by frameHash: stacks share most of their frames (wasm-vips' first resize:
 * 195,000 frames, 2,600 distinct), and a frame equal to one validated is valid; it is that frame again (one
 * object, no copy). At most MEMO_SAME per number, so forged frames that share one cost a few compares each.
 */
type FrameMemo = Map<number, FrameMsg[]>;
const MEMO_SAME = 8;
function memoFrame(memo: FrameMemo, x: unknown): FrameMsg {
  const o = x as Partial<Record<keyof FrameMsg, unknown>> | null;
  if (typeof o !== 'object' || o === null || typeof o.func !== 'number' || typeof o.offset !== 'number' || typeof o.line !== 'number')
    return frame(x);
  const key = frameHash(o as FrameMsg);
  const same = memo.get(key);
  if (same) {
    for (const f of same)
      if (f.name === o.name && f.file === o.file && f.func === o.func && f.offset === o.offset && f.line === o.line && f.alloc === o.alloc)
        return f;
  }
  const f = frame(x);
  if (!same) memo.set(key, [f]);
  else if (same.length < MEMO_SAME) same.push(f);
  return f;
}
function site(x: unknown, memo: FrameMemo): SiteMsg {
  const o = obj(x, 'site');
  const s: SiteMsg = {
    id: int(o, 'id', 0, U32),
    module: int(o, 'module', 0, U32),
    frames: arr(o, 'frames', LIMITS.maxFrames, (f) => memoFrame(memo, f)),
  };
  if (o.thread !== undefined) s.thread = str(o, 'thread', 256);
  return s;
}
/** A stack's frames as another thread wrote them (src/agent/shared-heap.ts): as untrusted as the page. */
export function parseFrames(x: unknown): FrameMsg[] {
  return arr({ frames: x }, 'frames', LIMITS.maxFrames, frame);
}
function error(x: unknown): ErrorMsg {
  const o = obj(x, 'error');
  return {
    module: int(o, 'module', 0, U32),
    kind: oneOf(o, 'kind', ERROR_KINDS),
    ptr: int(o, 'ptr', 0, U32),
    site: int(o, 'site', 0, U32),
    otherSite: int(o, 'otherSite', 0, U32),
    message: str(o, 'message'),
    time: num(o, 'time'),
  };
}
function group(x: unknown): SiteGroupMsg {
  const o = obj(x, 'group');
  const n = (k: string) => int(o, k, -(2 ** 53), 2 ** 53);
  return {
    site: int(o, 'site', 0, U32),
    newCount: n('newCount'),
    newBytes: n('newBytes'),
    freedCount: n('freedCount'),
    freedBytes: n('freedBytes'),
    liveCount: n('liveCount'),
    liveBytes: n('liveBytes'),
  };
}
function allocator(x: unknown): AllocatorMsg {
  const o = obj(x, 'allocator');
  return { role: str(o, 'role'), name: str(o, 'name'), foundBy: str(o, 'foundBy'), confidence: str(o, 'confidence') };
}

/** ModuleMsg.code: integers in range, hex strings of bounded length. */
function moduleCode(o: Record<string, unknown>): { code?: ModuleCodeMsg } {
  if (o.code === undefined) return {};
  const c = obj(o.code, 'code');
  const hex = (k: string, max: number) => {
    const v = str(c, k, max);
    if (!/^[0-9a-f]*$/.test(v)) throw new ProtocolError(`code.${k}: not hex`);
    return v;
  };
  const code: ModuleCodeMsg = {
    start: int(c, 'start', 0, 2 ** 32),
    size: int(c, 'size', 0, 2 ** 32),
    funcs: int(c, 'funcs', 0, 2 ** 32),
    hash: hex('hash', 16),
  };
  if (c.buildId !== undefined) code.buildId = hex('buildId', 128);
  return { code };
}

/** ModuleMsg.shared: the heap's name (a finite time, epoch ms), a thread number, one flag. */
function sharedMemory(o: Record<string, unknown>): { shared?: SharedMemoryMsg } {
  if (o.shared === undefined) return {};
  const s = obj(o.shared, 'shared');
  return { shared: { heap: num(s, 'heap', 0, 2 ** 53), thread: int(s, 'thread', 0, 1 << 20), counted: bool(s, 'counted') } };
}

/** The panel's cut numbers: integers from 1 (from may be 0: nothing before). */
/** A request's number, as the panel chose it. */
function reqOf(o: Record<string, unknown>): number {
  return int(o, 'req', 0, 2 ** 53);
}

/** A reply about one module: the request it answers and the module. */
function moduleReply(o: Record<string, unknown>): { req: number; module: number } {
  return { req: reqOf(o), module: int(o, 'module', 0, U32) };
}

const CUT_MAX = 2 ** 53;
function cut(o: Record<string, unknown>): { cut?: number } {
  return o.cut === undefined ? {} : { cut: int(o, 'cut', 1, CUT_MAX) };
}
function diffCuts(o: Record<string, unknown>): { cuts?: DiffCuts } {
  if (o.cuts === undefined) return {};
  const c = obj(o.cuts, 'cuts');
  return {
    cuts: { from: int(c, 'from', 0, CUT_MAX), to: int(c, 'to', 1, CUT_MAX), final: c.final === null ? null : int(c, 'final', 1, CUT_MAX) },
  };
}

/** Returns a clean copy holding only known fields, or throws ProtocolError. */
export function parsePageMsg(x: unknown): PageToPanel {
  const o = obj(x, 'message');
  switch (o.t) {
    case 'hello':
      return { t: 'hello', v: int(o, 'v', 0, U32), url: str(o, 'url'), start: num(o, 'start'), ...helloContext(o) };
    case 'module':
      return {
        t: 'module',
        id: int(o, 'id', 0, U32),
        name: str(o, 'name'),
        size: int(o, 'size', 0, 2 ** 53),
        instrumented: bool(o, 'instrumented'),
        reason: str(o, 'reason'),
        allocators: arr(o, 'allocators', 256, allocator),
        wrappedExports: arr(o, 'wrappedExports', 256, (s) => {
          if (typeof s !== 'string' || s.length > LIMITS.maxStringChars) throw new ProtocolError('wrappedExports: bad name');
          return s;
        }),
        time: num(o, 'time'),
        ...moduleCode(o),
        ...sharedMemory(o),
      };
    case 'batch': {
      const memo: FrameMemo = new Map();
      return {
        t: 'batch',
        seq: int(o, 'seq', 0, 2 ** 53),
        samples: b64(o, 'samples'),
        ...(o.siteSamples !== undefined ? { siteSamples: b64(o, 'siteSamples') } : {}),
        ...(o.heapSamples !== undefined ? { heapSamples: b64(o, 'heapSamples') } : {}),
        sites: arr(o, 'sites', LIMITS.maxSites, (x: unknown) => site(x, memo)),
        errors: arr(o, 'errors', 10_000, error),
      };
    }
    case 'snapshot':
      return {
        t: 'snapshot',
        req: reqOf(o),
        name: oneOf(o, 'name', SNAPSHOT_NAMES),
        ...cut(o),
        time: num(o, 'time'),
        modules: arr(o, 'modules', 10_000, (m) => {
          const mo = obj(m, 'module');
          return {
            module: int(mo, 'module', 0, U32),
            liveCount: int(mo, 'liveCount', 0, 2 ** 53),
            liveBytes: int(mo, 'liveBytes', 0, 2 ** 53),
          };
        }),
      };
    case 'diff':
      return {
        t: 'diff',
        ...moduleReply(o),
        from: oneOf(o, 'from', SNAPSHOT_NAMES),
        to: oneOf(o, 'to', SNAPSHOT_NAMES),
        final: o.final === null ? null : oneOf(o, 'final', SNAPSHOT_NAMES),
        newCount: int(o, 'newCount', 0, 2 ** 53),
        newBytes: int(o, 'newBytes', 0, 2 ** 53),
        freedCount: int(o, 'freedCount', 0, 2 ** 53),
        freedBytes: int(o, 'freedBytes', 0, 2 ** 53),
        groups: arr(o, 'groups', LIMITS.maxSites, group),
        blocks: b64(o, 'blocks'),
        truncated: bool(o, 'truncated'),
      };
    case 'range':
      return {
        t: 'range',
        ...moduleReply(o),
        from: num(o, 'from'),
        to: num(o, 'to'),
        ...(o.peak !== undefined ? { peak: bool(o, 'peak') } : {}),
        ...(o.instant !== undefined ? { instant: bool(o, 'instant') } : {}),
        ...(o.complete !== undefined ? { complete: bool(o, 'complete') } : {}),
        count: int(o, 'count', 0, 2 ** 53),
        bytes: int(o, 'bytes', 0, 2 ** 53),
        groups: arr(o, 'groups', LIMITS.maxSites, group),
        blocks: b64(o, 'blocks'),
        truncated: bool(o, 'truncated'),
      };
    case 'leaks': {
      const four = (k: string) => {
        const list = arr(o, k, 4, (x) => {
          if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new ProtocolError(`${k}: expected counts`);
          return x;
        });
        if (list.length !== 4) throw new ProtocolError(`${k}: expected 4 values`);
        return list;
      };
      return {
        t: 'leaks',
        ...moduleReply(o),
        kinds: b64(o, 'kinds'),
        counts: four('counts'),
        bytes: four('bytes'),
        scanned: int(o, 'scanned', 0, 2 ** 53),
      };
    }
    case 'bytes':
      return {
        t: 'bytes',
        ...moduleReply(o),
        ptr: int(o, 'ptr', 0, U32),
        data: b64(o, 'data'),
      };
    case 'fail':
      return { t: 'fail', req: reqOf(o), message: str(o, 'message') };
    case 'unreached':
      return { t: 'unreached', kind: str(o, 'kind', 64), url: str(o, 'url'), reason: str(o, 'reason') };
    case 'ended':
      return { t: 'ended', how: oneOf(o, 'how', ENDED_HOW), time: num(o, 'time', 0) };
    case 'pending':
      return {
        t: 'pending',
        modules: arr(o, 'modules', LIMITS.maxPending, (x) => {
          const m = obj(x, 'pending module');
          return { name: str(m, 'name'), size: int(m, 'size', 0, 2 ** 53) };
        }),
      };
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(String(o.t)).slice(0, 40)}`);
  }
}

export function parsePanelMsg(x: unknown): PanelToPage {
  const o = obj(x, 'command');
  switch (o.t) {
    case 'hello':
      return { t: 'hello', v: int(o, 'v', 0, U32) };
    case 'snapshot':
      return { t: 'snapshot', req: reqOf(o), name: oneOf(o, 'name', SNAPSHOT_NAMES), ...cut(o) };
    case 'diff':
      return {
        t: 'diff',
        req: reqOf(o),
        from: oneOf(o, 'from', SNAPSHOT_NAMES),
        to: oneOf(o, 'to', SNAPSHOT_NAMES),
        final: o.final === null ? null : oneOf(o, 'final', SNAPSHOT_NAMES),
        ...diffCuts(o),
      };
    case 'read':
      return {
        t: 'read',
        ...moduleReply(o),
        ptr: int(o, 'ptr', 0, U32),
        len: int(o, 'len', 0, LIMITS.maxReadBytes),
      };
    case 'range':
      return { t: 'range', req: reqOf(o), from: num(o, 'from'), to: num(o, 'to') };
    case 'leaks':
      return { t: 'leaks', req: reqOf(o) };
    case 'peak':
      return { t: 'peak', req: reqOf(o) };
    case 'at':
      return { t: 'at', req: reqOf(o), time: num(o, 'time') };
    case 'stacks':
      return { t: 'stacks', full: bool(o, 'full') };
    case 'clear':
      return { t: 'clear' };
    default:
      throw new ProtocolError(`unknown command type ${JSON.stringify(String(o.t)).slice(0, 40)}`);
  }
}
