// What was live at any past tick (heaptrack's "consumed at"), within a bound.
//
// A block was live at tick k (time T, next sequence number N) iff it was
// allocated before it (seq older than N) and freed after it. Blocks live now
// answer the first half from the live table; for blocks freed since, each
// scanned tick compares the previous tick's live set (a copy, LB records)
// with the live table and logs the blocks that left it, with that tick's time
// as their free time. A block allocated and freed between two ticks was live
// at no tick and is never logged, so answers are exact at tick instants.
//
// Bounds: the freed log keeps the last `maxFreed` blocks (24 bytes each); past
// it the oldest are dropped and an answer for an instant before the newest
// dropped free time says it is incomplete. At most `maxTicks` tick instants
// (every other one dropped beyond: an instant then maps to an earlier tick).
// Cost per scanned tick: one copy of the live set (20 bytes a block, held) and,
// when a block older than the previous tick was freed, one table lookup per
// block of that tick.
import { LB } from './live-blocks';

/** The live table as a tracker holds it: its records and a lookup by pointer (record offset or −1). */
export interface LiveIndex {
  find(ptr: number): number;
  readonly table: { readonly words: Uint32Array };
}

export interface LiveAt {
  /** The tick the answer is for (the last one at or before the asked time). */
  time: number;
  count: number;
  bytes: number;
  /** `count` LB records (ptr, size, site, seq, time). */
  records: Uint32Array;
  /** False when blocks freed after `time` were dropped from the bounded log. */
  complete: boolean;
}

/** Allocated before the allocation numbered `next` (u32 sequence numbers that wrap). */
function older(seq: number, next: number): boolean {
  const d = (next - seq) >>> 0;
  return d !== 0 && d <= 0x8000_0000;
}

export class LiveHistory {
  private prev = new Uint32Array(0);
  private prevCount = 0;
  private prevNext = 0;
  /** Age of the previous tick's oldest block in allocations (prevNext − its seq). */
  private prevSpan = 0;
  private hasPrev = false;
  /** One bit per allocation number of the previous tick's span: still live. */
  private bits = new Uint32Array(0);
  private lastKey = '';
  /** Tick instants and the next sequence number at each. */
  private times: number[] = [];
  private nexts: number[] = [];
  /** Freed log, a ring: LB records and free times; grown by doubling up to maxFreed (a small module holds little). */
  private log = new Uint32Array(0);
  private freeTimes = new Float64Array(0);
  private head = 0;
  private size = 0;
  /** Latest free time of a block dropped from the log. */
  private droppedUntil = Number.NEGATIVE_INFINITY;

  constructor(
    readonly maxFreed = 262_144,
    readonly maxTicks = 65_536,
  ) {}

  get freedLogged(): number {
    return this.size;
  }

  /** Bytes held: the previous tick's copy and the freed log. */
  get byteLength(): number {
    return this.prev.byteLength + this.log.byteLength + this.freeTimes.byteLength + this.times.length * 16;
  }

  /** One tick; `key` changes whenever the tracker's counters moved (nothing is done otherwise). */
  tick(time: number, live: LiveIndex, nextSeq: number, liveCount: number, key: string): void {
    if (key === this.lastKey) return;
    this.lastKey = key;
    const words = live.table.words;
    if (this.hasPrev) this.logFreed(time, live);
    if (this.prev.length < liveCount * LB.width) this.prev = new Uint32Array(Math.ceil(liveCount * 1.25) * LB.width);
    const p = this.prev;
    let n = 0;
    let span = 0;
    for (let at = 0; at < words.length; at += LB.width) {
      if (words[at] === 0) continue;
      const age = (nextSeq - words[at + 3]) >>> 0;
      if (age > span && age <= 0x8000_0000) span = age;
      const o = n * LB.width;
      if (o + LB.width > p.length) break;
      p[o] = words[at];
      p[o + 1] = words[at + 1];
      p[o + 2] = words[at + 2];
      p[o + 3] = words[at + 3];
      p[o + 4] = words[at + 4];
      n++;
    }
    this.prevCount = n;
    this.prevNext = nextSeq;
    this.prevSpan = span;
    this.hasPrev = true;
    this.times.push(time);
    this.nexts.push(nextSeq);
    if (this.times.length > this.maxTicks) {
      this.times = this.times.filter((_, i) => i % 2 === 1 || i === this.times.length - 1);
      this.nexts = this.nexts.filter((_, i) => i % 2 === 1 || i === this.nexts.length - 1);
    }
  }

