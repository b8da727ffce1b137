// The first instrument() call in a fresh process: what the page pays, since
// it rewrites each module once, cold (interpreted code, no warm heap, fresh
// output memory). Run by bench/wasm-rewrite.ts, one process per figure:
//   npx tsx bench/rewrite-first-call.ts <module.wasm> [call|table] [baseline checkout root]
// Prints one JSON line: { wall, cpu } in ms.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [path, eventPath = 'call', baseline] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(path));
const lib: typeof import('../src/wasm/index') = baseline
  ? await import(pathToFileURL(`${baseline}/src/wasm/index.ts`).href)
  : await import('../src/wasm/index');
const c0 = process.cpuUsage();
const t0 = performance.now();
lib.instrument(bytes, { eventPath: eventPath as 'call' | 'table' });
const wall = performance.now() - t0;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ wall, cpu: (c.user + c.system) / 1000 }));
