// Row layout of `BatchMsg.heapSamples`: little-endian Float64, one row per
// module whose live heap extent changed at a tick of the page agent
// (src/tracker/site-ticks.ts). With the sample row of the same tick (linear
// memory size, live bytes) it splits linear memory into: below the heap
// (static data, stack), live bytes, free space and block overhead between the
// heap's start and the highest live block (fragmentation), and memory above the
// highest live block (the allocator's unused top and memory grown for a past
// peak: the high-water mark). A row holds until the module's next one.
import { rowFields } from './row-layout';

/** Column offsets of a heap sample row. */
export const HSR = {
  /** Epoch ms of the tick. */
  time: 0,
  /** `ModuleMsg.id` (in the sending frame). */
  module: 1,
  /** Where the heap starts: `__heap_base` (source 1), else the lowest live block's address (source 0). */
  base: 2,
  /** End (address + size) of the highest live block; 0 when none is live. */
  top: 3,
  /** HEAP_SOURCE: what `base` came from. */
  source: 4,
  width: 5,
} as const;

/** Values of HSR.source. */
export const HEAP_SOURCE = {
  /** The live blocks only: the heap's start is its lowest live block. */
  blocks: 0,
  /** The live blocks and the module's exported `__heap_base`. */
  heapBase: 1,
} as const;

/** Column names in wire order (docs/recording-format.md lists them). */
export const HEAP_SAMPLE_FIELDS = rowFields(HSR);
