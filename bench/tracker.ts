// Tracker core benchmarks, measured side by side in one run (ratios, not
// absolute times, are what compare across machines):
// - live table insert+delete vs a Map<number, {size, site, seq, time}>;
// - the whole Tracker.malloc/free path vs a Map-based tracker;
// - bytes per live block at 1 M live blocks (and over a growth cycle);
// - snapshot + diff at 1 M live blocks;
// - leak-kind scan speed over a 64 MB memory.
// Run: npx tsx bench/tracker.ts (or through bench/run.ts).
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LiveBlocks, Tracker, diff, classifyLeaks, LEAK_KINDS } from '../src/tracker/index';
import { median, timeAlternating } from './timing';
import { rng } from '../src/test-support/rng';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const now = (): number => performance.now();
const fmt = (x: number, d = 1): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * A heap-like operation trace: `live` blocks allocated at 16-byte-aligned
 * addresses with gaps, then `churn` rounds of (free a random live block,
 * allocate one, reusing the freed address half of the time, as dlmalloc's bins do).
 * ops[i] > 0: allocate at ops[i]; ops[i] < 0: free −ops[i] (as float).
 */
function heapTrace(live: number, churn: number, seed = 1): Float64Array {
  const r = rng(seed);
  const ops = new Float64Array(live + 2 * churn);
  const liveArr = new Uint32Array(live);
  let next = 0x10000;
  let o = 0;
  for (let i = 0; i < live; i++) {
    next += 16 * (1 + (r() & 3));
    liveArr[i] = next;
    ops[o++] = next;
  }
  for (let c = 0; c < churn; c++) {
    const i = r() % live;
    const p = liveArr[i];
    ops[o++] = -p;
    let q: number;
    if (r() & 1) q = p;
    else {
      next += 16 * (1 + (r() & 3));
      if (next > 0xfff00000) next = 0x10000 + (r() % 1024) * 16;
      q = next;
    }
    liveArr[i] = q;
    ops[o++] = q;
  }
  return ops;
}

function benchTables(live: number, churn: number): void {
  const ops = heapTrace(live, churn);
  const runLive = (): void => {
    const lb = new LiveBlocks();
    let seq = 0;
    for (let i = 0; i < ops.length; i++) {
      const p = ops[i];
      if (p > 0) lb.add(p, 32, 7, seq++, i);
      else {
        const slot = lb.find(-p);
        if (slot >= 0) lb.removeAt(slot);
      }
    }
  };
  const runMap = (): void => {
    const m = new Map<number, { size: number; site: number; seq: number; time: number }>();
    let seq = 0;
    for (let i = 0; i < ops.length; i++) {
      const p = ops[i];
      if (p > 0) m.set(p, { size: 32, site: 7, seq: seq++, time: i });
      else m.delete(-p);
    }
  };
  const [tl, tm] = timeAlternating([runLive, runMap], 5).map((t) => t.wall);
  const mops = (t: number) => fmt(ops.length / t / 1000, 1);
  console.log(
    `  live table, ${fmt(live / 1e3, 0)} K live + ${fmt(churn / 1e3, 0)} K free/alloc pairs: LiveBlocks ${mops(tl)} M ops/s, Map ${mops(tm)} M ops/s → ${fmt(tm / tl, 2)}× the Map`,
  );
}

function benchTrackers(live: number, churn: number): void {
  const ops = heapTrace(live, churn, 2);
  const clock = (): number => 0; // the clock is the page's choice; keep it out of the ratio
  const runTracker = (): void => {
    const t = new Tracker({ clock });
    for (let i = 0; i < ops.length; i++) {
      const p = ops[i];
      if (p > 0) t.malloc(p, 32, 7);
      else t.free(-p, 8);
    }
  };
  // The obvious implementation: a Map of objects, plus a Map of recent frees
  // bounded by a ring of pointers (exact FIFO of the last 65,536).
  const runNaive = (): number => {
    const live = new Map<number, { size: number; site: number; seq: number; time: number }>();
    const freed = new Map<number, { allocSite: number; freeSite: number }>();
    const ring = new Float64Array(65_536);
    let head = 0;
    let seq = 0;
    let liveBytes = 0;
    for (let i = 0; i < ops.length; i++) {
      const p = ops[i];
      if (p > 0) {
        live.set(p, { size: 32, site: 7, seq: seq++, time: clock() });
        liveBytes += 32;
      } else {
        const b = live.get(-p);
        if (b) {
          live.delete(-p);
          liveBytes -= b.size;
          if (ring[head] !== 0) freed.delete(ring[head]);
          ring[head] = -p;
          head = (head + 1) & 65_535;
          freed.set(-p, { allocSite: b.site, freeSite: 8 });
        }
      }
    }
    return liveBytes; // used, so the loop is not dropped
  };
  const [ta, tb] = timeAlternating([runTracker, runNaive], 5).map((t) => t.wall);
  console.log(
    `  Tracker.malloc/free (with double-free window), same trace: ${fmt((ta * 1e6) / ops.length, 0)} ns/event, Map-based tracker ${fmt((tb * 1e6) / ops.length, 0)} ns/event → ${fmt(tb / ta, 2)}×`,
  );
}

function benchMemory(): void {
  const n = 1_000_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const m = new Map<number, { size: number; site: number; seq: number; time: number }>();
  for (let i = 0; i < n; i++) m.set(0x10000 + i * 16, { size: 32, site: 7, seq: i, time: i * 0.1 });
  gc();
  const mapBytes = (process.memoryUsage().heapUsed - before) / n;
  const lb = new LiveBlocks();
  for (let i = 0; i < n; i++) lb.add(0x10000 + i * 16, 32, 7, i, i);
  const at1M = lb.byteLength / n;
  // Over a growth cycle: the figure depends on where the last growth happened.
  let lo = Infinity;
  let hi = 0;
  const lb2 = new LiveBlocks();
  for (let i = 1; i <= 2_000_000; i++) {
    lb2.add(0x10000 + i * 16, 32, 7, i, i);
    if (i >= 100_000 && i % 10_000 === 0) {
      const b = lb2.byteLength / i;
      lo = Math.min(lo, b);
      hi = Math.max(hi, b);
    }
  }
  console.log(
    `  bytes per live block at 1 M: LiveBlocks ${fmt(at1M, 1)} (capacity ${lb.table.capacity.toLocaleString('en-US')} slots, load ${fmt(n / lb.table.capacity, 2)}); range 100 K–2 M: ${fmt(lo, 1)}–${fmt(hi, 1)}; Map of objects ${fmt(mapBytes, 0)} (V8 heap delta)`,
  );
  m.clear();
}

function benchSnapshotDiff(): void {
  const n = 1_000_000;
  const t = new Tracker({ clock: () => 0 });
  const r = rng(3);
  const ptrs = new Uint32Array(n);
  let next = 0x10000;
  for (let i = 0; i < n; i++) {
    next += 16 * (1 + (r() & 3));
    ptrs[i] = next;
    t.malloc(next, 16 + (r() & 63), r() % 500);
  }
  const times: number[][] = [[], [], []];
  for (let round = 0; round < 3; round++) {
    const t0 = now();
    const a = t.snapshot();
    const t1 = now();
    // Between A and B: free 10 %, allocate 10 % (a leak at a few sites).
    for (let k = 0; k < n / 10; k++) {
      const i = r() % n;
      if (ptrs[i] !== 0) t.free(ptrs[i], 1);
      next += 16;
      ptrs[i] = next;
      t.malloc(next, 48, 1000 + (k % 7));
    }
    const t2 = now();
    const b = t.snapshot();
    const t3 = now();
    const d = diff(a, b);
    const t4 = now();
    times[0].push(t1 - t0);
    times[1].push(t3 - t2);
    times[2].push(t4 - t3);
    if (round === 2) {
      console.log(
        `  snapshot + diff at ${fmt(t.liveCount / 1e6, 2)} M live blocks: snapshot ${fmt(median(times[0]))} ms, diff ${fmt(median(times[2]))} ms (${d.newBlocks.length.toLocaleString('en-US')} new, ${d.freedBlocks.length.toLocaleString('en-US')} freed, ${d.groups.length} sites) → snapshot + diff ${fmt(median(times[0]) + median(times[2]))} ms`,
      );
    }
  }
  // Three snapshots.
  const a = t.snapshot();
  for (let k = 0; k < 1000; k++) t.malloc((next += 16), 8, 2000);
  const b = t.snapshot();
  const c = t.snapshot();
  const t0 = now();
  diff(a, b, c);
  console.log(`  diff(A, B, C) at 1 M: ${fmt(now() - t0)} ms`);
}

/**
 * A 64 MB memory: 1 MB of data/bss roots, then a heap of ~1.4 M blocks of
 * 16–64 bytes (8-byte headers between them, as dlmalloc). Three pointer
 * patterns, from the friendliest to the worst for caches:
 * - chain: each block points to the next (a list built in order);
 * - local: a quarter of the words point to a block up to 64 blocks away,
 *   the rest small integers and zeros (trees and lists built together);
 * - random: a quarter of the words point anywhere in the heap.
 */
function benchLeakScan(): void {
  const size = 64 << 20;
  const memory = new Uint8Array(size);
  const words = new Uint32Array(memory.buffer);
  const r = rng(4);
  const ptr: number[] = [];
  const sz: number[] = [];
  let at = 1 << 20;
  while (at < size - 128) {
    const s = 16 + (r() & 3) * 16;
    ptr.push(at);
    sz.push(s);
    at += s + 8;
  }
  const n = ptr.length;
  const blocks = { count: n, ptr: Uint32Array.from(ptr), size: Uint32Array.from(sz) };
  const roots = { ranges: [0, 1 << 20] };
  for (const pattern of ['chain', 'local', 'random'] as const) {
    words.fill(0);
    for (let i = 0; i < n; i++) {
      const w0 = ptr[i] >>> 2;
      if (pattern === 'chain') {
        words[w0] = i + 1 < n ? ptr[i + 1] : 0;
        words[w0 + 1] = i;
        continue;
      }
      for (let w = 0; w < sz[i] >>> 2; w++) {
        const x = r() & 15;
        const target = pattern === 'local' ? ptr[Math.min(n - 1, i + 1 + (r() & 63))] : ptr[r() % n];
        words[w0 + w] = x < 4 ? target : x < 5 ? target + 4 : x < 9 ? r() & 0xffff : 0;
      }
    }
    for (let w = 0; w < (1 << 20) >>> 2; w += 1024) words[w] = ptr[r() % n];
    words[0] = ptr[0];
    const ts: number[] = [];
    let report = classifyLeaks(blocks, memory, roots);
    for (let k = 0; k < 3; k++) {
      const t0 = now();
      report = classifyLeaks(blocks, memory, roots);
      ts.push(now() - t0);
    }
    const t = median(ts);
    const kinds = LEAK_KINDS.map((k, i) => `${k} ${report.count[i].toLocaleString('en-US')}`).join(', ');
    console.log(
      `  leak kinds, 64 MB, ${fmt(n / 1e6, 2)} M blocks, ${pattern.padEnd(6)}: ${fmt(t, 0)} ms = ${fmt(size / 1048576 / (t / 1000), 0)} MB of memory/s (${fmt(report.scannedBytes / 1048576, 0)} MB read; ${kinds})`,
    );
  }
}

export async function run(): Promise<void> {
  console.log('tracker:');
  benchTables(100_000, 1_000_000);
  benchTables(1_000_000, 1_000_000);
  benchTrackers(100_000, 1_000_000);
  benchMemory();
  benchSnapshotDiff();
  benchLeakScan();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
