// Which records of this context are threads of a shared heap (shared-heap.ts),
// and the heaps this context drains: those of the modules it compiled.
import type { InstanceRecord, RecordEnv } from './instance-record';
import { SharedHeap, ThreadLink, threadLabel } from './shared-heap';
import { SharedLog } from './shared-log';
import type { TrackerLike } from './types';

export interface ThreadHeapsEnv {
  sites: RecordEnv['sites'];
  now(): number;
  /** The clock events are stamped with (HookEnv.eventClock): read per event, so a cheap one. */
  eventClock?(): number;
  newTracker(table?: boolean, clock?: () => number): TrackerLike;
}

/** Where a shared module's events go: a heap this context owns, or another context's log. */
export interface HeapSource {
  /** The log the compiling context sent with the module's bytes (this context is one of its threads). */
  log?: SharedLog;
}

export class ThreadHeaps {
  private readonly owned = new WeakMap<object, SharedHeap>();
  private readonly draining = new Set<SharedHeap>();
  /** The page's main thread may not block (Atomics.wait throws there); a worker may. */
  private readonly inPage = typeof (globalThis as { document?: unknown }).document !== 'undefined';

  constructor(private readonly env: ThreadHeapsEnv) {}

  /** The heap of a module compiled here (one per module), created on first need; null without SharedArrayBuffer. */
  own(key: object): SharedHeap | null {
    let heap = this.owned.get(key) ?? null;
    if (heap) return heap;
    const log = SharedLog.create(this.env.now());
    if (!log) return null;
    const env = this.env;
    heap = new SharedHeap(log, (clock) => env.newTracker(false, clock), { sites: env.sites, now: env.now, ownerIsPage: this.inPage });
    this.owned.set(key, heap);
    this.draining.add(heap);
    return heap;
  }

  /**
   * `rec` is an instance of a module on a shared memory: its events join the
   * heap's one order. A thread of another context's heap keeps no blocks of
   * its own (the compiling context counts them); the compiling context's own
   * instance reports the heap's tracker.
   */
  attach(rec: InstanceRecord, key: object, source: HeapSource): void {
    // (per event: performance.now() costs ≈90 ns in Chromium; the agent's coarse clock does not)
    const now = this.env.eventClock ?? this.env.now;
    if (source.log) {
      const n = source.log.join();
      rec.thread = new ThreadLink(source.log, n, this.env.sites, now, !this.inPage);
      rec.threadLabel = threadLabel(n, true);
      // (instrumented: its events are tracked, only reported under the compiling context's module)
      rec.countedElsewhere = true;
      rec.reason = `${threadLabel(n, true)} on a shared memory: its blocks are counted with this module in the context that compiled it`;
      return;
    }
    const heap = this.own(key);
    if (!heap) return; // no SharedArrayBuffer: this context's tracker alone
    if (heap.module !== 0) {
      // A second instance here: its events join the heap, counted by the first.
      rec.reason = `on a shared memory: its blocks are counted with instance #${heap.module} of this module`;
      rec.countedElsewhere = true;
    } else {
      heap.module = rec.id;
      rec.tracker = heap.tracker;
    }
    rec.thread = new ThreadLink(heap.log, 0, this.env.sites, now, false, () => heap.drain());
    rec.threadLabel = threadLabel(0, this.inPage);
  }

  /** Replays every heap's published events into its tracker (before anything reads the trackers). */
  drain(): void {
    for (const heap of this.draining) heap.drain();
  }

  /** Per heap drained here that lost events to a full log since the last call: its module and how many. */
  newlyLost(): { module: number; lost: number; total: number }[] {
    const out: { module: number; lost: number; total: number }[] = [];
    for (const heap of this.draining) {
      const total = heap.log.lost;
      const told = this.told.get(heap) ?? 0;
      if (total > told) {
        out.push({ module: heap.module, lost: total - told, total });
        this.told.set(heap, total);
      }
    }
    return out;
  }

  private readonly told = new WeakMap<SharedHeap, number>();
}
