// Slowdown of malloc-heavy code under instrumentation, instrumented ÷ original,
// measured side by side in one run (median of alternating runs), for each
// event path ('call': a JS call per event; 'table': the live-block table kept
// inside wasm), in Node 20 and in Chromium (/usr/bin/chromium, headless, via
// Playwright). Events go through the real page pipeline: installHooks →
// InstanceRecord → Tracker.
//   npx tsx bench/slowdown.ts [runs]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, standardSubjects, variantsHere, VARIANTS, type Variant } from './slowdown-core';
import { median } from './timing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = ['leak-wasi-O2.wasm', 'leak-emcc-O2.wasm', 'stacks-emcc-O2.wasm'];
const GOAL = 1.25;

type Times = Record<string, Record<string, number[]>>;

function inputs() {
  const fixtures: Record<string, Uint8Array> = {};
  for (const f of FIXTURES) fixtures[f] = new Uint8Array(readFileSync(`${ROOT}e2e/site/wasm/${f}`));
  return {
    fixtures,
    glue: readFileSync(`${ROOT}node_modules/sql.js/dist/sql-wasm.js`, 'utf8'),
    sqlWasm: new Uint8Array(readFileSync(`${ROOT}node_modules/sql.js/dist/sql-wasm.wasm`)),
  };
}

async function inNode(runs: number): Promise<Times> {
  const { fixtures, glue, sqlWasm } = inputs();
  return measure(standardSubjects(fixtures, glue, sqlWasm, createRequire(import.meta.url)), variantsHere(), runs, console.log);
}

async function inChromium(runs: number): Promise<{ version: string; times: Times }> {
  const esbuild = await import('esbuild');
  const { chromium } = await import('@playwright/test');
  const built = await esbuild.build({
    entryPoints: [`${ROOT}bench/slowdown-core.ts`],
    bundle: true,
    format: 'iife',
    globalName: '__bench',
    write: false,
    target: 'es2022',
    platform: 'browser',
  });
  const { fixtures, glue, sqlWasm } = inputs();
  const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    await page.setContent('<!doctype html><title>slowdown</title>');
    await page.addScriptTag({ content: built.outputFiles[0].text });
    const args = { fx: Object.fromEntries(Object.entries(fixtures).map(([k, v]) => [k, b64(v)])), glue, sql: b64(sqlWasm), runs };
    // A string, not a function: tsx's transform would leave helper references in it.
    const times = (await page.evaluate(`__bench.runEncoded(${JSON.stringify(args)})`)) as Times;
    return { version: browser.version(), times };
  } finally {
    await browser.close();
  }
}

function table(title: string, t: Times, runs: number): string {
  const cols: Variant[] = VARIANTS.filter((v) => v !== 'orig');
  const lines = [`${title} (median of ${runs} alternating runs; instrumented ÷ original)`];
  const head = ['workload'.padEnd(52), 'orig ms'.padStart(9), ...cols.map((c) => c.padStart(10))].join(' ');
  lines.push(head, '-'.repeat(head.length));
  for (const [name, byV] of Object.entries(t)) {
    const o = median(byV.orig);
    const cells = cols.map((c) => {
      if (!byV[c]) return '—'.padStart(10);
      const r = median(byV[c]) / o;
      return `${r.toFixed(2)}×${r <= GOAL ? ' ' : '!'}`.padStart(10);
    });
    lines.push([name.padEnd(52), o.toFixed(1).padStart(9), ...cells].join(' '));
  }
  return lines.join('\n');
}

export async function run(): Promise<void> {
  const runs = Math.max(5, Number(process.argv[2]) || 7);
  console.log(`Node ${process.version}: measuring…`);
  const node = await inNode(runs);
  console.log('Chromium: measuring…');
  const chrome = await inChromium(runs);
  console.log();
  console.log(table(`Node ${process.version} (no multi-memory)`, node, runs));
  console.log();
  console.log(table(`Chromium ${chrome.version}`, chrome.times, runs));
  console.log(`
call        the shipping page side (PageAgent) with ev called per event (call_indirect), whole stacks
table       as shipped in Chromium: malloc/free-like sites keep the live-block table inside wasm (second memory,
            multi-memory); whole stacks (calling contexts kept in wasm, a V8 stack captured once per context);
            JS called on a context's first allocation, calloc/realloc/..., misuse, and to grow the table
table-site  'table' with contexts off: one stack per allocator call site (what whole stacks cost is table ÷ table-site)
'!' = above ${GOAL}×.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
