// Threads on one shared memory (src/agent/shared-log.ts): what an event costs
// when it goes through the heap's log instead of straight to the tracker,
// side by side in one run. Each round: 200,000 malloc/free pairs over a
// working set of 1,000 addresses, (a) applied to a Tracker directly (the
// single-thread call path), (b) written with ThreadLink and drained into a
// Tracker every 4,096 events (what a page's instance on a shared memory does,
// its agent draining at each flush).
// Run: npx tsx bench/shared-log.ts (or through bench/run.ts).
import { pathToFileURL } from 'node:url';
import { Tracker } from '../src/tracker/index';
import { SharedLog } from '../src/agent/shared-log';
import { SharedHeap, ThreadLink, applyEvent } from '../src/agent/shared-heap';
import { SiteTable } from '../src/agent/site-table';
import { EV } from '../src/agent/types';
import { timeAlternating } from './timing';

const PAIRS = 200_000;

function direct(): void {
  const t = new Tracker({ clock: () => 0 });
  for (let i = 0; i < PAIRS; i++) {
    const p = 0x1000 + (i % 1000) * 64;
    applyEvent(t, EV.malloc, p, 48, 0, 1);
    applyEvent(t, EV.free, p, 0, 0, 2);
  }
}

function throughLog(): void {
  const log = SharedLog.create(0)!;
  const sites = new SiteTable(10);
  const heap = new SharedHeap(log, (clock) => new Tracker({ clock }), { sites, now: () => 0, ownerIsPage: true }, 1);
  const link = new ThreadLink(
    log,
    0,
    sites,
    () => 0,
    false,
    () => heap.drain(),
  );
  for (let i = 0; i < PAIRS; i++) {
    const p = 0x1000 + (i % 1000) * 64;
    link.event(EV.malloc, p, 48, 0, 1);
    link.event(EV.free, p, 0, 0, 2);
    if ((i & 2047) === 0) heap.drain();
  }
  heap.drain();
  if ((heap.tracker as Tracker).liveCount !== 0 || (heap.tracker as Tracker).errors.length !== 0)
    throw new Error('the log lost or reordered events');
}

export async function run(): Promise<void> {
  const [a, b] = timeAlternating([direct, throughLog], 15);
  const perEvent = (ms: number) => ((ms * 1e6) / (2 * PAIRS)).toFixed(0);
  console.log(`${PAIRS.toLocaleString('en-US')} malloc/free pairs, median of 15 rounds side by side`);
  console.log(`  tracker directly     ${a.cpu.toFixed(1)} ms CPU (${perEvent(a.cpu)} ns/event)`);
  console.log(
    `  through the log      ${b.cpu.toFixed(1)} ms CPU (${perEvent(b.cpu)} ns/event)  ${(b.cpu / a.cpu).toFixed(2)}× (wall ${(b.wall / a.wall).toFixed(2)}×)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
