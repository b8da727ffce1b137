// The live-block table of one tracker: pointer → (size, site, seq, time), five
// u32 words per block in one RecordTable (20 bytes a record; ≈22–29 bytes per
// live block with the table's free slots, see bench/tracker.ts).
import { RecordTable, type RecordTableOptions } from './record-table';

/** Word offsets inside a live-block record. */
export const LB = {
  ptr: 0,
  size: 1,
  site: 2,
  /** Allocation sequence number, unique per tracker (u32, wraps after 2^32). */
  seq: 3,
  /** Allocation time in 0.1 ms since the recording started (u32: 119 hours). */
  time: 4,
  width: 5,
} as const;

export class LiveBlocks {
  readonly table: RecordTable;

  constructor(options?: RecordTableOptions) {
    this.table = new RecordTable(LB.width, options);
  }

  get count(): number {
    return this.table.count;
  }

  /** Bytes held by the table (for the "bytes per live block" figure). */
  get byteLength(): number {
    return this.table.byteLength;
  }

  /**
   * Records a block; returns its record offset (see RecordTable). If `ptr` was already live its old record
   * is overwritten: check `replaced` and read the old size and site from
   * `replacedSize`/`replacedSite` before the next call.
   */
  add(ptr: number, size: number, site: number, seq: number, time: number): number {
    const t = this.table;
    const at = t.insert(ptr);
    const words = t.words;
    this.replaced = t.existed;
    if (t.existed) {
      this.replacedSize = words[at + LB.size];
      this.replacedSite = words[at + LB.site];
    }
    words[at + LB.size] = size;
    words[at + LB.site] = site;
    words[at + LB.seq] = seq;
    words[at + LB.time] = time;
    return at;
  }

  replaced = false;
  replacedSize = 0;
  replacedSite = 0;

  /** Record offset of a live `ptr`, or -1. */
  find(ptr: number): number {
    return this.table.find(ptr);
  }

  /** Word `field` (an LB offset) of the record at offset `at`. */
  get(at: number, field: number): number {
    return this.table.words[at + field];
  }

  set(at: number, field: number, value: number): void {
    this.table.words[at + field] = value;
  }

  removeAt(at: number): void {
    this.table.removeAt(at);
  }

  clear(): void {
    this.table.clear();
  }
}
