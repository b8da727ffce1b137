// Cost of full stacks (a V8 stack captured and interned per allocation) next
// to call-site attribution (a stack per call site, captured once), on the
// tree workload of the seed program, in Node: instrumented ÷ original.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PageAgent } from '../src/hooks/page-agent';
import { instrument } from '../src/wasm';

type X = Record<string, (...a: number[]) => number>;

function load(bytes: Uint8Array, mode: 'orig' | 'site' | 'full'): { x: X; agent: PageAgent | null } {
  if (mode === 'orig') return { x: new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {}).exports as unknown as X, agent: null };
  const wa = Object.fromEntries(Object.getOwnPropertyNames(WebAssembly).map((k) => [k, (WebAssembly as unknown as Record<string, unknown>)[k]])) as typeof WebAssembly;
  const agent = new PageAgent(wa, { post: () => {}, now: () => performance.now(), url: 'bench', setTimer: () => 0, instrument: (b) => instrument(b) });
  agent.fullStacks = mode === 'full';
  const x = new wa.Instance(new wa.Module(bytes as BufferSource), {}).exports as unknown as X;
  agent.hooks.uninstall();
  return { x, agent };
}

export async function run(): Promise<void> {
  const bytes = new Uint8Array(readFileSync(new URL('../e2e/site/wasm/leak-wasi-O2.wasm', import.meta.url)));
  const modes = ['orig', 'site', 'full'] as const;
  const subjects = modes.map((m) => ({ m, ...load(bytes, m) }));
  for (const s of subjects) s.x._initialize();
  const times: Record<string, number[]> = { orig: [], site: [], full: [] };
  const depth = 12;
  const rounds = 2;
  for (let r = 0; r < 5; r++) {
    for (const s of subjects) {
      const t0 = performance.now();
      s.x.tree_workload(depth, rounds);
      times[s.m].push(performance.now() - t0);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const events = rounds * 2 * (2 ** (depth + 1) - 1);
  console.log(`stacks (Node, tree_workload(${depth}, ${rounds}) = ${events.toLocaleString('en-US')} events, median of 5):`);
  console.log(`  original ${med(times.orig).toFixed(1)} ms; call-site attribution ${(med(times.site) / med(times.orig)).toFixed(1)}×; full stack per allocation ${(med(times.full) / med(times.orig)).toFixed(1)}× (${((med(times.full) - med(times.orig)) * 1e6 / (events / 2)).toFixed(0)} ns per allocation)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