  /**
   * Logs the previous tick's blocks that are no longer live, freed at `time`.
   * Blocks are told apart by allocation number: one pass over the live table
   * marks the numbers of the previous tick's span still live (a bitset when the
   * span is at most 64 × the block count, else a lookup per block), then the
   * previous tick's copy is read once.
   */
  private logFreed(time: number, live: LiveIndex): void {
    const words = live.table.words;
    const pn = this.prevNext;
    const span = this.prevSpan;
    const p = this.prev;
    if (span <= 64 * this.prevCount + 4096) {
      const need = (span >>> 5) + 1;
      if (this.bits.length < need) this.bits = new Uint32Array(need);
      const bits = this.bits;
      bits.fill(0, 0, need);
      let still = 0;
      for (let at = 0; at < words.length; at += LB.width) {
        if (words[at] === 0) continue;
        const age = (pn - words[at + 3]) >>> 0;
        if (age === 0 || age > span) continue;
        bits[age >>> 5] |= 1 << (age & 31);
        still++;
      }
      if (still >= this.prevCount) return;
      for (let i = 0; i < this.prevCount; i++) {
        const o = i * LB.width;
        const age = (pn - p[o + 3]) >>> 0;
        if ((bits[age >>> 5] & (1 << (age & 31))) === 0) this.logFree(p, o, time);
      }
      return;
    }
    let still = 0;
    for (let at = 0; at < words.length; at += LB.width) if (words[at] !== 0 && older(words[at + LB.seq], pn)) still++;
    if (still >= this.prevCount) return;
    for (let i = 0; i < this.prevCount; i++) {
      const o = i * LB.width;
      const at = live.find(p[o]);
      if (at < 0 || live.table.words[at + LB.seq] !== p[o + LB.seq]) this.logFree(p, o, time);
    }
  }

  private logFree(p: Uint32Array, o: number, time: number): void {
    if (this.size === this.freeTimes.length && this.size < this.maxFreed) this.growLog();
    const cap = this.freeTimes.length;
    let slot: number;
    if (this.size < cap) slot = (this.head + this.size++) % cap;
    else {
      slot = this.head;
      this.droppedUntil = Math.max(this.droppedUntil, this.freeTimes[slot]);
      this.head = (this.head + 1) % cap;
    }
    const l = this.log;
    const d = slot * LB.width;
    l[d] = p[o];
    l[d + 1] = p[o + 1];
    l[d + 2] = p[o + 2];
    l[d + 3] = p[o + 3];
    l[d + 4] = p[o + 4];
    this.freeTimes[slot] = time;
  }

  private growLog(): void {
    const cap = Math.min(this.maxFreed, Math.max(1024, this.freeTimes.length * 2));
    const log = new Uint32Array(cap * LB.width);
    const times = new Float64Array(cap);
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % this.freeTimes.length;
      log.set(this.log.subarray(slot * LB.width, slot * LB.width + LB.width), i * LB.width);
      times[i] = this.freeTimes[slot];
    }
    this.log = log;
    this.freeTimes = times;
    this.head = 0;
  }

  /** The blocks live at the last tick at or before `time`; null before the first tick. */
  liveAt(time: number, live: LiveIndex): LiveAt | null {
    let k = this.times.length - 1;
    while (k >= 0 && this.times[k] > time) k--;
    if (k < 0) return null;
    const t = this.times[k];
    const next = this.nexts[k];
    const words = live.table.words;
    const cap = this.freeTimes.length;
    // Count, then copy into one typed array (no per-block allocation: 1 M blocks in tens of ms).
    let count = 0;
    for (let at = 0; at < words.length; at += LB.width) if (words[at] !== 0 && older(words[at + LB.seq], next)) count++;
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % cap;
      if (this.freeTimes[slot] > t && older(this.log[slot * LB.width + LB.seq], next)) count++;
    }
    const records = new Uint32Array(count * LB.width);
    let n = 0;
    let bytes = 0;
    for (let at = 0; at < words.length; at += LB.width) {
      if (words[at] === 0 || !older(words[at + LB.seq], next)) continue;
      records[n] = words[at];
      records[n + 1] = words[at + 1];
      records[n + 2] = words[at + 2];
      records[n + 3] = words[at + 3];
      records[n + 4] = words[at + 4];
      n += LB.width;
      bytes += words[at + LB.size];
    }
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % cap;
      const o = slot * LB.width;
      if (this.freeTimes[slot] <= t || !older(this.log[o + LB.seq], next)) continue;
      records.set(this.log.subarray(o, o + LB.width), n);
      n += LB.width;
      bytes += this.log[o + LB.size];
    }
    return { time: t, count, bytes, records, complete: this.droppedUntil <= t };
  }

  clear(): void {
    this.size = 0;
    this.head = 0;
    this.droppedUntil = Number.NEGATIVE_INFINITY;
    this.times = [];
    this.nexts = [];
    this.hasPrev = false;
    this.prevCount = 0;
    this.lastKey = '';
  }
}
