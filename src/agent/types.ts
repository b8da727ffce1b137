// The seams between the WebAssembly hooks and the rest of the core: the hooks
// depend on these shapes only, so the rewriter (src/wasm) and the tracker
// (src/tracker) plug in without the hooks importing them.
import type { TableLayoutLike } from './wasm-table';

/** What the binary rewriter produced for one module (see src/wasm). */
export interface InstrumentOutcome {
  bytes: Uint8Array;
  allocators: { role: string; funcIndex: number; name: string; foundBy: string; confidence: string }[];
  sites: { funcIndex: number; offset: number; role: string }[];
  /** Exported allocator functions (by the rewriter's discovery): the page wraps these for calls from JS. */
  exportSites?: { exportName: string; site: number; role: string }[];
  toOriginalFunc(newIndex: number): number;
  toOriginalOffset(newOffset: number): number;
  /** The funcref table whose element 0 gets `ev`, and the start function to run after (src/wasm/hook.ts). */
  hookTable: string;
  startExport: string | null;
  memoryExport: string | null;
  globalExports: string[];
  /** Memory 0 is shared (threads): events of every thread go through one ordered log (src/agent/shared-log.ts). */
  shared?: boolean;
  /** Table event path: the appended memory holding the live-block table and its layout (see wasm-table.ts); absent/null otherwise. */
  table?: (TableLayoutLike & { memoryExport: string }) | null;
  /** Functions (original indices) that only forward to the allocator: their frames are folded. */
  allocWrappers?: number[];
  /** Export names of exported functions (original indices), for frames of modules without names. */
  exportNames?: [number, string][];
  reason?: string;
  /** Instrumented without the matching free (why, e.g. "partial: frees unseen ..."): no misuse is reported. */
  partial?: string;
}

/** Rewrites a module so allocator calls report to `ev` (src/wasm/hook.ts); throws when it cannot. */
export type Instrumenter = (bytes: Uint8Array) => InstrumentOutcome;

/** Where allocation events go: the tracker implements this for one instance. */
export interface AllocationSink {
  malloc(ptr: number, size: number, site: number): void;
  calloc(ptr: number, n: number, elemSize: number, site: number): void;
  realloc(newPtr: number, oldPtr: number, size: number, site: number): void;
  alignedAlloc(ptr: number, size: number, align: number, site: number): void;
  posixMemalign(ret: number, outPtrValue: number, size: number, site: number): void;
  free(ptr: number, site: number): void;
  /** Threads on one heap: realloc(ptr) is about to run (Tracker.reallocBegin). */
  reallocBegin?(ptr: number): void;
}

/** Event kinds of the rewriter's `ev` import. */
export { EV } from '../wasm/ev-kinds';

export const HOOK_MODULE = '__wasm_leaks';

/** The tracker as the hooks see it: the sink plus the counters they sample. */
export interface TrackerLike extends AllocationSink {
  readonly liveCount: number;
  readonly liveBytes: number;
  readonly totalAllocs: number;
  readonly totalFrees: number;
  /** false: misuse errors are only counted, not reported (a partial module, whose frees are unseen). */
  reportErrors?: boolean;
  /** Discovery checked at runtime (a heuristic allocator): see Tracker.probation; `distrust` says why it failed. */
  probation?: boolean;
  readonly distrust?: string | null;
}
