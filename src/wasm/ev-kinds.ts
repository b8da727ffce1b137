// The event kinds of the rewriter's `ev` import: the wrappers the rewriter
// writes (wrappers.ts, table-wrappers.ts) pass them, the page's hooks
// (src/agent) read them. A leaf module, so the agent imports no rewriter code.
/** Event kinds of the rewriter's `ev(kind, a, b, c, site, key)` import. */
export const EV = {
  malloc: 1,
  calloc: 2,
  realloc: 3,
  free: 4,
  alignedAlloc: 5,
  posixMemalign: 6,
  rustAlloc: 7,
  rustAllocZeroed: 8,
  rustDealloc: 9,
  rustRealloc: 10,
  memoryGrow: 11,
  /** Threads on one memory: realloc(a) is about to run (before any other thread can be given its old address). */
  reallocBegin: 12,
} as const;
