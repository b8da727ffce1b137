// Rewrite throughput of src/wasm on the largest real modules we have
// (npm packages), median of several runs after warm-up: the page calls
// instrument() synchronously before compiling, so this is added page-load time.
// Side by side: binaryen.js (the usual library for this) reading and writing
// the same module, with its load time.
import { readFileSync } from 'node:fs';
import { instrument, roundTrip, parseModule } from '../src/wasm/index';
import { time } from './timing';

const MODULES = [
  'node_modules/brotli-wasm/pkg.node/brotli_wasm_bg.wasm',
  'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm',
  'node_modules/sql.js/dist/sql-wasm.wasm',
];

const RUNS = 31;

const rate = (mb: number, t: { wall: number; cpu: number }) =>
  `${(mb / (t.cpu / 1000)).toFixed(0)} MB/s cpu, ${(mb / (t.wall / 1000)).toFixed(0)} MB/s wall`;

export async function run(): Promise<void> {
  const t0 = performance.now();
  const binaryen = (await import('binaryen')).default;
  const loadMs = performance.now() - t0;
  console.log(`binaryen.js ${'132'}: import ${loadMs.toFixed(0)} ms`);
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
    // binaryen: parse + emit with the features these modules use (MVP defaults
    // reject some of them, and Features.All emits imports Node 20 refuses).
    const features =
      binaryen.Features.MVP |
      binaryen.Features.BulkMemory |
      binaryen.Features.SignExt |
      binaryen.Features.MutableGlobals |
      binaryen.Features.NontrappingFPToInt |
      binaryen.Features.Multivalue |
      binaryen.Features.ReferenceTypes |
      binaryen.Features.SIMD128;
    const tB = time(() => {
      const m = binaryen.readBinary(bytes);
      m.setFeatures(features);
      m.emitBinary();
      m.dispose();
    }, 5);
    console.log(`  binaryen.js read + emit ${rate(mb, tB)} → ours (instrument) is ${(tB.cpu / tInstr.cpu).toFixed(0)}× faster`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
