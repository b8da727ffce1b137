// Memory over time by site (issue 12), measured side by side in one run:
// - an allocation-heavy workload on a Tracker, without and with the per-tick
//   site counters (SiteTicks.tick every 100 ms of wall time: 10 ticks/s, the
//   worst rate; the page ticks every 0.5 s when idle, 100 ms after events);
// - one tick's scan at 10 k / 100 k / 1 M live blocks, with and without the
//   peak copy (taken only at a tick where the live heap is above its peak);
// - the history for 1 hour at 10 ticks/s with 10,000 sites (36,000 ticks):
//   bytes held and the time of one tick's add, every site changing each tick
//   (the bound's worst case) and 1 % of them;
// - what was live at a past instant (LiveHistory): one tick's copy and
//   freed-block check, and the answer for 1 M live blocks;
// - the live heap's extent (lowest block, highest block end; item 4, the
//   fragmentation breakdown) found in the same scan: SiteTicks' summing loop
//   with the two compares against it without them (as it was before), side by
//   side, and the whole tick for scale.
// Run: npx tsx bench/site-ticks.ts (or `npm run bench site-ticks`).
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Tracker } from '../src/tracker/index';
import { SiteTicks } from '../src/tracker/site-ticks';
import { SiteSeries } from '../src/tracker/site-series';
import { LiveHistory } from '../src/tracker/live-history';
import { median, timeAlternating } from './timing';
import { rng } from '../src/test-support/rng';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const fmt = (x: number, d = 1): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** `live` blocks over `sites` sites, then `churn` free+malloc pairs; calls `between` every 4,096 operations. */
function workload(live: number, churn: number, sites: number, between: (t: Tracker) => void): Tracker {
  const r = rng(7);
  const t = new Tracker({ clock: () => 0 });
  const ptrs = new Uint32Array(live);
  let next = 0x10000;
  for (let i = 0; i < live; i++) {
    next += 16 * (1 + (r() & 3));
    ptrs[i] = next;
    t.malloc(next, 16 + (r() & 255), 1 + (r() % sites));
  }
  for (let c = 0; c < churn; c++) {
    const i = r() % live;
    t.free(ptrs[i], 0);
    next += 16 * (1 + (r() & 3));
    if (next > 0xfff00000) next = 0x10000;
    ptrs[i] = next;
    t.malloc(next, 16 + (r() & 255), 1 + (r() % sites));
    if ((c & 4095) === 0) between(t);
  }
  return t;
}

function workloadCost(): void {
  const LIVE = 100_000;
  const CHURN = 1_500_000;
  let ticks = 0;
  let ticksWith = 0;
  const without = () => {
    let last = performance.now();
    workload(LIVE, CHURN, 1000, () => {
      const now = performance.now();
      if (now - last >= 100) {
        last = now;
        ticks++;
      }
    });
  };
  const withTicks = (interval: number) => () => {
    const st = new SiteTicks();
    const past = new LiveHistory();
    let last = performance.now();
    workload(LIVE, CHURN, 1000, (t) => {
      const now = performance.now();
      if (now - last >= interval) {
        last = now;
        if (interval === 100) ticksWith++;
        st.tick(now, t.blocks.table.words, t.liveCount, t.liveBytes, t.totalAllocs, t.totalFrees);
        past.tick(now, t.blocks, t.nextSeq, t.liveCount, `${t.totalAllocs}/${t.totalFrees}`);
      }
    });
  };
  const RUNS = 7;
  const [a, b, c] = timeAlternating([without, withTicks(100), withTicks(500)], RUNS);
  console.log(
    `workload: ${fmt(LIVE / 1000, 0)} k live blocks, ${fmt(CHURN / 1e6)} M free+malloc pairs over 1,000 sites, median of ${RUNS} alternating runs`,
  );
  console.log(`  without site ticks:            ${fmt(a.wall)} ms (cpu ${fmt(a.cpu)}), ${fmt(ticks / RUNS)} tick instants per run`);
  console.log(
    `  with a tick every 100 ms (site sums, peak, live history): ${fmt(b.wall)} ms (cpu ${fmt(b.cpu)}), ${fmt(ticksWith / RUNS)} ticks per run  → ratio ${fmt(b.wall / a.wall, 3)}× (cpu ${fmt(b.cpu / a.cpu, 3)}×)`,
  );
  console.log(
    `  with a tick every 500 ms (the page's poll while busy): ${fmt(c.wall)} ms (cpu ${fmt(c.cpu)})  → ratio ${fmt(c.wall / a.wall, 3)}× (cpu ${fmt(c.cpu / a.cpu, 3)}×)`,
  );
}

