// Everything that arrives from the page is untrusted: a page can post any
// object with our tag. These checks run in the content bridge (before a
// message leaves the page's reach) and again in the panel.
import { LIMITS } from './version';
import { ERROR_KINDS } from './messages';
import type { PageToPanel, PanelToPage, SiteMsg, ErrorMsg, SiteGroupMsg, AllocatorMsg, FrameMsg } from './messages';

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

type Obj = Record<string, unknown>;

function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ProtocolError(`${what}: not an object`);
  return x as Obj;
}
function num(o: Obj, k: string, min = -Infinity, max = Infinity): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new ProtocolError(`field ${k}: expected a number in [${min}, ${max}]`);
  }
  return v;
}
function int(o: Obj, k: string, min = -(2 ** 53), max = 2 ** 53): number {
  const v = num(o, k, min, max);
  if (!Number.isInteger(v)) throw new ProtocolError(`field ${k}: expected an integer`);
  return v;
}
function str(o: Obj, k: string, max: number = LIMITS.maxStringChars): string {
  const v = o[k];
  if (typeof v !== 'string') throw new ProtocolError(`field ${k}: expected a string`);
  if (v.length > max) throw new ProtocolError(`field ${k}: string longer than ${max}`);
  return v;
}
function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new ProtocolError(`field ${k}: expected a boolean`);
  return v;
}
function arr<T>(o: Obj, k: string, max: number, each: (x: unknown) => T): T[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new ProtocolError(`field ${k}: expected an array`);
  if (v.length > max) throw new ProtocolError(`field ${k}: more than ${max} items`);
  return v.map(each);
}
function oneOf<T extends string>(o: Obj, k: string, values: readonly T[]): T {
  const v = o[k];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new ProtocolError(`field ${k}: expected one of ${values.join(', ')}`);
  }
  return v as T;
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function b64(o: Obj, k: string): string {
  const v = str(o, k, LIMITS.maxMessageChars);
  if (v.length % 4 !== 0 || !BASE64.test(v)) throw new ProtocolError(`field ${k}: not base64`);
  return v;
}
const NAMES = ['A', 'B', 'C'] as const;
const U32 = 0xffff_ffff;

function frame(x: unknown): FrameMsg {
  const o = obj(x, 'frame');
  return { name: str(o, 'name'), func: int(o, 'func', -1, U32), offset: int(o, 'offset', -1, U32), file: str(o, 'file'), line: int(o, 'line', 0, U32) };
}
function site(x: unknown): SiteMsg {
  const o = obj(x, 'site');
  return { id: int(o, 'id', 0, U32), module: int(o, 'module', 0, U32), frames: arr(o, 'frames', LIMITS.maxFrames, frame) };
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

/** Returns a clean copy holding only known fields, or throws ProtocolError. */
export function parsePageMsg(x: unknown): PageToPanel {
  const o = obj(x, 'message');
  switch (o.t) {
    case 'hello':
      return { t: 'hello', v: int(o, 'v', 0, U32), url: str(o, 'url'), start: num(o, 'start') };
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
      };
    case 'batch':
      return {
        t: 'batch',
        seq: int(o, 'seq', 0, 2 ** 53),
        samples: b64(o, 'samples'),
        sites: arr(o, 'sites', LIMITS.maxSites, site),
        errors: arr(o, 'errors', 10_000, error),
      };
    case 'snapshot':
      return {
        t: 'snapshot',
        req: int(o, 'req', 0, 2 ** 53),
        name: oneOf(o, 'name', NAMES),
        time: num(o, 'time'),
        modules: arr(o, 'modules', 10_000, (m) => {
          const mo = obj(m, 'module');
          return { module: int(mo, 'module', 0, U32), liveCount: int(mo, 'liveCount', 0, 2 ** 53), liveBytes: int(mo, 'liveBytes', 0, 2 ** 53) };
        }),
      };
    case 'diff':
      return {
        t: 'diff',
        req: int(o, 'req', 0, 2 ** 53),
        module: int(o, 'module', 0, U32),
        from: oneOf(o, 'from', NAMES),
        to: oneOf(o, 'to', NAMES),
        final: o.final === null ? null : oneOf(o, 'final', NAMES),
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
        req: int(o, 'req', 0, 2 ** 53),
        module: int(o, 'module', 0, U32),
        from: num(o, 'from'),
        to: num(o, 'to'),
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
        req: int(o, 'req', 0, 2 ** 53),
        module: int(o, 'module', 0, U32),
        kinds: b64(o, 'kinds'),
        counts: four('counts'),
        bytes: four('bytes'),
        scanned: int(o, 'scanned', 0, 2 ** 53),
      };
    }
    case 'bytes':
      return { t: 'bytes', req: int(o, 'req', 0, 2 ** 53), module: int(o, 'module', 0, U32), ptr: int(o, 'ptr', 0, U32), data: b64(o, 'data') };
    case 'fail':
      return { t: 'fail', req: int(o, 'req', 0, 2 ** 53), message: str(o, 'message') };
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
      return { t: 'snapshot', req: int(o, 'req', 0, 2 ** 53), name: oneOf(o, 'name', NAMES) };
    case 'diff':
      return {
        t: 'diff',
        req: int(o, 'req', 0, 2 ** 53),
        from: oneOf(o, 'from', NAMES),
        to: oneOf(o, 'to', NAMES),
        final: o.final === null ? null : oneOf(o, 'final', NAMES),
      };
    case 'read':
      return { t: 'read', req: int(o, 'req', 0, 2 ** 53), module: int(o, 'module', 0, U32), ptr: int(o, 'ptr', 0, U32), len: int(o, 'len', 0, LIMITS.maxReadBytes) };
    case 'range':
      return { t: 'range', req: int(o, 'req', 0, 2 ** 53), from: num(o, 'from'), to: num(o, 'to') };
    case 'leaks':
      return { t: 'leaks', req: int(o, 'req', 0, 2 ** 53) };
    case 'stacks':
      return { t: 'stacks', full: bool(o, 'full') };
    case 'clear':
      return { t: 'clear' };
    default:
      throw new ProtocolError(`unknown command type ${JSON.stringify(String(o.t)).slice(0, 40)}`);
  }
}
