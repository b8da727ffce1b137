// Leak checks for wasm modules under test in Node: the page agent of the
// extension, hooked on this process's own `WebAssembly`, driven by the same
// commands the panel sends (snapshot, diff) and read through the same messages.
// Every module instantiated after trackWasm() is rewritten so that its
// allocations and frees report to a tracker; a check compares the blocks
// alive now with those alive at a mark and groups the new ones by allocation
// site (src/report).
import { PageAgent } from '../agent/page-agent';
import { instrument, supportsMultiMemory } from '../wasm';
import {
  BR,
  FREED_SINCE_B,
  LEAK_KIND_NAMES,
  base64ToBytes,
  decodeU32,
  blockSite,
  type ErrorMsg,
  type ModuleMsg,
  type PageToPanel,
  type PanelToPage,
  type SiteMsg,
  type SnapshotName,
  type DiffMsg,
  type LeaksMsg,
} from '../protocol';
import { formatReport, groupLeaks, makeReport, misuseErrors, type LeakReport } from '../report/leak-report';
import { toSuppressions, type Suppression } from '../report/suppressions';

export type EventPath = 'call' | 'table';

export interface TrackOptions {
  /**
   * How rewritten modules report: 'table' keeps the live-block table inside
   * wasm (needs multi-memory: Node 22+), 'call' calls into JS per event.
   * Default: 'table' where this Node validates a two-memory module, else 'call'.
   */
  eventPath?: EventPath;
  /** The namespace to hook (default: globalThis.WebAssembly). */
  webAssembly?: typeof WebAssembly;
}

export interface CheckOptions {
  /** A check fails when more bytes than this leaked (default 0). */
  maxLeakBytes?: number;
  /** LSan-style templates (`'process_data'`, `'leak.c'`, `'^f$'`) or parsed suppressions: matching stacks are counted apart. */
  suppressions?: readonly (string | Suppression)[];
  /** Fail when no module was instrumented: nothing would have been checked (default true). */
  requireInstrumented?: boolean;
  /**
   * Count only blocks that nothing in the module's static data, globals or
   * live stack points to (LeakSanitizer's view at exit: definitely, indirectly
   * and possibly lost, by a conservative scan); reachable ones are totalled
   * apart. Default false: every block still alive counts.
   */
  ignoreReachable?: boolean;
}

export interface WasmLeakTracker {
  /** Sets the mark: `check()` then reports blocks allocated after it and still alive. One mark at a time. */
  snapshot(): void;
  /**
   * Blocks allocated since the mark (`since: 'mark'`, the default; the start
   * of tracking when no mark was set) or since tracking started (`'start'`)
   * that are still alive, grouped by allocation site. Never throws for leaks:
   * see `report.ok`.
   */
  check(options?: CheckOptions & { since?: 'mark' | 'start' }): LeakReport;
  /** Every module instantiated since tracking started, as the panel lists them. */
  modules(): ModuleMsg[];
  /** Allocator misuse seen since tracking started (double free, invalid free, ...). */
  errors(): ErrorMsg[];
  /** Unhooks `WebAssembly`. Modules instantiated meanwhile keep reporting to their trackers. */
  stop(): void;
  readonly eventPath: EventPath;
  /** The agent itself, for what the API does not cover (the panel's other commands). */
  readonly agent: PageAgent;
}

/** Thrown by withLeakCheck when a check fails; `report` has the figures. */
export class WasmLeakError extends Error {
  override name = 'WasmLeakError';
  constructor(readonly report: LeakReport) {
    super(`wasm leak check failed\n${formatReport(report)}`);
  }
}

// Snapshot slots of the agent: the start of tracking, the mark, the check.
const START: SnapshotName = 'C';
const MARK: SnapshotName = 'A';
const NOW: SnapshotName = 'B';

/** One tracker per process, shared by the library, the register hook and the matcher (separate bundles). */
const ACTIVE = Symbol.for('wasm-leaks.node.tracker');
type Global = { [ACTIVE]?: NodeTracker };