function scanCost(): void {
  console.log('one tick (scan of the live table, bytes by site, changes; 1,000 sites):');
  for (const live of [10_000, 100_000, 1_000_000]) {
    const t = workload(live, 0, 1000, () => {});
    const words = t.blocks.table.words;
    const st = new SiteTicks();
    st.tick(0, words, t.liveCount, t.liveBytes, t.totalAllocs, t.totalFrees); // the peak taken at this heap
    const plain: number[] = [];
    const peak: number[] = [];
    for (let i = 1; i <= 15; i++) {
      // Counters moved (a new key), heap not above the peak: scan only.
      let t0 = performance.now();
      st.tick(i, words, t.liveCount, t.liveBytes - 1, t.totalAllocs + i, t.totalFrees);
      plain.push(performance.now() - t0);
      // A new maximum: scan and copy the live set.
      t0 = performance.now();
      st.tick(i, words, t.liveCount, t.liveBytes + i, t.totalAllocs + i, t.totalFrees + 1);
      peak.push(performance.now() - t0);
    }
    const p = median(plain);
    console.log(
      `  ${fmt(live / 1000, 0).padStart(5)} k live blocks: ${fmt(p, 2)} ms per tick (${fmt((p / 100) * 100, 2)} % of a 100 ms tick interval); at a new peak ${fmt(median(peak), 2)} ms (peak copy ${fmt((live * 20) / 1e6)} MB)`,
    );
  }
}

function historyMemory(): void {
  console.log('history: 1 hour at 10 ticks/s (36,000 ticks), 10,000 sites, default bounds (512 columns, 1 M entries):');
  for (const share of [1, 0.01]) {
    gc();
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const s = new SiteSeries();
    const n = Math.round(10_000 * share);
    const adds: number[] = [];
    for (let tick = 0; tick < 36_000; tick++) {
      // Every site, or the same 100 hot sites each tick.
      const first = 0;
      const sites = new Array<number>(n);
      const bytes = new Array<number>(n);
      for (let k = 0; k < n; k++) {
        sites[k] = 1 + ((first + k) % 10_000);
        bytes[k] = tick * 16 + k;
      }
      sites.sort((x, y) => x - y);
      const t0 = performance.now();
      s.add(tick * 100, sites, bytes);
      adds.push(performance.now() - t0);
    }
    gc();
    const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const spacing = (36_000 * 100) / s.length / 1000;
    console.log(
      `  ${share === 1 ? 'every site changes each tick' : 'the same 1 % (100 sites) change each tick'}: ${s.length} columns (stride ${s.stride} ticks, ≈${fmt(spacing)} s apart), ${fmt(s.entries, 0)} entries, ${fmt(s.byteLength / 1e6, 2)} MB held (heap delta ${fmt((after - before) / 1e6, 2)} MB); add per tick: median ${fmt(median(adds), 3)} ms, max ${fmt(Math.max(...adds), 1)} ms`,
    );
  }
}

