// Cost of allocation stacks, in Node (call path), instrumented ÷ original:
// site = one stack per allocator call site (contexts off), whole = whole
// stacks as shipped (a calling context kept in wasm, a V8 stack captured once
// per context), full = a V8 stack captured per allocation (the toolbar's
// "JS stack per allocation"). Also the memory an interned stack costs the page.
// Chromium figures for the shipping table path: bench/slowdown.ts.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PageAgent } from '../src/agent/page-agent';
import { loadExports } from './agent-load';
import { median } from './timing';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type X = Record<string, (...a: number[]) => number>;
type Mode = 'orig' | 'site' | 'whole' | 'full';
const MODES: Mode[] = ['orig', 'site', 'whole', 'full'];

function load(bytes: Uint8Array, mode: Mode): { x: X; agent: PageAgent | null } {
  return loadExports(bytes, mode === 'orig' ? null : { contexts: mode !== 'site', fullStacks: mode === 'full' });
}

function measure(file: string, label: string, work: (x: X) => void, allocations: number): string {
  const bytes = new Uint8Array(readFileSync(new URL(`../e2e/site/wasm/${file}`, import.meta.url)));
  const subjects = MODES.map((m) => ({ m, ...load(bytes, m) }));
  for (const s of subjects) {
    s.x._initialize?.();
    s.x.__wasm_call_ctors?.();
    work(s.x); // warm-up: tier-up, first-sight stacks
  }
  const times: Record<string, number[]> = { orig: [], site: [], whole: [], full: [] };
  for (let r = 0; r < 7; r++) {
    for (let k = 0; k < subjects.length; k++) {
      const s = subjects[(k + r) % subjects.length];
      const t0 = performance.now();
      work(s.x);
      times[s.m].push(performance.now() - t0);
    }
  }
  const o = median(times.orig);
  const ratio = (m: Mode) => `${(median(times[m]) / o).toFixed(2)}×`;
  const perAlloc = ((median(times.full) - o) * 1e6) / allocations;
  return `  ${label}: original ${o.toFixed(1)} ms; call-site stacks ${ratio('site')}; whole stacks ${ratio('whole')}; a V8 stack per allocation ${ratio('full')} (${perAlloc.toFixed(0)} ns per allocation)`;
}

/**
 * Heap bytes per interned stack: leak_all(1) called from JS at 1,000
 * different JS recursion depths with a V8 stack per allocation, so each of
 * its 4 allocations per call interns a new stack (up to 68 frames: 64 kept).
 */
function memoryPerStack(): string {
  const bytes = new Uint8Array(readFileSync(new URL('../e2e/site/wasm/stacks-wasi-O2.wasm', import.meta.url)));
  const { x, agent } = load(bytes, 'full');
  x._initialize();
  const sites = (agent as unknown as { sites: { snapshot(): unknown[] } }).sites;
  const at = (d: number): void => (d === 0 ? void x.leak_all(1) : at(d - 1));
  at(0);
  gc();
  const before = process.memoryUsage().heapUsed;
  const n0 = sites.snapshot().length;
  for (let d = 1; d <= 1000; d++) at(d);
  gc();
  const used = process.memoryUsage().heapUsed - before;
  const n = sites.snapshot().length - n0;
  return `  memory: ${n.toLocaleString('en-US')} stacks interned (≤ 64 frames each): ≈${Math.round(used / n).toLocaleString('en-US')} B of page heap per stack (frames, V8 text key, site entry); per block 0 B more than call-site stacks (a 4-byte stack id in its 20-byte record either way)`;
}

export async function run(): Promise<void> {
  console.log('stacks (Node, call path, median of 7 alternating runs, instrumented ÷ original):');
  const depth = 12,
    rounds = 2;
  console.log(
    measure(
      'leak-wasi-O2.wasm',
      `C tree_workload(${depth}, ${rounds})`,
      (x) => x.tree_workload(depth, rounds),
      rounds * (2 ** (depth + 1) - 1),
    ),
  );
  console.log(
    measure(
      'stacks-wasi-O2.wasm',
      'C++ run_cpp_churn_workload(2000) (operator new, new[])',
      (x) => x.run_cpp_churn_workload(2000),
      4 * 2 * 2000,
    ),
  );
  console.log(memoryPerStack());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