class NodeTracker implements WasmLeakTracker {
  readonly agent: PageAgent;
  readonly eventPath: EventPath;
  private readonly sites = new Map<number, SiteMsg>();
  private readonly moduleMsgs = new Map<number, ModuleMsg>();
  private readonly errorMsgs: ErrorMsg[] = [];
  /** errorMsgs.length at the mark: a check since the mark reports the errors after it. */
  private errorsAtMark = 0;
  private pending: PageToPanel[] | null = null;
  private req = 0;
  private stopped = false;

  constructor(options: TrackOptions) {
    const wa = options.webAssembly ?? globalThis.WebAssembly;
    if (!wa) throw new Error('wasm-leaks: this runtime has no WebAssembly');
    const eventPath = options.eventPath ?? (supportsMultiMemory(wa) ? 'table' : 'call');
    this.eventPath = eventPath;
    this.agent = new PageAgent(wa, {
      post: (m) => this.receive(m),
      now: () => Date.now(),
      url: `node:${process.argv[1] ?? ''}`,
      instrument: (bytes) => instrument(bytes, { eventPath }),
      // The agent's flush/poll/tick timers must not keep the process alive, nor outlive stop().
      setTimer: (fn, ms) => {
        if (this.stopped) return 0;
        const t = setTimeout(() => {
          if (!this.stopped) fn();
        }, ms);
        t.unref();
        return t;
      },
    });
    this.ask({ t: 'snapshot', req: 0, name: START });
    this.ask({ t: 'snapshot', req: 0, name: MARK });
  }

  private receive(m: PageToPanel): void {
    if (m.t === 'module') this.moduleMsgs.set(m.id, m);
    else if (m.t === 'batch') {
      for (const s of m.sites) this.sites.set(s.id, s);
      for (const e of m.errors) this.errorMsgs.push(e);
    }
    if (this.pending && 'req' in m && m.req === this.req) this.pending.push(m);
  }

  /** Sends one command; its replies arrive synchronously (the agent answers inside handle()). */
  private ask(cmd: Extract<PanelToPage, { req: number }>): PageToPanel[] {
    const req = ++this.req;
    this.pending = [];
    try {
      this.agent.handle({ ...cmd, req });
      const replies = this.pending;
      const fail = replies.find((r) => r.t === 'fail');
      if (fail && fail.t === 'fail') throw new Error(`wasm-leaks: ${fail.message}`);
      return replies;
    } finally {
      this.pending = null;
    }
  }

  snapshot(): void {
    this.ask({ t: 'snapshot', req: 0, name: MARK }); // flushes: errors until now are in
    this.errorsAtMark = this.errorMsgs.length;
  }

  check(options: CheckOptions & { since?: 'mark' | 'start' } = {}): LeakReport {
    const from = options.since === 'start' ? START : MARK;
    this.ask({ t: 'snapshot', req: 0, name: NOW });
    let diffs = this.ask({ t: 'diff', req: 0, from, to: NOW, final: null }).filter((m): m is DiffMsg => m.t === 'diff');
    let reachable: { count: number; bytes: number } | undefined;
    if (options.ignoreReachable && diffs.some((d) => d.newCount > 0)) {
      const kinds = this.ask({ t: 'leaks', req: 0 }).filter((m): m is LeaksMsg => m.t === 'leaks');
      reachable = { count: 0, bytes: 0 };
      diffs = diffs.map((d) =>
        withoutReachable(
          d,
          kinds.find((k) => k.module === d.module),
          reachable!,
        ),
      );
    }
    this.agent.flush(); // stacks and errors interned since the last batch
    const suppressions = toSuppressions(options.suppressions);
    const inputs = diffs.flatMap((diff) => {
      const module = this.moduleMsgs.get(diff.module);
      return module ? [{ scope: '', module, diff }] : [];
    });
    const stacks = (_: string, id: number) => this.sites.get(id);
    const grouped = groupLeaks(inputs, stacks, suppressions);
    const errors = misuseErrors(
      this.errorMsgs.slice(from === START ? 0 : this.errorsAtMark).map((error) => ({ scope: '', error })),
      (_, id) => this.moduleMsgs.get(id),
      stacks,
    );
    return makeReport({
      sites: grouped.sites,
      suppressedSites: grouped.suppressedSites,
      suppressionsUsed: grouped.used,
      errors,
      modules: [...this.moduleMsgs.values()].map((m) => ({ name: m.name, instrumented: m.instrumented, reason: m.reason })),
      maxLeakBytes: options.maxLeakBytes ?? 0,
      requireInstrumented: options.requireInstrumented,
      noModuleHint: 'modules instantiated before trackWasm() are not seen',
      notCounted: reachable ? [{ reason: "still reachable from the module's static data, globals or stack", ...reachable }] : [],
    });
  }

