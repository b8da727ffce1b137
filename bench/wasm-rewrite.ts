// Rewrite throughput of src/wasm on the largest real modules we have
// (npm packages), median of several runs after warm-up: the page calls
// instrument() synchronously before compiling, so this is added page-load time.
import { readFileSync } from 'node:fs';
import { instrument, roundTrip, parseModule } from '../src/wasm/index';

const MODULES = [
  'node_modules/brotli-wasm/pkg.node/brotli_wasm_bg.wasm',
  'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm',
  'node_modules/sql.js/dist/sql-wasm.wasm',
];

const RUNS = 31;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Median wall time and median CPU time (ms) of `runs` runs. The machines this
 * runs on are shared: CPU time is the figure that does not move with load.
 */
function time(fn: () => void, runs: number): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const rate = (mb: number, t: { wall: number; cpu: number }) =>
  `${(mb / (t.cpu / 1000)).toFixed(0)} MB/s cpu, ${(mb / (t.wall / 1000)).toFixed(0)} MB/s wall`;

export async function run(): Promise<void> {
  for (const path of MODULES) {
    const bytes = new Uint8Array(readFileSync(new URL(`../${path}`, import.meta.url)));
    const mb = bytes.length / 1e6;
    for (let i = 0; i < 10; i++) instrument(bytes); // warm-up (JIT)
    const tParse = time(() => parseModule(bytes), RUNS);
    const tRound = time(() => roundTrip(bytes), RUNS);
    const tInstr = time(() => instrument(bytes), RUNS);
    const r = instrument(bytes);
    console.log(`${path.split('/').pop()} ${mb.toFixed(2)} MB, ${r.sites.length} sites (median of ${RUNS}):`);
    console.log(`  parse       ${rate(mb, tParse)}`);
    console.log(`  round-trip  ${rate(mb, tRound)}`);
    console.log(`  instrument  ${rate(mb, tInstr)}  (${tInstr.cpu.toFixed(1)} ms cpu)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
