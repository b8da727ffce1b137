// The tracker core: live-block table, counters, allocator misuse, snapshots,
// diffs by site, leak kinds and memory growth. Pure TypeScript (no DOM, no Node).
export { RecordTable, type RecordTableOptions } from './record-table';
export { LB, LiveBlocks } from './live-blocks';
export { FB, FreedBlocks } from './freed-blocks';
export {
  Tracker,
  COUNTER,
  NO_SITE,
  RO,
  type TrackerError,
  type TrackerErrorKind,
  type TrackerOptions,
} from './tracker';
export { takeSnapshot, indexOfSeq, lowerBoundSeq, type TrackerSnapshot, type ReallocOrigins } from './snapshot';
export { diff, type SnapshotDiff, type SiteGroup } from './diff';
export { radixSortOrder } from './radix-sort';
export {
  MemoryHistory,
  MemoryWatcher,
  MEMORY_CAUSES,
  type MemoryCause,
  type MemorySeries,
  type MemoryLike,
} from './memory-history';
export {
  classifyLeaks,
  LEAK,
  LEAK_KINDS,
  type LeakKind,
  type LeakRoots,
  type LeakReport,
  type BlockSet,
} from './leak-kinds';
