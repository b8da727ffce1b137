// node --import wasm-leaks/register ./test.js
// Tracks a whole script: every wasm module it instantiates is instrumented.
// At exit, as LeakSanitizer does, the blocks still alive that nothing in the
// module's static data, globals or live stack points to (a conservative scan:
// what JS held and dropped without freeing, not a module's own statics) are
// printed by allocation site on stderr, and the exit code becomes 1 when they
// exceed the limit, the allocator was misused or no module was instrumented
// (a script's own non-zero code is kept).
// Environment: WASM_LEAKS_MAX_LEAK_BYTES (default 0), WASM_LEAKS_SUPPRESSIONS
// (a file of `leak:<function, file or module>` lines), WASM_LEAKS_REACHABLE=1
// (count reachable blocks too), WASM_LEAKS_JSON (write the report there as
// JSON), WASM_LEAKS_QUIET=1 (print only on failure).
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { trackWasm } from './track';
import { formatReport } from '../report/leak-report';
import { parseSuppressions } from '../report/suppressions';

function fail(message: string): never {
  process.stderr.write(`wasm-leaks: ${message}\n`);
  process.exit(2);
}

const env = process.env;
const maxLeakBytes = env.WASM_LEAKS_MAX_LEAK_BYTES ? Number(env.WASM_LEAKS_MAX_LEAK_BYTES) : 0;
if (!(maxLeakBytes >= 0)) fail(`WASM_LEAKS_MAX_LEAK_BYTES must be a number of bytes >= 0, got "${env.WASM_LEAKS_MAX_LEAK_BYTES}"`);
let suppressions: ReturnType<typeof parseSuppressions> = [];
if (env.WASM_LEAKS_SUPPRESSIONS) {
  try {
    suppressions = parseSuppressions(readFileSync(env.WASM_LEAKS_SUPPRESSIONS, 'utf8'));
  } catch (error) {
    fail(`suppressions ${env.WASM_LEAKS_SUPPRESSIONS}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const tracker = trackWasm();

process.on('exit', (code) => {
  const report = tracker.check({ since: 'start', maxLeakBytes, suppressions, ignoreReachable: env.WASM_LEAKS_REACHABLE !== '1' });
  if (env.WASM_LEAKS_JSON) writeFileSync(env.WASM_LEAKS_JSON, JSON.stringify(report, null, 2));
  // Synchronously: the process ends with this listener, an async stream write could be cut.
  if (!report.ok || env.WASM_LEAKS_QUIET !== '1')
    writeSync(2, `\n== wasm-leaks (${process.argv[1] ?? 'script'}) ==\n${formatReport(report)}\n`);
  if (!report.ok && code === 0) process.exitCode = 1;
});
