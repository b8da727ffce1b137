// The command line: `wasm-leaks run scenario.js [options]`. The report goes
// to stdout (text, or JSON with --json), progress to stderr; see USAGE.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { formatReport } from '../report/leak-report';
import { renderHtmlReport } from '../report/html-report';
import { leakProfile } from '../report/pprof';
import { parseSuppressions, SuppressionError, type Suppression } from '../report/suppressions';
import { runScenario, RunError, EXIT, type RunOptions } from './run';
import { ScenarioError } from './scenario';

export const USAGE = `Usage: wasm-leaks run <scenario.js> [options]

Opens the scenario's page in headless Chromium with the WASM Leaks extension,
runs setup(page), takes Snapshot A, runs action(page) and back(page) N times
with a comparison after each, and reports the allocation sites whose live
blocks grow with the repeats (one-time allocations do not).

A scenario module exports (memlab's shape):
  url                    the page (string, or a function returning it)
  setup(page)            optional, once before Snapshot A
  action(page)           the action checked for leaks
  back(page)             optional, undoes the action
page is a Playwright Page.

Options:
  --repeat N             action + back repetitions (default 3)
  --max-leak-bytes N     fail above this many leaked bytes, all repeats (default 0)
  --suppressions FILE    LeakSanitizer-style lines: leak:<function, file or module>
  --json                 print the report as JSON instead of text
  --pprof FILE           also write the leaks as a gzipped pprof profile (.pb.gz)
  --report FILE          also write a self-contained HTML report: memory and live
                         heap per module over time, leaks by site with stacks
  --timeout MS           time allowed to each step (default 30000)
  --settle MS            wait after each step (default 200)
  --chrome PATH          Chromium to use (default: CHROME_PATH, chromium on PATH)
  --extension DIR        the built extension (default: this package's dist/)
  -h, --help

Exit codes: 0 no leak; 1 leaked bytes over the limit or a double/invalid free;
2 no WebAssembly module was instrumented (nothing checked); 3 the run failed
(URL, scenario error or timeout, Chromium, extension not built); 64 usage.`;

export interface CliArgs {
  scenario: string;
  repeat: number;
  maxLeakBytes: number;
  suppressionsFile: string | null;
  json: boolean;
  pprof: string | null;
  report: string | null;
  timeoutMs: number;
  settleMs: number;
  chromePath: string | undefined;
  extensionDir: string | undefined;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options taking an integer: the field each sets and the least value it takes. */
const NUMBER_OPTIONS = new Map<string, ['repeat' | 'maxLeakBytes' | 'timeoutMs' | 'settleMs', number]>([
  ['--repeat', ['repeat', 1]],
  ['--max-leak-bytes', ['maxLeakBytes', 0]],
  ['--timeout', ['timeoutMs', 1]],
  ['--settle', ['settleMs', 0]],
]);
/** Options taking a string (a path): the field each sets. */
const STRING_OPTIONS = new Map<string, 'suppressionsFile' | 'pprof' | 'report' | 'chromePath' | 'extensionDir'>([
  ['--suppressions', 'suppressionsFile'],
  ['--pprof', 'pprof'],
  ['--report', 'report'],
  ['--chrome', 'chromePath'],
  ['--extension', 'extensionDir'],
]);

export function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  if (argv.includes('-h') || argv.includes('--help') || argv.length === 0) return 'help';
  const [command, ...rest] = argv;
  if (command !== 'run') throw new UsageError(`unknown command "${command}" (expected: run)`);
  const args: CliArgs = {
    scenario: '',
    repeat: 3,
    maxLeakBytes: 0,
    suppressionsFile: null,
    json: false,
    pprof: null,
    report: null,
    timeoutMs: 30_000,
    settleMs: 200,
    chromePath: undefined,
    extensionDir: undefined,
  };
  const number = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isInteger(n) || n < min)
      throw new UsageError(`${flag} needs an integer >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < rest.length; i++) {
    let a = rest[i];
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = () => {
      if (inline !== undefined) return inline;
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const numberField = NUMBER_OPTIONS.get(a);
    const stringField = STRING_OPTIONS.get(a);
    if (a === '--json') args.json = true;
    else if (numberField) args[numberField[0]] = number(a, value(), numberField[1]);
    else if (stringField) args[stringField] = value();
    else {
      if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
      if (args.scenario) throw new UsageError(`one scenario at a time (got ${args.scenario} and ${a})`);
      args.scenario = a;
    }
  }
  if (!args.scenario) throw new UsageError('missing the scenario file');
  return args;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.err(`wasm-leaks: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (args === 'help') {
    io.out(`${USAGE}\n`);
    return EXIT.pass;
  }
  let suppressions: Suppression[] = [];
  if (args.suppressionsFile) {
    try {
      suppressions = parseSuppressions(readFileSync(args.suppressionsFile, 'utf8'));
    } catch (error) {
      const why =
        error instanceof SuppressionError ? error.message : `cannot read: ${error instanceof Error ? error.message : String(error)}`;
      io.err(`wasm-leaks: ${args.suppressionsFile}: ${why}\n`);
      return EXIT.usage;
    }
  }
  const options: RunOptions = {
    repeat: args.repeat,
    maxLeakBytes: args.maxLeakBytes,
    suppressions,
    timeoutMs: args.timeoutMs,
    settleMs: args.settleMs,
    chromePath: args.chromePath,
    extensionDir: args.extensionDir,
    log: (line) => io.err(`wasm-leaks: ${line}\n`),
  };
  try {
    const result = await runScenario(args.scenario, options);
    const { report } = result;
    if (args.pprof) {
      const profile = leakProfile(report, {
        time: result.startTime + result.durationMs,
        durationMs: result.durationMs,
        comments: [`url: ${result.url}`, `scenario: ${args.scenario}`],
      });
      writeFileSync(args.pprof, gzipSync(profile));
      io.err(`wasm-leaks: pprof profile written to ${args.pprof}\n`);
    }
    if (args.report) {
      const html = renderHtmlReport({
        report,
        url: result.url,
        scenario: args.scenario,
        startTime: result.startTime,
        durationMs: result.durationMs,
        exitCode: result.exitCode,
        series: result.series,
        timeline: result.timeline,
      });
      writeFileSync(args.report, html);
      io.err(`wasm-leaks: HTML report written to ${args.report}\n`);
    }
    if (args.json) io.out(`${JSON.stringify({ url: result.url, exitCode: result.exitCode, series: result.series, ...report }, null, 2)}\n`);
    else io.out(`${formatReport(report)}\n`);
    return result.exitCode;
  } catch (error) {
    if (error instanceof RunError || error instanceof ScenarioError) {
      io.err(`wasm-leaks: ${error.message}\n`);
      return EXIT.error;
    }
    io.err(`wasm-leaks: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.error;
  }
}
