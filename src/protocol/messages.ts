// Every message between the page hook and the panel, both directions, declared
// once. Binary payloads (samples, blocks) are base64 of little-endian typed
// arrays; their row layouts are in sample-row.ts (SR) and block-row.ts (BR).

/** How a module's allocator was found, as the panel lists it. */
export interface AllocatorMsg {
  role: string;
  name: string;
  foundBy: string;
  confidence: string;
}

/** A module seen by the hook in one frame. */
export interface ModuleMsg {
  t: 'module';
  id: number;
  /** URL of the fetched response (also of a buffer the page read from one itself), or '(bytes)' when the page made the buffer. */
  name: string;
  size: number;
  /** Binary instrumentation active: allocations inside the module are seen. */
  instrumented: boolean;
  /** Why not instrumented, or notes about what was instrumented. */
  reason: string;
  allocators: AllocatorMsg[];
  /** Exported allocator functions wrapped for calls from JS. */
  wrappedExports: string[];
  /** Time the module was instantiated (epoch ms). */
  time: number;
  /**
   * What identifies the module's code (src/symbols/fingerprint.ts): symbols
   * the user loads in the panel are matched to it. Absent when the hook had
   * no bytes, and in recordings made before it existed.
   */
  code?: ModuleCodeMsg;
  /**
   * An instance on a shared memory (emscripten -pthread; src/agent/thread-heaps.ts):
   * `heap` names the heap (its log's creation time, epoch ms: the same in every
   * context running a thread on it), `thread` is this instance's thread (0 in
   * the context that compiled the module), `counted` whether this instance
   * reports the heap's blocks (one per heap). Absent otherwise.
   */
  shared?: SharedMemoryMsg;
}

export interface SharedMemoryMsg {
  heap: number;
  thread: number;
  counted: boolean;
}

export interface ModuleCodeMsg {
  /** Code section payload offset and size. */
  start: number;
  size: number;
  /** Functions, imports included. */
  funcs: number;
  /** 16 hex digits. */
  hash: string;
  /** Hex of the build_id section, at most 64 bytes. */
  buildId?: string;
}

/** An allocation site (a call instruction) or a whole stack, interned. */
export interface SiteMsg {
  id: number;
  module: number;
  /** Symbolized frames, innermost first: "process_data (leak.c:9)" style labels. */
  frames: FrameMsg[];
  /**
   * The thread that allocated at this site, for a module whose threads share
   * one memory (emscripten -pthread): "main thread", "thread 1", …; absent
   * otherwise. The same code in two threads is two sites.
   */
  thread?: string;
}

export interface FrameMsg {
  name: string;
  /** wasm function index in the original module, -1 for JS frames. */
  func: number;
  /** Byte offset in the original module, -1 if unknown. */
  offset: number;
  /** Source location when known (URL or file, 1-based line). */
  file: string;
  line: number;
  /**
   * An allocator wrapper's frame (operator new, xmalloc-style helpers, Rust's
   * RawVec growth; found by the rewriter or by name): folded when blocks are
   * grouped by site, so a site is the first frame outside the wrappers.
   */
  alloc?: boolean;
}

