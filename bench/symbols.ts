// Symbolization cost on the largest DWARF module we have: time to build the
// line table (and .debug_info scopes) on first lookup, and lookups/s after.
// Medians of several runs; CPU time next to wall time (shared machines).
import { readFileSync } from 'node:fs';
import { createSymbolizer } from '../src/symbols/index';
import { layout } from '../src/symbols/module';
import { buildLineTable } from '../src/symbols/line';
import { parseDebugInfo } from '../src/symbols/info';
import { time } from './timing';

const CANDIDATES = [
  'e2e/site/wasm/leak-wasi-O0.wasm',
  'e2e/site/wasm/leak-wasi-O2.wasm',
  'e2e/site/wasm/leak-wasi-dwarf5.wasm',
  'e2e/site/wasm/leak-cpp-O0.wasm',
  'e2e/site/wasm/leak-cpp-O2.wasm',
];

export async function run(): Promise<void> {
  // Largest .debug_line + .debug_info among the fixtures.
  let best = CANDIDATES[0],
    bestSize = -1;
  for (const f of CANDIDATES) {
    const c = layout(new Uint8Array(readFileSync(f))).customs;
    const size = (c.get('.debug_line')?.length ?? 0) + (c.get('.debug_info')?.length ?? 0);
    if (size > bestSize) {
      best = f;
      bestSize = size;
    }
  }
  const bytes = new Uint8Array(readFileSync(best));
  const m = layout(bytes);
  const c = m.customs;
  console.log(
    `symbols: ${best} (${(bytes.length / 1024).toFixed(0)} KB, .debug_line ${c.get('.debug_line')!.length} B, .debug_info ${c.get('.debug_info')!.length} B)`,
  );
  const lt = time(() => buildLineTable({ line: c.get('.debug_line')!, str: c.get('.debug_str'), lineStr: c.get('.debug_line_str') }));
  const rows = buildLineTable({ line: c.get('.debug_line')!, str: c.get('.debug_str'), lineStr: c.get('.debug_line_str') }).addr.length;
  console.log(`  line table (${rows} rows): ${lt.cpu.toFixed(2)} ms cpu, ${lt.wall.toFixed(2)} ms wall`);
  const it = time(() =>
    parseDebugInfo({
      info: c.get('.debug_info')!,
      abbrev: c.get('.debug_abbrev')!,
      str: c.get('.debug_str'),
      lineStr: c.get('.debug_line_str'),
      strOffsets: c.get('.debug_str_offsets'),
      addr: c.get('.debug_addr'),
      ranges: c.get('.debug_ranges'),
      rnglists: c.get('.debug_rnglists'),
    }),
  );
  console.log(`  .debug_info scopes: ${it.cpu.toFixed(2)} ms cpu, ${it.wall.toFixed(2)} ms wall`);
  const first = time(() => {
    createSymbolizer(bytes).lookup(0, m.codeStart + 100);
  });
  console.log(`  createSymbolizer + first lookup: ${first.cpu.toFixed(2)} ms cpu, ${first.wall.toFixed(2)} ms wall`);
  const s = createSymbolizer(bytes);
  const N = 200_000;
  const span = m.codeEnd - m.codeStart;
  const offs = new Uint32Array(N).map((_, i) => m.codeStart + (((i * 2654435761) >>> 0) % span));
  s.lookup(0, offs[0]);
  let hits = 0;
  const t = time(() => {
    for (let i = 0; i < N; i++) if (s.lookup(0, offs[i])?.file) hits++;
  }, 5);
  console.log(
    `  lookups: ${(N / (t.cpu / 1000) / 1e6).toFixed(2)} M/s cpu, ${(N / (t.wall / 1000) / 1e6).toFixed(2)} M/s wall (${((hits / 5 / N) * 100).toFixed(0)}% with a file)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
