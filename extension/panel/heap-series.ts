// One module's live heap extent over time (BatchMsg.heapSamples): where its
// heap starts and where its highest live block ends, a step series the page
// sends only when either moved. With the module's samples it splits linear
// memory into the parts the timeline's breakdown shows (memoryBreakdown),
// which is how a user tells a leak (live grows) from fragmentation (free space
// between live blocks grows) from a high-water mark (memory above the highest
// live block that live blocks reached before: grown for a past peak, never given
// back) from memory no live block has reached yet (an emscripten module's
// initial memory, 16 MiB by default). Pure: Node tests drive it.
import { HEAP_SOURCE } from '../../src/protocol';
import { thinOlderHalf, TimeColumns } from './series';

/** Rows kept per module; every other of the older half is dropped beyond it (as Series does). */
const MAX_ROWS = 20_000;

export class HeapSeries extends TimeColumns {
  base: number[] = [];
  top: number[] = [];
  source: number[] = [];
  /** The highest `top` up to and including each row: how far live blocks have reached (a running maximum, so thinning keeps it). */
  reach: number[] = [];

  /** One row; a row not later than the last is ignored (a late panel's resync repeats rows). */
  add(time: number, base: number, top: number, source: number): void {
    const n = this.time.length;
    if (n > 0 && time <= this.time[n - 1]) return;
    this.time.push(time);
    this.base.push(base);
    this.top.push(top);
    this.source.push(source);
    this.reach.push(Math.max(top, n > 0 ? this.reach[n - 1] : 0));
    if (this.time.length > MAX_ROWS) thinOlderHalf([this.time, this.base, this.top, this.source, this.reach]);
  }

  /** Index of the last row at or before `time`, or -1. */
  at(time: number): number {
    let lo = 0;
    let hi = this.time.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.time[mid] <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The highest live block's end at each of `times` (ascending), NaN before the first row. */
  topsAt(times: readonly number[]): number[] {
    const out = new Array<number>(times.length);
    let j = -1;
    for (let i = 0; i < times.length; i++) {
      while (j + 1 < this.time.length && this.time[j + 1] <= times[i]) j++;
      out[i] = j < 0 ? Number.NaN : this.top[j];
    }
    return out;
  }
}

export interface MemoryBreakdown {
  /** Linear memory size. */
  memory: number;
  /** Below the heap: static data and the stack (when the heap start is `__heap_base`), else what lies below the lowest live block. */
  below: number;
  /** Bytes of the live blocks. */
  live: number;
  /** Free space and block overhead between the heap's start and the end of the highest live block: fragmentation. */
  between: number;
  /** Above the highest live block, up to where live blocks reached before: free since a past peak (the high-water mark). */
  above: number;
  /** Above where any live block reached (at the page's ticks): memory not used by live blocks yet (initial memory, the allocator's slack). */
  unreached: number;
  /** Where the heap's start came from (HEAP_SOURCE). */
  source: number;
}

/**
 * Linear memory `memory` with `live` bytes live, the heap from `base`, its highest live block ending at `top`, and
 * live blocks having reached `reach` at most so far (the four parts after `below` add up to the rest of `memory`).
 */
export function memoryBreakdown(memory: number, live: number, base: number, top: number, source: number, reach = top): MemoryBreakdown {
  const start = Math.min(base, memory);
  const end = Math.min(Math.max(top, start), memory);
  const reached = Math.min(Math.max(reach, end), memory);
  const liveIn = Math.min(live, end - start);
  return { memory, below: start, live: liveIn, between: end - start - liveIn, above: reached - end, unreached: memory - reached, source };
}

/** What the panel says a breakdown's figures come from. */
export function sourceText(source: number): string {
  return source === HEAP_SOURCE.heapBase
    ? 'from the live blocks and the module’s __heap_base (the allocator’s own statistics are not exported)'
    : 'from the live blocks only (no __heap_base or allocator statistics exported): the heap is taken to start at its lowest live block';
}
