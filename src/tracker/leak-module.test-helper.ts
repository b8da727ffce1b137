// Test helper (Node only): the real leak.c module built with clang + wasi-libc
// (dlmalloc), and its exported allocator wrapped so that every call made from
// JavaScript is also reported to a Tracker — export wrapping, the fallback path
// of the hooks, without depending on the rewriter.
import { fixture } from '../test-support/fixtures';
import type { Tracker } from './tracker';

export interface LeakExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  _initialize(): void;
  malloc(size: number): number;
  free(ptr: number): void;
  calloc(n: number, size: number): number;
  realloc(ptr: number, size: number): number;
  aligned_alloc(align: number, size: number): number;
  posix_memalign(out: number, align: number, size: number): number;
  grow_memory(pages: number): number;
  make_list(n: number, keep: number): void;
  process_data(size: number): void;
}

/** Addresses in leak.c's bss (llvm-dwarfdump --name=… on the -g build). */
export const LAST_BUFFER_ADDR = 0x400;
export const KEPT_LIST_ADDR = 0x404;
/**
 * wasm-ld lays out [0, 1024) unused, data + bss from 1024, then the stack
 * (-z stack-size default 65536) growing down from __heap_base (67072 here:
 * __stack_pointer starts there). Called from JS at top level, the whole stack is
 * dead, so the live roots are [0, __heap_base − 65536).
 */
export const STACK_SIZE = 65_536;
/** A scratch word below the data segment (wasm-ld leaves [0, 1024) unused). */
export const SCRATCH_ADDR = 512;

export async function loadLeakModule(opt: 'O0' | 'O2' = 'O2'): Promise<LeakExports> {
  const { instance } = await WebAssembly.instantiate(fixture(`leak-wasi-${opt}.wasm`), {});
  const e = instance.exports as unknown as LeakExports;
  e._initialize();
  return e;
}

/** Default site ids of the wrapped calls; a test passes its own to tell calls apart. */
export const SITE = { malloc: 1, calloc: 2, realloc: 3, alignedAlloc: 4, posixMemalign: 5, free: 6 } as const;

/** The module's allocator, each call reported to `tracker` after the real one. */
export function wrapAllocator(e: LeakExports, tracker: Tracker) {
  return {
    malloc(size: number, site: number = SITE.malloc): number {
      const p = e.malloc(size) >>> 0;
      tracker.malloc(p, size, site);
      return p;
    },
    calloc(n: number, size: number, site: number = SITE.calloc): number {
      const p = e.calloc(n, size) >>> 0;
      tracker.calloc(p, n, size, site);
      return p;
    },
    realloc(old: number, size: number, site: number = SITE.realloc): number {
      const p = e.realloc(old, size) >>> 0;
      tracker.realloc(p, old, size, site);
      return p;
    },
    alignedAlloc(align: number, size: number, site: number = SITE.alignedAlloc): number {
      const p = e.aligned_alloc(align, size) >>> 0;
      tracker.alignedAlloc(p, size, align, site);
      return p;
    },
    /** Returns [ret, *out]; the out-parameter lives at SCRATCH_ADDR. */
    posixMemalign(align: number, size: number, site: number = SITE.posixMemalign): [number, number] {
      new DataView(e.memory.buffer).setUint32(SCRATCH_ADDR, 0, true);
      const ret = e.posix_memalign(SCRATCH_ADDR, align, size);
      // As the page hook does: read the out-parameter from linear memory.
      const out = ret === 0 ? new DataView(e.memory.buffer).getUint32(SCRATCH_ADDR, true) : 0;
      tracker.posixMemalign(ret, out, size, site);
      return [ret, out];
    },
    free(ptr: number, site: number = SITE.free): void {
      e.free(ptr);
      tracker.free(ptr, site);
    },
  };
}

/** A deterministic clock: advances 1 ms per reading. */
export function steppingClock(stepMs = 1): () => number {
  let t = 0;
  return () => (t += stepMs);
}
