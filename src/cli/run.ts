// `wasm-leaks run scenario.js`: the scenario's page in headless Chromium with
// the built extension, the panel page opened as a tab on it (as the e2e
// harness does), and the page agent driven through a port of that panel page
// with the panel's own commands: Snapshot A after setup, then action + back
// repeated N times with a Snapshot B and a comparison A -> B after each.
// Sites whose new blocks grow after the first repeat are the leaks (one-time
// caches and buffers replaced at each repeat do not grow); they are reported
// with their stacks, counts and bytes.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parsePageMsg,
  PROTOCOL_VERSION,
  type DiffMsg,
  type ErrorMsg,
  type ModuleMsg,
  type PageToPanel,
  type PanelToPage,
  type SiteMsg,
  type SnapshotMsg,
  type SnapshotName,
} from '../protocol';
import {
  groupLeaks,
  makeReport,
  misuseErrors,
  suppressionUse,
  bytes,
  count,
  plural,
  type LeakReport,
  type LeakSite,
  type ModuleDiff,
  type NotCounted,
} from '../report/leak-report';
import type { Suppression } from '../report/suppressions';
import { TimelineBuilder, type Timeline } from '../report/timeline';
import { decodeF64 } from '../protocol/base64';
import { loadScenario, scenarioUrl, ScenarioError, type Scenario } from './scenario';

