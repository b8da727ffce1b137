// Calls into the allocator from JavaScript (emscripten's `_malloc`, a page
// calling `exports.malloc`) never pass through rewritten call sites, so the
// exported allocator functions are wrapped. Only those exports are replaced;
// every other export stays the very same exported function object.
import type { InstanceRecord } from './instance-record';
import { captureStack } from './stack';
import { LIMITS } from '../protocol/version';

const ROLE_BY_EXPORT: Record<string, 'malloc' | 'free' | 'calloc' | 'realloc'> = {
  malloc: 'malloc',
  _malloc: 'malloc',
  free: 'free',
  _free: 'free',
  calloc: 'calloc',
  _calloc: 'calloc',
  realloc: 'realloc',
  _realloc: 'realloc',
};

type Fn = (...args: number[]) => number;

function wrapOne(rec: InstanceRecord, role: string, fn: Fn): Fn {
  const siteOf = (below: Function) => rec.internStack(captureStack(below, LIMITS.maxFrames));
  const report = (body: () => void) => {
    rec.drain(); // ring mode: events from wasm that came before this one
    if (rec.disabled) return;
    try {
      body();
    } catch {
      rec.disabled = true;
    }
  };
  let wrapper: Fn;
  switch (role) {
    case 'malloc':
      wrapper = function (this: unknown, size: number) {
        const p = fn.call(this, size);
        report(() => rec.tracker.malloc(p >>> 0, size >>> 0, siteOf(wrapper)));
        return p;
      };
      break;
    case 'calloc':
      wrapper = function (this: unknown, n: number, size: number) {
        const p = fn.call(this, n, size);
        report(() => rec.tracker.calloc(p >>> 0, n >>> 0, size >>> 0, siteOf(wrapper)));
        return p;
      };
      break;
    case 'realloc':
      wrapper = function (this: unknown, old: number, size: number) {
        const p = fn.call(this, old, size);
        report(() => rec.tracker.realloc(p >>> 0, old >>> 0, size >>> 0, siteOf(wrapper)));
        return p;
      };
      break;
    default:
      wrapper = function (this: unknown, ptr: number) {
        const r = fn.call(this, ptr);
        report(() => rec.tracker.free(ptr >>> 0, siteOf(wrapper)));
        return r;
      };
  }
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  return wrapper;
}

/**
 * Returns the exports object the page will see: allocator exports wrapped,
 * the rewriter's own exports hidden, same keys and order otherwise.
 */
export function wrapExports(rec: InstanceRecord, exports: WebAssembly.Exports, hidden: ReadonlySet<string>): WebAssembly.Exports {
  const out: Record<string, unknown> = Object.create(null);
  const wrapped: string[] = [];
  for (const key of Object.keys(exports)) {
    if (hidden.has(key)) continue;
    const value = (exports as Record<string, unknown>)[key];
    const role = ROLE_BY_EXPORT[key];
    if (role && typeof value === 'function') {
      out[key] = wrapOne(rec, role, value as Fn);
      wrapped.push(key);
    } else {
      out[key] = value;
    }
  }
  rec.wrappedExports = wrapped;
  return Object.freeze(out) as WebAssembly.Exports;
}
