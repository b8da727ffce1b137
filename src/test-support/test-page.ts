// One page in Node for the tests that drive a PageAgent: a private hooked
// copy of the WebAssembly namespace, its agent (call path, no timers: the
// tests flush), and every message it sends, validated as the bridge does.
// The agent's hooks are uninstalled when the test that made the page ends.
import { onTestFinished } from 'vitest';
import { readFileSync } from 'node:fs';
import { PageAgent, type AgentOptions } from '../agent/page-agent';
import { instrument } from '../wasm';
import { parsePageMsg, type DiffMsg, type PageToPanel, type SiteMsg, type SnapshotName } from '../protocol';
import { blockList, freshWebAssembly } from './page-messages';
import { FIXTURE_DIR, fixture } from './fixtures';

export type Exports = Record<string, (...a: number[]) => number>;

/** The instance's exports, after the start-up exports it has ran, as its glue would run them. */
export function started(instance: WebAssembly.Instance): Exports {
  const x = instance.exports as unknown as Exports;
  x._initialize?.();
  x.emscripten_stack_init?.();
  x.__wasm_call_ctors?.();
  return x;
}

export class TestPage {
  readonly wa = freshWebAssembly();
  readonly sent: PageToPanel[] = [];
  readonly agent: PageAgent;
  private req = 0;

  /** `url`: the page's address (test://…, or a file: URL when files beside the modules are read). */
  constructor(url: string, options: Partial<AgentOptions> = {}) {
    this.agent = new PageAgent(this.wa, {
      post: (m) => this.sent.push(parsePageMsg(JSON.parse(JSON.stringify(m)))),
      now: () => Date.now(),
      url,
      instrument: (bytes) => instrument(bytes),
      setTimer: () => 0,
      ...options,
    });
    onTestFinished(() => this.agent.hooks.uninstall());
  }

  /** Instantiates `bytes` through the hooked namespace (imports: see stubImports) and starts it. */
  async instantiate(bytes: Uint8Array<ArrayBuffer>, env: Record<string, (...a: number[]) => unknown> = {}): Promise<Exports> {
    const r = (await this.wa.instantiate(bytes, stubImports(bytes, env))) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    return started(r.instance);
  }

  reply<T extends PageToPanel['t']>(t: T): Extract<PageToPanel, { t: T }>[] {
    return this.sent.filter((m) => m.t === t) as Extract<PageToPanel, { t: T }>[];
  }

  snapshot(name: SnapshotName): void {
    this.agent.handle({ t: 'snapshot', req: ++this.req, name });
  }

  /** Snapshot A, run `act`, Snapshot B, compare: the panel's Comparison (exactly one reply). */
  compare(act: () => void): DiffMsg {
    this.snapshot('A');
    act();
    this.snapshot('B');
    const req = ++this.req;
    this.agent.handle({ t: 'diff', req, from: 'A', to: 'B', final: null });
    const d = this.reply('diff').filter((m) => m.req === req);
    if (d.length !== 1) throw new Error(`${d.length} replies to diff ${req}`);
    return d[0];
  }

  /** Every site sent so far, by id (flushes first: sites travel in batches). */
  sites(): Map<number, SiteMsg> {
    this.agent.flush();
    return new Map(this.reply('batch').flatMap((m) => m.sites.map((s) => [s.id, s] as [number, SiteMsg])));
  }

  /** A comparison's new blocks, in row order, each with its size and its site (frames). */
  newBlocks(diff: DiffMsg): { size: number; site: SiteMsg }[] {
    const sites = this.sites();
    return blockList(diff).map((b) => ({ size: b.size, site: sites.get(b.site)! }));
  }
}

/**
 * A page beside the fixtures (instantiate(bytes) has no URL of its own, so
 * files a module names resolve there) whose fetch of those files (`what`:
 * source maps as text, debug files as bytes) reads them from disk; `requested`
 * lists the URLs asked for.
 */
export class FixturePage extends TestPage {
  readonly requested: string[] = [];
  constructor(what: 'loadText' | 'loadBytes') {
    super(new URL('index.html', FIXTURE_DIR).href, {
      [what]: async (url: string) => {
        this.requested.push(url);
        const bytes = new Uint8Array(readFileSync(new URL(url)));
        return what === 'loadText' ? new TextDecoder().decode(bytes) : bytes;
      },
    });
  }

  /**
   * The fixture `file` instantiated here and `act` run on its exports: the sites `pick` selects as sent
   * first (no lines yet), and as sent again once the page has read the file the module names beside it.
   */
  async resentSites(
    file: string,
    act: (x: Exports) => void,
    pick: (s: SiteMsg) => boolean,
  ): Promise<{ bytes: Uint8Array<ArrayBuffer>; before: SiteMsg[]; after: SiteMsg[] }> {
    const bytes = fixture(file);
    act(await this.instantiate(bytes));
    const picked = () => this.reply('batch').flatMap((m) => m.sites.filter(pick));
    this.agent.flush();
    const before = picked();
    await new Promise((r) => setTimeout(r, 50)); // the file is read
    this.agent.flush();
    return { bytes, before, after: picked().slice(before.length) };
  }
}

/**
 * Imports for `bytes` where every function import is a stub returning 0
 * unless `env` names it (the exports the tests call never reach the stubs).
 */
export function stubImports(
  bytes: Uint8Array<ArrayBuffer>,
  env: Record<string, (...a: number[]) => unknown> = {},
): Record<string, Record<string, (...a: number[]) => unknown>> {
  const imports: Record<string, Record<string, (...a: number[]) => unknown>> = {};
  for (const imp of WebAssembly.Module.imports(new WebAssembly.Module(bytes))) {
    if (imp.kind === 'function') (imports[imp.module] ??= {})[imp.name] = env[imp.name] ?? (() => 0);
  }
  return imports;
}
