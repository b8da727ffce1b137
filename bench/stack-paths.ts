// First sight of many distinct allocation paths (the shape of wasm-vips'
// first resize: ≈12,000 distinct wasm stacks sharing their outer frames).
// e2e/site/wasm/paths-wasi-O2.wasm (e2e/fixtures/src/paths.c) allocates once
// on each of 4,096 paths, 34 frames deep, sharing 20 outer frames (a V8
// capture of 68 lines: the rewriter's context wrappers are the other 34); each
// path's context is new, so each allocation captures, parses, maps,
// symbolizes (DWARF) and interns its V8 stack. Side by side, a fresh page
// agent per run:
//   original      the module not instrumented
//   capture only  instrumented, the stack text captured and dropped (the floor)
//   before        the stack interned as before this bench (every line parsed,
//                 mapped and symbolized, a Map keyed by the whole text)
//   now           InstanceRecord.stackId as shipped
// and checks that before and now intern the same sites, in the same order.
// Also the page heap each keeps per stack (its caches, the interned sites).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PageAgent } from '../src/agent/page-agent';
import type { InstanceRecord } from '../src/agent/instance-record';
import { captureStackText, parseStack } from '../src/agent/stack';
import { loadExports } from './agent-load';
import type { SiteTable } from '../src/agent/site-table';
import { LIMITS } from '../src/protocol/version';
import { median } from './timing';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sitesOf = (agent: PageAgent): SiteTable => (agent as unknown as { sites: SiteTable }).sites;

type X = Record<string, (...a: number[]) => number>;
type Mode = 'original' | 'capture only' | 'before' | 'now';
const MODES: Mode[] = ['original', 'capture only', 'before', 'now'];
const PATHS = 4096;

/** InstanceRecord.stackId before this bench, kept to compare (no unresolved frames here: no retries). */
function stackIdBefore(rec: InstanceRecord, sites: SiteTable): (below: Function, frames: number) => number {
  const known = new Map<string, number>();
  return (below, frames) => {
    const text = captureStackText(below, frames);
    let id = known.get(text);
    if (id === undefined) {
      const raw = parseStack(text, frames);
      rec.script ??= raw.find((f) => f.func >= 0)?.file ?? null;
      id = sites.intern(rec.id, rec.originalFrames(raw, LIMITS.maxFrames, null), rec.threadLabel);
      if (known.size < LIMITS.maxSites) known.set(text, id);
    }
    return id;
  };
}

function load(bytes: Uint8Array, mode: Mode): { x: X; agent: PageAgent | null } {
  const { x, agent } = loadExports(bytes, mode === 'original' ? null : { contexts: true });
  if (!agent) return { x, agent };
  const rec = (agent as unknown as { allRows: { rec: InstanceRecord }[] }).allRows[0].rec;
  if (mode === 'capture only')
    rec.stackId = (below, frames) => {
      captureStackText(below, frames);
      return 0;
    };
  else if (mode === 'before') rec.stackId = stackIdBefore(rec, sitesOf(agent));
  return { x, agent };
}

export async function run(): Promise<void> {
  // tsx maps every stack through source maps (a JS prepareStackTrace): a
  // browser formats V8's text natively, so measure that.
  const prepare = Error.prepareStackTrace;
  const maps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
  try {
    measure();
  } finally {
    Error.prepareStackTrace = prepare;
    process.setSourceMapsEnabled(maps);
  }
}

function measure(): void {
  const bytes = new Uint8Array(readFileSync(new URL('../e2e/site/wasm/paths-wasi-O2.wasm', import.meta.url)));
  const times: Record<Mode, number[]> = { original: [], 'capture only': [], before: [], now: [] };
  const runs = 7;
  let checked = '';
  const kept: Partial<Record<Mode, number>> = {};
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(k + r) % MODES.length];
      const s = load(bytes, mode);
      s.x._initialize?.();
      const weigh = r === 0 && (mode === 'before' || mode === 'now');
      if (weigh) gc();
      const heap = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const made = s.x.walk_paths(PATHS);
      times[mode].push(performance.now() - t0);
      if (weigh) {
        gc();
        kept[mode] = process.memoryUsage().heapUsed - heap;
      }
      if (made !== PATHS) throw new Error(`${mode}: ${made} allocations, expected ${PATHS}`);
      if (r === 0 && (mode === 'before' || mode === 'now')) {
        const sites = JSON.stringify(sitesOf(s.agent!).snapshot());
        if (checked && checked !== sites) throw new Error('before and now interned different sites');
        checked = sites;
      }
    }
  }
  const m = (mode: Mode) => median(times[mode]);
  const o = m('original');
  const per = (mode: Mode) => `${(((m(mode) - o) * 1000) / PATHS).toFixed(1)} µs per stack`;
  console.log(
    `stack paths (Node, walk_paths(${PATHS}): ${PATHS} distinct wasm stacks of 34 frames on first sight, median of ${runs} alternating runs, fresh agent each):`,
  );
  console.log(`  original ${o.toFixed(1)} ms; capture only ${m('capture only').toFixed(0)} ms (${per('capture only')})`);
  console.log(`  before ${m('before').toFixed(0)} ms (${per('before')}); now ${m('now').toFixed(0)} ms (${per('now')})`);
  const beyond = (mode: Mode) => m(mode) - m('capture only');
  console.log(
    `  past the capture: before ${beyond('before').toFixed(0)} ms, now ${beyond('now').toFixed(0)} ms: now ÷ before ${(beyond('now') / beyond('before')).toFixed(2)}×; whole first sight now ÷ before ${(m('now') / m('before')).toFixed(2)}× (same sites, same order: checked)`,
  );
  const b = (mode: Mode) => Math.round((kept[mode] ?? 0) / PATHS).toLocaleString('en-US');
  console.log(`  page heap kept per stack: before ≈${b('before')} B, now ≈${b('now')} B (caches, interned sites, the tracker's block)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
