// Calls into the allocator from JavaScript (emscripten's `_malloc`, sql.js's
// minified `Ia`, wasm-bindgen's `__wbindgen_malloc`) never pass through
// rewritten call sites, so the exported allocator functions are wrapped. Only
// those exports are replaced; every other export stays the very same exported
// function object.
import type { InstanceRecord } from './instance-record';
import type { TrackerLike } from './types';
import { LIMITS } from '../protocol/version';

/** Roles by export name, for modules the rewriter did not instrument. */
const ROLE_BY_NAME: Record<string, string> = {
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

/** Frames kept for a JS call to an allocator export: enough for the glue and its caller. */
const JS_FRAMES = 12;
const u = (x: number | undefined) => (x ?? 0) >>> 0;

/**
 * How each allocator role's arguments and result map onto the tracker.
 * wasm-bindgen passes size 0 for empty buffers and then allocates or frees
 * nothing (it returns/gets a dangling aligned pointer): no event.
 */
const REPORT: Record<string, (t: TrackerLike, r: number, a: number[], site: number, rec: InstanceRecord) => void> = {
  malloc: (t, r, a, s) => t.malloc(u(r), u(a[0]), s),
  rust_alloc: (t, r, a, s) => t.malloc(u(r), u(a[0]), s),
  rust_alloc_zeroed: (t, r, a, s) => t.malloc(u(r), u(a[0]), s),
  wbg_malloc: (t, r, a, s) => void (u(a[0]) !== 0 && t.malloc(u(r), u(a[0]), s)),
  calloc: (t, r, a, s) => t.calloc(u(r), u(a[0]), u(a[1]), s),
  realloc: (t, r, a, s) => t.realloc(u(r), u(a[0]), u(a[1]), s),
  // (ptr, oldSize, newSize[, align]) and (ptr, oldSize, align, newSize)
  wbg_realloc: (t, r, a, s) => t.realloc(u(r), u(a[0]), u(a[2]), s),
  rust_realloc: (t, r, a, s) => t.realloc(u(r), u(a[0]), u(a[3]), s),
  free: (t, _r, a, s) => t.free(u(a[0]), s),
  rust_dealloc: (t, _r, a, s) => t.free(u(a[0]), s),
  wbg_free: (t, _r, a, s) => void (u(a[1]) !== 0 && t.free(u(a[0]), s)),
  aligned_alloc: (t, r, a, s) => t.alignedAlloc(u(r), u(a[1]), u(a[0]), s),
  memalign: (t, r, a, s) => t.alignedAlloc(u(r), u(a[1]), u(a[0]), s),
  posix_memalign: (t, r, a, s, rec) => {
    const out = r === 0 && rec.memory ? new DataView(rec.memory.buffer).getUint32(u(a[0]), true) : 0;
    t.posixMemalign(u(r), out, u(a[2]), s);
  },
};

function wrapOne(rec: InstanceRecord, role: string, fn: Fn): Fn {
  const report = REPORT[role];
  // Like a call site inside wasm, the export is one site whose stack is taken
  // at its first call; full-stacks mode takes the JS caller's stack every time.
  // (A stack capture with JS frames costs 5–30 µs; glues such as sql.js call
  // `_malloc` tens of thousands of times.)
  let firstSite = 0;
  const siteOf = (): number => {
    if (rec.fullStacks()) return rec.stackId(wrapper, LIMITS.maxFrames + 4);
    if (firstSite === 0) firstSite = rec.stackId(wrapper, JS_FRAMES);
    return firstSite;
  };
  const wrapper = function (this: unknown, ...args: number[]): number {
    const result = fn.apply(this, args);
    // memory64 allocators take and return BigInts: not tracked (the module
    // list says why), and the page gets its result untouched.
    if (typeof (result as unknown) === 'bigint' || typeof (args[0] as unknown) === 'bigint') return result;
    if (!rec.disabled) {
      try {
        report(rec.tracker, result, args, siteOf(), rec);
      } catch {
        rec.disabled = true;
      }
    }
    return result;
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  return wrapper;
}

/**
 * Returns the exports object the page will see: allocator exports wrapped,
 * the rewriter's own exports hidden, same keys and order otherwise. Allocator
 * exports are those the rewriter found (by name, by structure for minified
 * ones); without instrumentation, the usual names.
 */
export function wrapExports(rec: InstanceRecord, exports: WebAssembly.Exports, hidden: ReadonlySet<string>): WebAssembly.Exports {
  const roles = new Map<string, string>();
  if (rec.outcome?.exportSites?.length) {
    for (const e of rec.outcome.exportSites) if (REPORT[e.role]) roles.set(e.exportName, e.role);
  } else {
    for (const [name, role] of Object.entries(ROLE_BY_NAME)) roles.set(name, role);
  }
  const out: Record<string, unknown> = Object.create(null);
  const wrapped: string[] = [];
  for (const key of Object.keys(exports)) {
    if (hidden.has(key)) continue;
    const value = (exports as Record<string, unknown>)[key];
    const role = roles.get(key);
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
