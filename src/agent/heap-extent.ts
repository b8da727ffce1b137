// The live heap's extent per module, as heap sample rows (src/protocol/
// heap-sample-row.ts): where the heap starts and where its highest live block
// ends, at each tick where either moved. SiteTicks finds the blocks' extent in
// its scan; this adds the module's `__heap_base` when it exports one (wasm-ld
// and Rust do; emscripten builds, sql.js, sqlite-wasm and tiktoken do not), and
// keeps a bounded history for a panel that connects late.
import { HSR, HEAP_SOURCE } from '../protocol';
import type { InstanceRecord } from './instance-record';

/** Rows kept for a late panel (the same bound as the page's sample rows). */
const MAX_ROWS = 50_000;

/** The module's exported `__heap_base` (a constant global), or -1. */
export function exportedHeapBase(rec: InstanceRecord): number {
  const g = (rec.rawExports as Record<string, unknown> | null)?.__heap_base;
  return g instanceof WebAssembly.Global && typeof g.value === 'number' ? g.value >>> 0 : -1;
}

export class HeapExtent {
  /** Rows of HSR.width to send with the next batch. */
  pending: number[] = [];
  /** Rows sent, oldest first, at most MAX_ROWS. */
  private kept: number[] = [];
  /** Per module id: the last row's base and top, and its `__heap_base` (read once; undefined until then). */
  private readonly last = new Map<number, { base: number; top: number; heapBase: number }>();

  /** One tick of module `rec` whose live blocks span [low, high) (0, 0 when none is live). */
  tick(time: number, rec: InstanceRecord, low: number, high: number): void {
    let last = this.last.get(rec.id);
    if (!last) this.last.set(rec.id, (last = { base: -1, top: -1, heapBase: exportedHeapBase(rec) }));
    const source = last.heapBase >= 0 ? HEAP_SOURCE.heapBase : HEAP_SOURCE.blocks;
    const base = last.heapBase >= 0 ? last.heapBase : low;
    if (base === last.base && high === last.top) return;
    last.base = base;
    last.top = high;
    const row = new Array<number>(HSR.width);
    row[HSR.time] = time;
    row[HSR.module] = rec.id;
    row[HSR.base] = base;
    row[HSR.top] = high;
    row[HSR.source] = source;
    this.pending.push(...row);
    this.kept.push(...row);
    if (this.kept.length > MAX_ROWS * HSR.width) this.kept.splice(0, this.kept.length - MAX_ROWS * HSR.width);
  }

  /** Every kept row (a late panel's resync). */
  history(): number[] {
    return this.kept;
  }

  forget(module: number): void {
    this.last.delete(module);
  }

  clear(): void {
    this.kept = [];
  }
}