export interface RunOptions {
  /** Times action + back run between Snapshot A and the last Snapshot B (default 3). */
  repeat?: number;
  /** Fail when more bytes than this leaked at growing sites, over all repeats (default 0). */
  maxLeakBytes?: number;
  suppressions?: readonly Suppression[];
  /** Chromium to run (default: CHROME_PATH, then chromium on PATH, then the usual paths). */
  chromePath?: string;
  /** The built extension (default: WASM_LEAKS_EXTENSION, else the package's dist/). */
  extensionDir?: string;
  /** Time allowed to each step: loading the URL, setup, each action and back, each snapshot (default 30 s). */
  timeoutMs?: number;
  /** Wait after each step for the page's own timers and fetches (default 200 ms; network idle is awaited too, up to 2 s). */
  settleMs?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface RunResult {
  report: LeakReport;
  /** 0 pass, 1 leaks over the limit or allocator misuse, 2 nothing instrumented. */
  exitCode: 0 | 1 | 2;
  url: string;
  startTime: number;
  durationMs: number;
  /** Per repeat, blocks and bytes alive since Snapshot A (all sites, suppressed or not). */
  series: { count: number; bytes: number }[];
  /** Memory and live heap per module over the run, and when the snapshots were taken (the HTML report's charts). */
  timeline: Timeline;
}

/** The run could not complete (no Chromium, extension not built, URL failed, scenario threw or timed out): exit code 3. */
export class RunError extends Error {
  override name = 'RunError';
}

export const EXIT = { pass: 0, leak: 1, nothingChecked: 2, error: 3, usage: 64 } as const;

const here = dirname(fileURLToPath(import.meta.url));

/** The built extension: the package's dist/, beside this bundle's lib/ (or, run from the sources, src/cli/'s ../../dist). */
export function findExtension(dir?: string): string {
  const candidates = dir
    ? [resolve(dir)]
    : process.env.WASM_LEAKS_EXTENSION
      ? [resolve(process.env.WASM_LEAKS_EXTENSION)]
      : [resolve(here, '../dist'), resolve(here, '../../dist')];
  for (const c of candidates) {
    if (existsSync(join(c, 'manifest.json')) && existsSync(join(c, 'extension/panel/index.html'))) return c;
  }
  throw new RunError(
    `the extension is not built (no manifest.json and extension/panel/index.html in ${candidates.join(' or ')}): run \`npm run build\``,
  );
}

/** CHROME_PATH, else chromium (or chromium-browser, google-chrome) on PATH, else the usual install paths. */
export function findChrome(explicit?: string): string {
  const fromEnv = explicit ?? process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new RunError(`Chromium not found at ${fromEnv} (${explicit ? '--chrome' : 'CHROME_PATH'})`);
    return fromEnv;
  }
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const n of names) {
      const p = join(dir, n);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        /* not there */
      }
    }
  }
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(p)) return p;
  throw new RunError('no Chromium found: set CHROME_PATH or put chromium on PATH');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function step<T>(what: string, ms: number, run: () => Promise<T> | T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RunError(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A frame's current document as the agent in it reports (a new `hello.start` = a new document). */
interface Doc {
  frame: number;
  scope: string;
  modules: Map<number, ModuleMsg>;
  sites: Map<number, SiteMsg>;
}

/**
 * Runs in the panel page: a port of our own to the service worker, named like
 * the panel's, and a queue the CLI drains. Source text, not a function: a
 * transpiler's helpers (esbuild's __name) would not exist in the page.
 */
const COLLECTOR = `(tabId) => {
  const state = { queue: [], port: null, send(m) { if (state.port) state.port.postMessage({ to: 'page', msg: m }); } };
  window.__wasmLeaks = state;
  const open = () => {
    const port = chrome.runtime.connect({ name: 'panel:' + tabId });
    port.onMessage.addListener((env) => {
      // The CLI reads site groups and the timeline's samples, not block rows: leave them here.
      if (env && env.msg && env.msg.t === 'diff') env = { frame: env.frame, msg: { ...env.msg, blocks: '' } };
      state.queue.push(env);
    });
    port.onDisconnect.addListener(() => {
      state.port = null;
      state.queue.push({ frame: -1, msg: { t: 'disconnected' } });
      setTimeout(open, 100);
    });
    state.port = port;
  };
  open();
}`;

class PageLink {
  private docs = new Map<number, Doc>();
  /** Every module and misuse error seen, by scope. */
  readonly modules = new Map<string, ModuleMsg>();
  readonly errors: { scope: string; error: ErrorMsg }[] = [];
  private replies = new Map<number, { doc: Doc; msg: PageToPanel }[]>();
  private req = 0;
  warnings: string[] = [];
  readonly timeline = new TimelineBuilder();

  constructor(
    private readonly panel: Page,
    private readonly log: (s: string) => void,
  ) {}

  async drain(): Promise<void> {
    const batch = (await this.panel.evaluate('window.__wasmLeaks.queue.splice(0)')) as { frame: number; msg: unknown }[];
    for (const env of batch) {
      if (env.frame === -1) {
        // The service worker restarted: ask every frame to resync (modules and stacks again).
        this.send({ t: 'hello', v: PROTOCOL_VERSION });
        continue;
      }
      let msg: PageToPanel;
      try {
        msg = parsePageMsg(env.msg);
      } catch (error) {
        this.warnings.push(`ignored an invalid page message: ${message(error)}`);
        continue;
      }
      this.receive(env.frame, msg);
    }
  }

  private receive(frame: number, msg: PageToPanel): void {
    const doc = this.docs.get(frame);
    if (msg.t === 'hello') {
      const scope = `${frame}@${msg.start}`;
      if (!doc || doc.scope !== scope) this.docs.set(frame, { frame, scope, modules: new Map(), sites: new Map() });
      return;
    }
    if (!doc) return; // the agent always says hello first
    if (msg.t === 'module') {
      if (!doc.modules.has(msg.id))
        this.log(`module ${msg.name}: ${msg.instrumented ? 'instrumented' : `not instrumented (${msg.reason})`}`);
      doc.modules.set(msg.id, msg);
      this.modules.set(`${doc.scope}|${msg.id}`, msg);
      this.timeline.update(doc.scope, msg.id, msg.name, msg.instrumented);
    } else if (msg.t === 'batch') {
      if (msg.samples) {
        let rows: Float64Array | null = null;
        try {
          rows = decodeF64(msg.samples);
        } catch (error) {
          this.warnings.push(`ignored a batch's samples: ${message(error)}`);
        }
        if (rows) {
          this.timeline.addRows(doc.scope, rows, (id) => {
            const m = doc.modules.get(id);
            return m && { name: m.name, instrumented: m.instrumented };
          });
        }
      }
      for (const s of msg.sites) doc.sites.set(s.id, s);
      for (const e of msg.errors) this.errors.push({ scope: doc.scope, error: e });
    } else if ('req' in msg) {
      this.replies.get(msg.req)?.push({ doc, msg });
    }
  }

  send(msg: PanelToPage): void {
    void this.panel.evaluate(`window.__wasmLeaks.send(${JSON.stringify(msg)})`);
  }

  /** Frames whose current document has a module. */
  get wasmDocs(): Doc[] {
    return [...this.docs.values()].filter((d) => d.modules.size > 0);
  }

  stack(scope: string, id: number): SiteMsg | undefined {
    for (const d of this.docs.values()) if (d.scope === scope) return d.sites.get(id);
    return undefined;
  }

  /** Sends a command to every frame and waits until `done` says the replies are complete. */
  async ask(
    cmd: Extract<PanelToPage, { req: number }>,
    done: (got: { doc: Doc; msg: PageToPanel }[]) => boolean,
    what: string,
    ms: number,
  ) {
    const req = ++this.req;
    const got: { doc: Doc; msg: PageToPanel }[] = [];
    this.replies.set(req, got);
    this.send({ ...cmd, req } as PanelToPage);
    const until = Date.now() + ms;
    try {
      for (;;) {
        await this.drain();
        const fail = got.find((g) => g.msg.t === 'fail');
        if (fail && fail.msg.t === 'fail') throw new RunError(`${what}: the page answered: ${fail.msg.message}`);
        if (done(got)) return got;
        if (Date.now() > until) throw new RunError(`${what} timed out after ${ms} ms (the page agent did not answer)`);
        await sleep(25);
      }
    } finally {
      this.replies.delete(req);
    }
  }

  /** Snapshot `name` in every frame with a module; the module ids each frame listed. */
  async snapshot(name: SnapshotName, ms: number): Promise<Map<string, SnapshotMsg>> {
    const docs = this.wasmDocs;
    const got = await this.ask(
      { t: 'snapshot', req: 0, name },
      (g) => docs.every((d) => g.some((x) => x.doc === d && x.msg.t === 'snapshot')),
      `Snapshot ${name}`,
      ms,
    );
    const out = new Map<string, SnapshotMsg>();
    for (const g of got) if (g.msg.t === 'snapshot') out.set(g.doc.scope, g.msg);
    return out;
  }

  /** Marks a snapshot on the timeline at the page's time for it (the first frame's answer), else now. */
  markSnapshot(label: string, at: Map<string, SnapshotMsg>): void {
    const first = at.values().next().value;
    this.timeline.mark(label, first ? first.time : Date.now());
  }

  /** The comparison from -> to of every module listed at `to`. */
  async diff(from: SnapshotName, to: SnapshotName, at: Map<string, SnapshotMsg>, ms: number): Promise<ModuleDiff[]> {
    const expected = [...at.values()].reduce((n, s) => n + s.modules.length, 0);
    const got = await this.ask(
      { t: 'diff', req: 0, from, to, final: null },
      (g) => g.filter((x) => x.msg.t === 'diff').length >= expected,
      `Comparison ${from} -> ${to}`,
      ms,
    );
    const out: ModuleDiff[] = [];
    for (const g of got) {
      if (g.msg.t !== 'diff') continue;
      const module = g.doc.modules.get(g.msg.module);
      if (module) out.push({ scope: g.doc.scope, module, diff: g.msg as DiffMsg });
    }
    return out;
  }
}

interface Totals {
  count: number;
  bytes: number;
}

/** Per site key: blocks alive since A at the first and the last repeat. */
function byKey(sites: LeakSite[]): Map<string, LeakSite> {
  return new Map(sites.map((s) => [s.key, s]));
}

/**
 * Runs a scenario (an object, or the path of a scenario file) and returns the
 * report. Throws RunError / ScenarioError when the run cannot complete.
 */
export async function runScenario(scenario: Scenario | string, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`wasm-leaks: ${line}\n`));
  const repeat = options.repeat ?? 3;
  if (!Number.isInteger(repeat) || repeat < 1) throw new RunError(`repeat must be an integer >= 1, got ${repeat}`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const settleMs = options.settleMs ?? 200;
  const maxLeakBytes = options.maxLeakBytes ?? 0;
  const s = typeof scenario === 'string' ? await loadScenario(scenario) : scenario;
  const url = await scenarioUrl(s);
  const extension = findExtension(options.extensionDir);
  const chrome = findChrome(options.chromePath);
  const startTime = Date.now();

  log(`Chromium ${chrome}, extension ${extension}`);
  const profile = mkdtempSync(join(tmpdir(), 'wasm-leaks-run-'));
  let context: BrowserContext | null = null;
  try {
    // Playwright's own launch timeout (not a race): a launch given up on would leave its Chromium running.
    context = await chromium
      .launchPersistentContext(profile, {
        executablePath: chrome,
        headless: true,
        timeout: Math.max(timeoutMs, 60_000),
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--disable-extensions-except=${extension}`,
          `--load-extension=${extension}`,
        ],
        viewport: { width: 1280, height: 800 },
      })
      .catch((error) => {
        throw new RunError(`cannot launch Chromium (${chrome}): ${message(error).split('\n')[0]}`);
      });
    const ctx = context;
    ctx.setDefaultTimeout(timeoutMs);
    ctx.setDefaultNavigationTimeout(timeoutMs);
    const worker =
      ctx.serviceWorkers()[0] ??
      (await ctx.waitForEvent('serviceworker', { timeout: Math.max(timeoutMs, 60_000) }).catch(() => {
        throw new RunError(`the extension in ${extension} did not start (no service worker): is it a build of this package?`);
      }));
    const extensionId = new URL(worker.url()).host;
    // Builds that are dormant until asked (no content script in the manifest)
    // record a site through the worker, as the panel's "Record this site on
    // every load" does; in this throw-away profile, for this run only.
    const origin = new URL(url).origin;
    const recording = (await worker
      .evaluate(
        `(async (o) => { const w = globalThis.wasmLeaks; if (!w || typeof w.setSiteRecorded !== 'function') return 'always'; await w.setSiteRecorded(o, true); return 'site'; })(${JSON.stringify(origin)})`,
      )
      .catch((error) => {
        throw new RunError(`cannot record ${origin}: ${message(error).split('\n')[0]}`);
      })) as string;
    if (recording === 'site') log(`recording ${origin}`);

    // The page's tab first (blank), our port on its id, then the URL: every message from the first module on is seen.
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => {
      pageErrors.push(e.message);
      log(`page error: ${e.message}`);
    });
    let crashed = false;
    page.on('crash', () => {
      crashed = true;
    });
    await page.bringToFront();
    const tabId = (await worker.evaluate(
      'chrome.tabs.query({ active: true }).then((t) => (t.length === 1 && t[0].id !== undefined ? t[0].id : -1))',
    )) as number;
    if (tabId < 0) throw new RunError('cannot find the tab id of the page');
    const panel = await ctx.newPage();
    await panel.goto(`chrome-extension://${extensionId}/extension/panel/index.html?tabId=${tabId}`);
    await panel.evaluate(`(${COLLECTOR})(${tabId})`);
    await page.bringToFront();
    const link = new PageLink(panel, log);

    const settle = async () => {
      await page.waitForLoadState('networkidle', { timeout: 2_000 }).catch(() => {});
      await sleep(settleMs);
      if (crashed) throw new RunError('the page crashed');
    };
    const run = async (name: 'setup' | 'action' | 'back', fn: ((p: Page) => unknown) | undefined, label: string) => {
      if (!fn) return;
      await step(`scenario ${label}`, timeoutMs, async () => {
        try {
          await fn(page);
        } catch (error) {
          if (error instanceof RunError) throw error;
          throw new ScenarioError(`scenario ${name}() threw${label !== name ? ` (${label})` : ''}: ${message(error)}`);
        }
      });
    };

    log(`loading ${url}`);
    const response = await step(`loading ${url}`, timeoutMs, () => page.goto(url, { waitUntil: 'load' })).catch((error) => {
      throw error instanceof RunError ? error : new RunError(`cannot load ${url}: ${message(error).split('\n')[0]}`);
    });
    if (response && !response.ok()) throw new RunError(`cannot load ${url}: HTTP ${response.status()} ${response.statusText()}`);
    await settle();
    log('setup');
    await run('setup', s.setup, 'setup');
    await settle();
    await link.drain();

    const a = await link.snapshot('A', timeoutMs);
    link.markSnapshot('A', a);
    const liveAtA = [...a.values()]
      .flatMap((m) => m.modules)
      .reduce((t, m) => ({ count: t.count + m.liveCount, bytes: t.bytes + m.liveBytes }), { count: 0, bytes: 0 });
    log(
      `Snapshot A: ${plural(
        link.wasmDocs.reduce((n, d) => n + d.modules.size, 0),
        'module',
      )}, ${count(liveAtA.count)} live blocks (${bytes(liveAtA.bytes)})`,
    );
    const scopesAtA = new Set(a.keys());

    const series: Totals[] = [];
    let first: ModuleDiff[] = [];
    let last: ModuleDiff[] = [];
    for (let i = 1; i <= repeat; i++) {
      const label = `repeat ${i}/${repeat}`;
      await run('action', s.action, `action, ${label}`);
      await settle();
      await run('back', s.back, `back, ${label}`);
      await settle();
      await link.drain();
      const b = await link.snapshot('B', timeoutMs);
      link.markSnapshot(repeat === 1 ? 'B' : `B${i}`, b);
      for (const scope of b.keys()) {
        if (scopesAtA.size > 0 && !scopesAtA.has(scope)) {
          throw new RunError(
            `the page loaded a new document during ${label} (${page.url()}): snapshots live in the page, so action and back must stay in one document`,
          );
        }
      }
      const diffs = await link.diff('A', 'B', b, timeoutMs);
      const total = diffs.reduce((t, d) => ({ count: t.count + d.diff.newCount, bytes: t.bytes + d.diff.newBytes }), {
        count: 0,
        bytes: 0,
      });
      series.push(total);
      log(`${label}: ${count(total.count)} blocks (${bytes(total.bytes)}) allocated since Snapshot A still alive`);
      if (i === 1) first = diffs;
      last = diffs;
    }
    await link.drain();

    const stacks = (scope: string, id: number) => link.stack(scope, id);
    const suppressions = options.suppressions ?? [];
    const firstGroups = groupLeaks(first, stacks, suppressions);
    const lastGroups = groupLeaks(last, stacks, suppressions);
    const notCounted: NotCounted[] = [];
    /** Sites that grew after the first repeat, with their growth per repeat; the rest is one-time. */
    const growing = (end: LeakSite[], start: LeakSite[]): LeakSite[] => {
      if (repeat === 1) return end;
      const before = byKey(start);
      const out: LeakSite[] = [];
      const flat: Totals = { count: 0, bytes: 0 };
      for (const site of end) {
        const b = before.get(site.key);
        const dc = site.count - (b?.count ?? 0);
        const db = site.bytes - (b?.bytes ?? 0);
        if (dc > 0 || db > 0) out.push({ ...site, perRepeat: { count: dc / (repeat - 1), bytes: db / (repeat - 1) } });
        else {
          flat.count += site.count;
          flat.bytes += site.bytes;
        }
      }
      if (flat.count > 0 && end === lastGroups.sites)
        notCounted.push({ reason: `at sites that did not grow after the first repeat (one-time allocations, caches)`, ...flat });
      return out;
    };
    const sites = growing(lastGroups.sites, firstGroups.sites);
    const suppressedSites = growing(lastGroups.suppressedSites, firstGroups.suppressedSites);
    const used = suppressionUse(suppressedSites);
    const modules = [...link.modules.values()].map((m) => ({ name: m.name, instrumented: m.instrumented, reason: m.reason }));
    const errors = misuseErrors(link.errors, (scope, id) => link.modules.get(`${scope}|${id}`), stacks);
    const report = makeReport({
      sites,
      suppressedSites,
      suppressionsUsed: used,
      errors,
      modules,
      maxLeakBytes,
      repeats: repeat,
      notCounted,
      noModuleHint: `by ${url}`,
    });
    report.warnings.push(...link.warnings, ...pageErrors.map((e) => `page error: ${e}`));
    const exitCode = !report.modules.some((m) => m.instrumented) ? EXIT.nothingChecked : report.ok ? EXIT.pass : EXIT.leak;
    const end = Date.now();
    return { report, exitCode, url, startTime, durationMs: end - startTime, series, timeline: link.timeline.build(startTime, end) };
  } finally {
    await context?.close().catch(() => {});
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* a temporary profile left behind is not worth failing the run */
    }
  }
}
