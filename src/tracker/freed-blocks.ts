// Recently freed pointers, so that a second free of the same pointer can be told
// apart from a free of a pointer that was never allocated (valgrind's "Invalid
// free() / delete" names where the block was allocated and first freed; so do we).
//
// Bounded: the last `capacity` frees, oldest forgotten first (a ring of
// pointers + a RecordTable keyed by pointer).
//
// An entry is not removed when its address is handed out again by the
// allocator (that would cost a lookup on every malloc, the hottest path).
// It does not need to be: the table is consulted only for a pointer that is not
// live, and when a reused address is freed again its entry is overwritten with
// the new allocation's sites, so a stale entry is never reported.
import { RecordTable } from './record-table';

export const FB = {
  ptr: 0,
  allocSite: 1,
  freeSite: 2,
  size: 3,
  /** Position in the ring, to tell a current ring entry from an overwritten one. */
  ring: 4,
  width: 5,
} as const;

export class FreedBlocks {
  readonly table: RecordTable;
  private readonly ring: Uint32Array;
  private head = 0;
  private filled = 0;

  constructor(readonly capacity = 65_536) {
    this.ring = new Uint32Array(capacity);
    this.table = new RecordTable(FB.width, { initialCapacity: Math.min(1024, capacity) });
  }

  get count(): number {
    return this.table.count;
  }

  get byteLength(): number {
    return this.table.byteLength + this.ring.byteLength;
  }

  note(ptr: number, allocSite: number, freeSite: number, size: number): void {
    const t = this.table;
    const pos = this.head;
    if (this.filled === this.capacity) {
      // Forget the oldest free, unless its pointer was freed again since
      // (then the table entry points at a newer ring position).
      const old = this.ring[pos];
      const slot = t.find(old);
      if (slot >= 0 && t.words[slot * FB.width + FB.ring] === pos) t.removeAt(slot);
    } else {
      this.filled++;
    }
    this.ring[pos] = ptr;
    this.head = pos + 1 === this.capacity ? 0 : pos + 1;
    const at = t.insert(ptr) * FB.width;
    const words = t.words;
    words[at + FB.allocSite] = allocSite;
    words[at + FB.freeSite] = freeSite;
    words[at + FB.size] = size;
    words[at + FB.ring] = pos;
  }

  /** Slot of a recently freed `ptr`, or -1; read fields with `get`. */
  find(ptr: number): number {
    return this.table.find(ptr);
  }

  get(slot: number, field: number): number {
    return this.table.words[slot * FB.width + field];
  }

  clear(): void {
    this.table.clear();
    this.head = 0;
    this.filled = 0;
  }
}
