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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

export async function run(): Promise<void> {
  for (const path of MODULES) {
    const bytes = new Uint8Array(readFileSync(new URL(`../${path}`, import.meta.url)));
    const mb = bytes.length / 1e6;
    for (let i = 0; i < 5; i++) instrument(bytes); // warm-up (JIT)
    const tParse = time(() => parseModule(bytes), 15);
    const tRound = time(() => roundTrip(bytes), 15);
    const tInstr = time(() => instrument(bytes), 15);
    const r = instrument(bytes);
    console.log(
      `${path.split('/').pop()} ${mb.toFixed(2)} MB, ${r.sites.length} sites: ` +
        `parse ${(mb / (tParse / 1000)).toFixed(0)} MB/s, round-trip ${(mb / (tRound / 1000)).toFixed(0)} MB/s, ` +
        `instrument ${(mb / (tInstr / 1000)).toFixed(0)} MB/s (${tInstr.toFixed(1)} ms, median of 15)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
