// Rewrite throughput of src/wasm: the page calls instrument() synchronously
// before compiling, so this is added page-load time.
//
// 1. The largest real modules we have (npm packages), median of several runs
//    after warm-up, on both event paths ('table' is what Chromium pages get);
//    binaryen.js (the usual library for this) reading and writing the same
//    module, with its load time.
// 2. A generated dense module (bench/dense-module.ts): 32 MB, 3,000 functions,
//    3,000 allocator call sites and 3,000 calls between functions that reach
//    malloc (issue 15: such a module froze a page for 5.6 s).
// 3. Scaling with the number of sites at a fixed size (the 2 MB
//    module with 1k–8k sites): the time added per 1,000 sites stays flat when
//    the cost is linear in the sites, and grows when it is quadratic.
// 4. The first call in a fresh process, what the page actually pays (it
//    rewrites each module once, cold).
//
// REWRITE_BASELINE=<checkout root> also measures that checkout's rewriter,
// side by side in the same run (alternating), e.g. an older commit:
//   git worktree add /tmp/base <commit> && REWRITE_BASELINE=/tmp/base npm run bench -- rewrite
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { time, timeAlternating, median } from './timing';
import { denseModule, type DenseOptions } from './dense-module';

type Lib = typeof import('../src/wasm/index');
type Timing = { wall: number; cpu: number };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODULES = [
  'node_modules/brotli-wasm/pkg.node/brotli_wasm_bg.wasm',
  'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm',
  'node_modules/sql.js/dist/sql-wasm.wasm',
];
const DENSE: DenseOptions = { bytes: 32e6, funcs: 3000, allocSites: 3000, calls: 3000 };
const SCALING = [1000, 2000, 4000, 8000, 16000];
const GOAL_MBS = 100;

const RUNS = 31;

const mbs = (mb: number, t: Timing) => `${(mb / (t.cpu / 1000)).toFixed(0)} MB/s cpu, ${(mb / (t.wall / 1000)).toFixed(0)} MB/s wall`;
const ms = (t: Timing) => `${t.cpu.toFixed(1)} ms cpu`;
const n = (x: number) => x.toLocaleString('en-US');

/** "instrument (table)  X MB/s … (Y ms)  baseline: Z MB/s (W ms) → ours R× faster" */
function line(label: string, mb: number, ts: Timing[]): string {
  let s = `  ${label.padEnd(20)} ${mbs(mb, ts[0])}  (${ms(ts[0])})`;
  if (ts[1]) s += `   baseline ${mbs(mb, ts[1])} (${ms(ts[1])}) → ours ${(ts[1].cpu / ts[0].cpu).toFixed(1)}× faster`;
  return s;
}

/** Each library's instrument() of `bytes` on the call path, then on the table path, alternating between libraries (median of `runs`). */
function bothPaths(libs: Lib[], bytes: Uint8Array, runs: number): { call: Timing[]; table: Timing[] } {
  const call = timeAlternating(
    libs.map((lib) => () => lib.instrument(bytes)),
    runs,
  );
  const table = timeAlternating(
    libs.map((lib) => () => lib.instrument(bytes, { eventPath: 'table' })),
    runs,
  );
  return { call, table };
}

function printPaths(mb: number, paths: { call: Timing[]; table: Timing[] }): void {
  console.log(line('instrument (call)', mb, paths.call));
  console.log(line('instrument (table)', mb, paths.table));
}

function realModules(libs: Lib[]): void {
  for (const path of MODULES) {
    const bytes = new Uint8Array(readFileSync(join(ROOT, path)));
    const mb = bytes.length / 1e6;
    for (const lib of libs) for (let i = 0; i < 10; i++) lib.instrument(bytes); // warm-up (JIT)
    const ours = libs[0];
    const tParse = time(() => ours.parseModule(bytes), RUNS);
    const tRound = time(() => ours.roundTrip(bytes), RUNS);
    const paths = bothPaths(libs, bytes, RUNS);
    const r = ours.instrument(bytes);
    console.log(
      `${path.split('/').pop()} ${mb.toFixed(2)} MB, ${n(r.sites.length)} sites, ${n(r.contextSites)} context sites (median of ${RUNS}):`,
    );
    console.log(`  ${'parse'.padEnd(20)} ${mbs(mb, tParse)}`);
    console.log(`  ${'round-trip'.padEnd(20)} ${mbs(mb, tRound)}`);
    printPaths(mb, paths);
    binaryenVsOurs(bytes, mb, paths.call[0]);
  }
}

let binaryen: typeof import('binaryen').default | null = null;
function binaryenVsOurs(bytes: Uint8Array, mb: number, ours: Timing): void {
  if (!binaryen) return;
  // binaryen: parse + emit with the features these modules use (MVP defaults
  // reject some of them, and Features.All emits imports Node 20 refuses).
  const b = binaryen;
  const features =
    b.Features.MVP |
    b.Features.BulkMemory |
    b.Features.SignExt |
    b.Features.MutableGlobals |
    b.Features.NontrappingFPToInt |
    b.Features.Multivalue |
    b.Features.ReferenceTypes |
    b.Features.SIMD128;
  const tB = time(() => {
    const m = b.readBinary(bytes);
    m.setFeatures(features);
    m.emitBinary();
    m.dispose();
  }, 5);
  console.log(`  ${'binaryen.js'.padEnd(20)} read + emit ${mbs(mb, tB)} → ours (instrument) is ${(tB.cpu / ours.cpu).toFixed(0)}× faster`);
}