  modules(): ModuleMsg[] {
    return [...this.moduleMsgs.values()];
  }

  errors(): ErrorMsg[] {
    this.agent.flush();
    return [...this.errorMsgs];
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.agent.hooks.uninstall();
    const g = globalThis as Global;
    if (g[ACTIVE] === this) delete g[ACTIVE];
  }
}

const REACHABLE = LEAK_KIND_NAMES.indexOf('reachable');

/**
 * The comparison with its reachable blocks taken out of the site groups
 * (added to `reachable`). Blocks past the diff's row limit have no kind and
 * stay counted.
 */
function withoutReachable(d: DiffMsg, leaks: LeaksMsg | undefined, reachable: { count: number; bytes: number }): DiffMsg {
  if (!leaks) return d;
  const rows = decodeU32(d.blocks);
  const kinds = base64ToBytes(leaks.kinds);
  const minus = new Map<number, { count: number; bytes: number }>();
  for (let r = 0; r < kinds.length; r++) {
    if (kinds[r] !== REACHABLE && kinds[r] !== FREED_SINCE_B) continue;
    const site = blockSite(rows, r);
    const size = rows[r * BR.width + BR.size];
    const m = minus.get(site) ?? { count: 0, bytes: 0 };
    m.count++;
    m.bytes += size;
    minus.set(site, m);
    if (kinds[r] === REACHABLE) {
      reachable.count++;
      reachable.bytes += size;
    }
  }
  let newCount = d.newCount;
  let newBytes = d.newBytes;
  const groups = d.groups.map((g) => {
    const m = minus.get(g.site);
    if (!m) return g;
    newCount -= m.count;
    newBytes -= m.bytes;
    return { ...g, newCount: g.newCount - m.count, newBytes: g.newBytes - m.bytes };
  });
  return { ...d, newCount, newBytes, groups };
}

/**
 * Hooks `WebAssembly` in this process: every module instantiated from now on
 * is instrumented. Returns the process's tracker (the same one on later calls,
 * until stop()).
 */
export function trackWasm(options: TrackOptions = {}): WasmLeakTracker {
  const g = globalThis as Global;
  const active = g[ACTIVE];
  if (active) {
    if (options.eventPath && options.eventPath !== active.eventPath) {
      throw new Error(`wasm-leaks: already tracking with the '${active.eventPath}' event path`);
    }
    return active;
  }
  const tracker = new NodeTracker(options);
  g[ACTIVE] = tracker;
  return tracker;
}

/** The process's tracker, if trackWasm() (or the register hook) started one. */
export function activeTracker(): WasmLeakTracker | null {
  return (globalThis as Global)[ACTIVE] ?? null;
}

export interface LeakCheckOptions extends CheckOptions {
  /** Throw a WasmLeakError when the check fails (default true); else return the failing report. */
  throwOnFailure?: boolean;
}

let running = false;

/**
 * Runs `fn` (sync or async) and reports the wasm blocks it allocated that are
 * still alive when it returns, grouped by allocation site. Starts tracking if
 * nothing did: modules `fn` instantiates are seen, modules instantiated before
 * tracking started are not. Calls must not overlap (one mark per process).
 */
export async function withLeakCheck(fn: () => unknown, options: LeakCheckOptions = {}): Promise<LeakReport> {
  if (running) throw new Error('wasm-leaks: withLeakCheck calls must not overlap (one mark per process)');
  running = true;
  try {
    const tracker = trackWasm();
    tracker.snapshot();
    await fn();
    const report = tracker.check(options);
    if (!report.ok && options.throwOnFailure !== false) throw new WasmLeakError(report);
    return report;
  } finally {
    running = false;
  }
}
