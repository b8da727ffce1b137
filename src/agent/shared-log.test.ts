// Threads on one heap, for real: 4 Node worker threads allocate and free
// concurrently from one allocator in shared memory (a lock and a free stack,
// as dlmalloc with USE_LOCKS behaves: an address freed by one thread is soon
// handed to another) and write their events with ThreadLink, while this
// thread drains the log into one Tracker. A ring of 1,024 records makes the
// writers wrap it and wait for the drain hundreds of times.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { SharedLog } from './shared-log';
import { SharedHeap, ThreadLink } from './shared-heap';
import { SiteTable } from './site-table';
import { Tracker } from '../tracker';
import { EV } from './types';

const THREADS = 4;
const PAIRS = 10_000;
const KEPT = 37;
const BLOCKS = 4096;

/** The writers' code: shared-heap.ts and site-table.ts bundled, so the worker runs the same code as the page. */
function writerSource(): string {
  const entry = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { ThreadLink } = require(${JSON.stringify(fileURLToPath(new URL('./shared-heap.ts', import.meta.url)))});
    const { SharedLog } = require(${JSON.stringify(fileURLToPath(new URL('./shared-log.ts', import.meta.url)))});
    const { SiteTable } = require(${JSON.stringify(fileURLToPath(new URL('./site-table.ts', import.meta.url)))});
    const { log: sab, heap, t, pairs, kept } = workerData;
    const log = SharedLog.from(sab);
    const sites = new SiteTable(1000);
    const frame = (name) => [{ name, func: 1, offset: 10, file: 'threads.c', line: 1 }];
    const churnSite = sites.intern(1, frame('churn'));
    const cacheSite = sites.intern(1, frame('thread_cache'));
    const freeSite = sites.intern(1, frame('free_site'));
    const link = new ThreadLink(log, log.join(), sites, () => Date.now(), true);
    const words = new Int32Array(heap);
    // words[0]: lock; words[1]: free-stack height; words[2..]: free block addresses
    const lock = () => { while (Atomics.compareExchange(words, 0, 0, 1) !== 0); };
    const unlock = () => Atomics.store(words, 0, 0);
    const malloc = (size, site) => {
      lock(); const h = words[1]; const p = h > 0 ? words[1 + h] : 0; if (h > 0) words[1] = h - 1; unlock();
      link.event(${EV.malloc}, p, size, 0, site);   // after the allocator returned
      return p;
    };
    const free = (p) => {
      link.event(${EV.free}, p, 0, 0, freeSite);      // before the allocator runs
      lock(); const h = words[1] + 1; words[1 + h] = p; words[1] = h; unlock();
    };
    for (let i = 0; i < pairs; i++) {
      free(malloc(16 + (i % 64), churnSite));
      if (i % Math.floor(pairs / kept) === 0 && i / Math.floor(pairs / kept) < kept) malloc(100 + t, cacheSite);
    }
    parentPort.postMessage('done');
  `;
  const out = buildSync({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
  });
  return out.outputFiles[0].text;
}

describe('SharedLog with real threads', () => {
  it('4 threads × 10,000 malloc/free pairs with 37 blocks kept each: one tracker sees exactly 148 live blocks, no misuse, each with its thread', async () => {
    const log = SharedLog.create(Date.now(), 1024)!;
    const heap = new SharedArrayBuffer(4 * (2 + BLOCKS));
    const words = new Int32Array(heap);
    words[1] = BLOCKS;
    for (let i = 0; i < BLOCKS; i++) words[2 + i] = 0x10000 + i * 256;
    const sites = new SiteTable(1000);
    const shared = new SharedHeap(log, (clock) => new Tracker({ clock }), { sites, now: () => Date.now(), ownerIsPage: true }, 1);
    const source = writerSource();
    const workers = Array.from(
      { length: THREADS },
      (_, t) => new Worker(source, { eval: true, workerData: { log: log.sab, heap, t, pairs: PAIRS, kept: KEPT } }),
    );
    let running = THREADS;
    const finished = new Promise<void>((resolve, reject) => {
      for (const w of workers) {
        w.on('message', () => --running === 0 && resolve());
        w.on('error', reject);
      }
    });
    // Drain while they run, as the page's agent does at its ticks.
    while (running > 0) {
      shared.drain();
      await new Promise((r) => setImmediate(r));
    }
    await finished;
    shared.drain();
    await Promise.all(workers.map((w) => w.terminate()));

    const t = shared.tracker as Tracker;
    expect(t.errors).toEqual([]);
    expect(log.lost).toBe(0);
    expect(shared.bad).toBe(0);
    expect(t.totalAllocs).toBe(THREADS * (PAIRS + KEPT));
    expect(t.totalFrees).toBe(THREADS * PAIRS);
    expect(t.liveCount).toBe(148);
    // Each thread's kept blocks (100 + t bytes) are on its own thread_cache site.
    const byThread = new Map<string, number[]>();
    const snap = t.snapshot();
    for (let i = 0; i < snap.count; i++) {
      const site = sites.get(snap.site[i])!;
      expect(site.frames[0].name).toBe('thread_cache');
      const sizes = byThread.get(site.thread!) ?? [];
      sizes.push(snap.size[i]);
      byThread.set(site.thread!, sizes);
    }
    expect([...byThread.keys()].sort()).toEqual(['thread 1', 'thread 2', 'thread 3', 'thread 4']);
    for (const sizes of byThread.values()) {
      expect(sizes).toHaveLength(KEPT);
      expect(new Set(sizes).size).toBe(1);
    }
    expect(new Set([...byThread.values()].map((s) => s[0]))).toEqual(new Set([100, 101, 102, 103]));
  }, 60_000);

  it('refuses a buffer that is not a log, and counts events it had to drop when nobody drains', () => {
    expect(SharedLog.from(new SharedArrayBuffer(64))).toBeNull();
    expect(SharedLog.from(new ArrayBuffer(4096))).toBeNull();
    expect(SharedLog.from({})).toBeNull();
    const log = SharedLog.create(0, 4)!;
    expect(SharedLog.from(log.sab)).not.toBeNull();
    const sites = new SiteTable(10);
    const link = new ThreadLink(log, 0, sites, () => 0, false);
    for (let i = 0; i < 6; i++) link.event(EV.malloc, 16 + i * 16, 8, 0, 0);
    expect(log.lost).toBe(2);
    const shared = new SharedHeap(log, (clock) => new Tracker({ clock }), { sites, now: () => 0, ownerIsPage: true }, 1);
    shared.drain();
    expect((shared.tracker as Tracker).liveCount).toBe(4);
  });
});