/** Allocator misuse the tracker saw (see src/tracker/tracker.ts), and the hook's own failures. */
export const ERROR_KINDS = [
  'double-free',
  'invalid-free',
  'invalid-realloc',
  'alloc-over-live',
  'dealloc-size-mismatch',
  'instrument-failed',
  'hook-failed',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorMsg {
  module: number;
  kind: ErrorKind;
  ptr: number;
  /** Site ids (see SiteMsg) — 0 when unknown. */
  site: number;
  otherSite: number;
  message: string;
  time: number;
}

export interface BatchMsg {
  t: 'batch';
  /** Increments by one per batch from this frame; a gap means a lost batch. */
  seq: number;
  /** Rows of SR.width Float64 (sample-row.ts). */
  samples: string;
  /**
   * Rows of SSR.width Float64 (site-sample-row.ts): live bytes per site that
   * changed at a tick. Absent in recordings made before it existed.
   */
  siteSamples?: string;
  /**
   * Rows of HSR.width Float64 (heap-sample-row.ts): the live heap's extent
   * where it changed at a tick. Absent in recordings made before it existed.
   */
  heapSamples?: string;
  sites: SiteMsg[];
  errors: ErrorMsg[];
}

export interface HelloMsg {
  t: 'hello';
  v: number;
  url: string;
  /** Epoch ms when the hook started in this frame. */
  start: number;
  /**
   * Set when this source is a worker the page started (src/agent/worker-hook.ts):
   * its kind ('worker', 'module worker') and the `name` it was given.
   */
  context?: { kind: string; name: string };
}

export interface SiteGroupMsg {
  site: number;
  newCount: number;
  newBytes: number;
  freedCount: number;
  freedBytes: number;
  liveCount: number;
  liveBytes: number;
}

export interface SnapshotMsg {
  t: 'snapshot';
  req: number;
  name: SnapshotName;
  /** The panel's cut number the command carried (one per snapshot request, the same in every context), if any. */
  cut?: number;
  time: number;
  modules: { module: number; liveCount: number; liveBytes: number }[];
}

export interface DiffMsg {
  t: 'diff';
  req: number;
  module: number;
  from: SnapshotName;
  to: SnapshotName;
  final: SnapshotName | null;
  newCount: number;
  newBytes: number;
  freedCount: number;
  freedBytes: number;
  groups: SiteGroupMsg[];
  /** New blocks (alive at `to`, allocated after `from`): rows of BR.width u32 (block-row.ts), at most LIMITS.maxDiffBlocks. */
  blocks: string;
  truncated: boolean;
}

/**
 * Blocks alive now that were allocated in a time range (the timeline's
 * selection); or, with `peak`, the blocks that were live at the module's
 * highest live heap (from = to = that tick), freed since or not.
 */
export interface RangeMsg {
  t: 'range';
  req: number;
  module: number;
  /** Epoch ms, as sent; the peak's tick when `peak`. */
  from: number;
  to: number;
  /** The answer to a `peak` command. Absent otherwise. */
  peak?: boolean;
  /**
   * The answer to an `at` command: the blocks live at the tick `from` (= `to`),
   * the last one at or before the asked time; `complete` false when blocks
   * freed after it were dropped from the page's bounded log. Absent otherwise.
   */
  instant?: boolean;
  complete?: boolean;
  count: number;
  bytes: number;
  groups: SiteGroupMsg[];
  /** Rows of BR.width u32 (block-row.ts), at most LIMITS.maxDiffBlocks. */
  blocks: string;
  truncated: boolean;
}

/** Leak kinds of the last comparison's new blocks, in the order of its `blocks`. */
export interface LeaksMsg {
  t: 'leaks';
  req: number;
  module: number;
  /** One byte per block of the DiffMsg: LEAK_KIND_NAMES index, or FREED_SINCE_B (block-row.ts). */
  kinds: string;
  /** Per kind, in LEAK_KIND_NAMES order. */
  counts: number[];
  bytes: number[];
  /** Bytes of linear memory scanned. */
  scanned: number;
}

/** valgrind/LeakSanitizer kinds, index = code on the wire. */
export const LEAK_KIND_NAMES = ['reachable', 'possibly lost', 'indirectly lost', 'definitely lost'] as const;

export interface BytesMsg {
  t: 'bytes';
  req: number;
  module: number;
  ptr: number;
  data: string;
}

export interface FailMsg {
  t: 'fail';
  req: number;
  message: string;
}

/** A worker the page started that the hook could not follow (src/agent/worker-hook.ts), and why. */
export interface UnreachedMsg {
  t: 'unreached';
  /** 'worker', 'module worker', 'shared worker'. */
  kind: string;
  url: string;
  reason: string;
}

/**
 * How a hooked worker ended: the page called `terminate()`, the worker that started it did, it called `close()`,
 * or its frame's document went away (the router saw the context's port close).
 */
export const ENDED_HOW = ['terminated', 'terminated-by-worker', 'closed', 'unloaded'] as const;
export type EndedHow = (typeof ENDED_HOW)[number];

/**
 * A worker context has ended (src/agent/context-relay.ts relays it as that
 * context's message): its modules and blocks went with it, it answers nothing
 * more. `time`: epoch ms when it ended, as the context that saw it said.
 */
export interface EndedMsg {
  t: 'ended';
  how: EndedHow;
  time: number;
}

/**
 * The big modules this page (or worker) is rewriting in its rewrite worker
 * (src/agent/rewrite-client.ts), all of them, each time the list changes: the
 * module list shows them as pending until their `module` message arrives. At
 * most LIMITS.maxPending entries; an empty list when none is left.
 */
export interface PendingMsg {
  t: 'pending';
  modules: { name: string; size: number }[];
}

export interface DiffCuts {
  from: number;
  to: number;
  final: number | null;
}

export const SNAPSHOT_NAMES = ['A', 'B', 'C'] as const;
export type SnapshotName = (typeof SNAPSHOT_NAMES)[number];

export type PageToPanel =
  | HelloMsg
  | ModuleMsg
  | BatchMsg
  | SnapshotMsg
  | DiffMsg
  | RangeMsg
  | LeaksMsg
  | BytesMsg
  | FailMsg
  | UnreachedMsg
  | PendingMsg
  | EndedMsg;

export type PanelToPage =
  | { t: 'hello'; v: number }
  /** `cut`: the panel's number for this request, sent to every context alike; each records its snapshot under it. */
  | { t: 'snapshot'; req: number; name: SnapshotName; cut?: number }
  /**
   * `cuts`: the cut each snapshot must have been recorded under here (else the context refuses rather than compare
   * another instant); `from` 0: this context was not running at `from`, all its live blocks are new.
   */
  | { t: 'diff'; req: number; from: SnapshotName; to: SnapshotName; final: SnapshotName | null; cuts?: DiffCuts }
  | { t: 'read'; req: number; module: number; ptr: number; len: number }
  /** Blocks alive now allocated between two epoch-ms times. */
  | { t: 'range'; req: number; from: number; to: number }
  /** Blocks live at each module's highest live heap (answered with `range` messages, `peak: true`). */
  | { t: 'peak'; req: number }
  /** Blocks live at an instant (epoch ms), freed since or not (answered with `range` messages, `instant: true`). */
  | { t: 'at'; req: number; time: number }
  /** Classify the new blocks of the last diff (conservative pointer scan). */
  | { t: 'leaks'; req: number }
  /** Full stacks: a call stack per allocation (slower) instead of per call site. */
  | { t: 'stacks'; full: boolean }
  | { t: 'clear' };

/** What the background adds when it routes a page message to a panel. */
export interface RoutedPageMsg {
  frame: number;
  msg: PageToPanel;
}