function liveAtCost(): void {
  console.log('live at a past instant (LiveHistory):');
  for (const live of [100_000, 1_000_000]) {
    const t = workload(live, 0, 1000, () => {});
    const h = new LiveHistory();
    h.tick(1, t.blocks, t.nextSeq, t.liveCount, 'a');
    const copy: number[] = [];
    const freed: number[] = [];
    for (let i = 0; i < 7; i++) {
      // Nothing of the last tick freed: copy only.
      let t0 = performance.now();
      h.tick(2 + i, t.blocks, t.nextSeq, t.liveCount, `c${i}`);
      copy.push(performance.now() - t0);
      // 1,000 blocks of the last tick freed (and as many allocated): the lookups and the log.
      const r = rng(i);
      const words = t.blocks.table.words;
      const gone: number[] = [];
      for (let at = 0; at < words.length && gone.length < 1000; at += 5 * (1 + (r() & 7))) if (words[at] !== 0) gone.push(words[at]);
      for (const p of gone) t.free(p, 0);
      for (const p of gone) t.malloc(p, 64, 1);
      t0 = performance.now();
      h.tick(100 + i, t.blocks, t.nextSeq, t.liveCount, `f${i}`);
      freed.push(performance.now() - t0);
    }
    const answer: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      count = h.liveAt(50, t.blocks)?.count ?? -1;
      answer.push(performance.now() - t0);
    }
    console.log(
      `  ${fmt(live / 1000, 0).padStart(5)} k live blocks: tick ${fmt(median(copy), 2)} ms (copy ${fmt((live * 20) / 1e6)} MB held), with 1,000 of them freed ${fmt(median(freed), 2)} ms; live at an instant (${fmt(count, 0)} blocks): ${fmt(median(answer), 1)} ms`,
    );
  }
}

/** SiteTicks' summing loop as it was before the extent was added (the baseline of extentCost). */
function sumsOnly(words: Uint32Array, cur: Float64Array): number {
  let bytes = 0;
  for (let at = 0; at < words.length; at += 5) {
    if (words[at] === 0) continue;
    const size = words[at + 1];
    const site = words[at + 2];
    cur[site < 1 << 20 ? site : 0] += size;
    bytes += size;
  }
  return bytes;
}

/** The same loop as SiteTicks runs it now: the lowest block and the highest block end too. */
function sumsAndExtent(words: Uint32Array, cur: Float64Array): number {
  let bytes = 0;
  let low = 0xffff_ffff;
  let high = 0;
  for (let at = 0; at < words.length; at += 5) {
    const ptr = words[at];
    if (ptr === 0) continue;
    const size = words[at + 1];
    const site = words[at + 2];
    cur[site < 1 << 20 ? site : 0] += size;
    bytes += size;
    if (ptr < low) low = ptr;
    if (ptr + size > high) high = ptr + size;
  }
  return bytes + low + high;
}

function extentCost(): void {
  console.log('the live heap extent (item 4) in the scan: the summing loop with and without it, alternating; the whole tick for scale:');
  for (const live of [100_000, 1_000_000]) {
    const t = workload(live, 0, 1000, () => {});
    const words = t.blocks.table.words;
    const st = new SiteTicks();
    st.tick(0, words, t.liveCount, t.liveBytes, t.totalAllocs, t.totalFrees); // the peak, so later ticks only scan
    const cur = new Float64Array(1001);
    let i = 0;
    const [withExtent, before, tick] = timeAlternating(
      [
        () => {
          cur.fill(0);
          sumsAndExtent(words, cur);
        },
        () => {
          cur.fill(0);
          sumsOnly(words, cur);
        },
        () => {
          i++;
          st.tick(i, words, t.liveCount, t.liveBytes - 1, t.totalAllocs + i, t.totalFrees);
        },
      ],
      31,
    );
    console.log(
      `  ${fmt(live / 1000, 0).padStart(5)} k live blocks: summing loop with the extent ${fmt(withExtent.cpu, 2)} ms, without ${fmt(before.cpu, 2)} ms → ${fmt(withExtent.cpu / before.cpu, 2)}×; the whole tick ${fmt(tick.cpu, 2)} ms (extent [${st.low}, ${st.high}))`,
    );
  }
}

export async function run(): Promise<void> {
  extentCost();
  workloadCost();
  scanCost();
  historyMemory();
  liveAtCost();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
