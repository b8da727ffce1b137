// Layouts the tracker and its snapshots share: the counters a chart samples
// and the realloc-origin record. Apart from tracker.ts so snapshot.ts does not
// import the tracker it is taken from.

/** Layout of `counters()`: the figures a chart samples per batch. */
export const COUNTER = {
  totalAllocs: 0,
  totalFrees: 1,
  allocBytes: 2,
  freeBytes: 3,
  liveCount: 4,
  liveBytes: 5,
  /** Allocations that returned NULL for a non-zero size (a realloc failure included). */
  failures: 6,
  reallocs: 7,
  errors: 8,
  errorsDropped: 9,
  /** Sequence number the next allocation will get. */
  nextSeq: 10,
  /** Milliseconds since the recording started. */
  time: 11,
  length: 12,
} as const;

/** Word offsets of a realloc-origin record (see Tracker.origins). */
export const RO = {
  ptr: 0,
  /** Sequence number of the first allocation of the chain of reallocs. */
  seq: 1,
  site: 2,
  time: 3,
  /** How many reallocs since that first allocation. */
  count: 4,
  width: 5,
} as const;