function dense(libs: Lib[]): Uint8Array {
  const t0 = performance.now();
  const bytes = denseModule(DENSE);
  const genMs = performance.now() - t0;
  const mb = bytes.length / 1e6;
  const ours = libs[0];
  const r = ours.instrument(bytes);
  console.log(
    `dense module ${mb.toFixed(2)} MB: ${n(DENSE.funcs)} functions, ${n(r.sites.length)} allocator sites, ` +
      `${n(r.contextSites)} context sites (generated in ${genMs.toFixed(0)} ms; valid: ${WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)}, ` +
      `rewritten (call path) valid: ${WebAssembly.validate(r.bytes as Uint8Array<ArrayBuffer>)})`,
  );
  const runs = 7;
  for (const lib of libs) for (let i = 0; i < 2; i++) lib.instrument(bytes);
  const tParse = time(() => ours.parseModule(bytes), runs);
  const paths = bothPaths(libs, bytes, runs);
  console.log(`  (median of ${runs}; goal ≥ ${GOAL_MBS} MB/s)`);
  console.log(`  ${'parse'.padEnd(20)} ${mbs(mb, tParse)}`);
  printPaths(mb, paths);
  return bytes;
}

function scaling(libs: Lib[]): void {
  const size = 2e6;
  const funcs = 500;
  console.log(
    `scaling: a ${size / 1e6} MB module, ${funcs} functions, N malloc/free call sites + N calls between functions (median of 7, cpu)`,
  );
  const head = `  ${'N'.padStart(7)}  ${'ours ms'.padStart(9)}  ${'ms per 1k added'.padStart(15)}`;
  console.log(libs.length > 1 ? `${head}  ${'baseline ms'.padStart(11)}  ${'ms per 1k added'.padStart(15)}` : head);
  const prev: number[] = libs.map(() => -1);
  for (let i = 0; i < SCALING.length; i++) {
    const sites = SCALING[i];
    const bytes = denseModule({ bytes: size, funcs, allocSites: sites, calls: sites });
    for (const lib of libs) for (let k = 0; k < 3; k++) lib.instrument(bytes);
    const ts = timeAlternating(
      libs.map((lib) => () => lib.instrument(bytes)),
      7,
    );
    let row = `  ${n(sites).padStart(7)}`;
    ts.forEach((t, k) => {
      const per = prev[k] < 0 ? '' : ((t.cpu - prev[k]) / ((sites - SCALING[i - 1]) / 1000)).toFixed(1);
      row += `  ${t.cpu.toFixed(1).padStart(k === 0 ? 9 : 11)}  ${per.padStart(15)}`;
      prev[k] = t.cpu;
    });
    console.log(row);
  }
  console.log(
    '  (past ≈16,384 functions + wrappers, a wrapper index needs a 3-byte LEB where the call had 2: each such call site is then\n' +
      '   spliced instead of patched in place, a fixed extra cost per site: the added cost per site steps up once, then stays flat)',
  );
}

/** First instrument() call in fresh processes (median of 3), 'table' path: what a Chromium page pays. */
function firstCalls(denseBytes: Uint8Array, baseline: string | undefined): void {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-bench-'));
  try {
    const densePath = join(dir, 'dense.wasm');
    writeFileSync(densePath, denseBytes);
    const cases: [string, string][] = [...MODULES.map((p): [string, string] => [p.split('/').pop()!, join(ROOT, p)]), ['dense', densePath]];
    console.log(`first call in a fresh process ('table' path, median of 3 processes, cpu):`);
    for (const [name, path] of cases) {
      const mb = readFileSync(path).length / 1e6;
      const one = (base?: string): Timing => {
        const runs: Timing[] = [];
        for (let i = 0; i < 3; i++) {
          const args = ['--import', 'tsx', join(ROOT, 'bench/rewrite-first-call.ts'), path, 'table'];
          if (base) args.push(base);
          runs.push(JSON.parse(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!));
        }
        return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
      };
      const ts = [one()];
      if (baseline) ts.push(one(baseline));
      console.log(line(name, mb, ts));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const ours: Lib = await import('../src/wasm/index');
  const baseRoot = process.env.REWRITE_BASELINE;
  const libs: Lib[] = [ours];
  if (baseRoot) {
    libs.push(await import(pathToFileURL(join(baseRoot, 'src/wasm/index.ts')).href));
    console.log(`baseline: the rewriter of ${baseRoot}, measured alternately with ours`);
  }
  const t0 = performance.now();
  binaryen = (await import('binaryen')).default;
  console.log(`binaryen.js ${'132'}: import ${(performance.now() - t0).toFixed(0)} ms`);
  realModules(libs);
  const denseBytes = dense(libs);
  scaling(libs);
  firstCalls(denseBytes, baseRoot);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
