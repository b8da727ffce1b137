// `npm run bench`: every hot path's benchmark, each printing ratios measured
// side by side in one run (instrumented vs not, ours vs a baseline). Timings
// never gate anything: the machines are noisy. Pick some with
//   npm run bench -- tracker symbols
const all: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  tracker: () => import('./tracker'),
  rewrite: () => import('./wasm-rewrite'),
  'ev-call': () => import('./ev-call'),
  symbols: () => import('./symbols'),
  stacks: () => import('./stacks'),
  'stack-paths': () => import('./stack-paths'),
  codec: () => import('./codec'),
  'panel-store': () => import('./panel-store'),
  'page-cost': () => import('./page-cost'),
  'main-thread': () => import('./main-thread'),
  slowdown: () => import('./slowdown'),
  'site-ticks': () => import('./site-ticks'),
  'shared-log': () => import('./shared-log'),
};

const wanted = process.argv.slice(2).filter((a) => a in all);
for (const name of wanted.length ? wanted : Object.keys(all)) {
  console.log(`\n=== ${name} ===`);
  const started = performance.now();
  await (await all[name]()).run();
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
export {};
