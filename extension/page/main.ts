// MAIN world, document_start, every frame: runs before the page's first script
// (built as a classic IIFE, see vite.config.ts). No webextension-polyfill and
// no chrome.* here: this is the page's own JavaScript realm.
// Workers the page starts get the agent too (worker.ts, whose built source
// comes in as a string; src/agent/worker-hook.ts says how and what it cannot reach).
import { ContextRelay } from '../../src/agent/context-relay';
import { ModuleExchange } from '../../src/agent/module-exchange';
import type { PageAgent } from '../../src/agent/page-agent';
import { hookWorkers } from '../../src/agent/worker-hook';
import { WorkerPorts } from '../../src/agent/worker-ports';
import { BRIDGE_TAG, PAGE_TAG } from '../../src/protocol/version';
import { parsePanelMsg } from '../../src/protocol/validate';
import { randomToken, startAgent } from './agent-setup';
import { REWRITER_NAME, RewriteClient, type WorkerLike } from '../../src/agent/rewrite-client';

/**
 * Modules at least this big that reach an async entry point are rewritten in
 * the rewrite worker. The rewriter's first calls in a page run cold: sql.js
 * (0.69 MB) held the page 324–490 ms rewritten here, 170–336 ms with the worker
 * (load ready 1.0 s vs 1.4 s; 0.3 s without the extension); below 256 KiB a
 * module costs tens of ms and a worker would only add latency.
 */
const REWRITE_AWAY_BYTES = 256 << 10;

const FLAG = Symbol.for('wasm-leaks.installed');
const g = globalThis as unknown as Record<symbol, unknown>;

if (!g[FLAG] && typeof WebAssembly === 'object') {
  g[FLAG] = true;
  // Keep our own references: the page may replace these globals later.
  const post = window.postMessage.bind(window);
  const channel = openChannel();
  let agent: PageAgent | null = null;
  // The workers this page starts, by token: for what the channel cannot carry (worker-ports.ts).
  const ports = typeof Worker === 'function' ? new WorkerPorts(Worker) : null;
  const exchange = channel
    ? new ModuleExchange(
        randomToken(window),
        channel.send,
        (id) => agent?.hooks.markedModule(id) ?? null,
        setTimeout.bind(window),
        (token, data) => ports?.send(token, data) ?? false,
      )
    : undefined;
  // One copy of the worker agent's script per page, for every worker (and
  // their workers) to load, and for the rewrite worker; it lives as long as the page.
  const agentUrl = workerAgentUrl();
  const rewriter = agentUrl ? rewriteWorker(agentUrl, (list) => agent?.reportPending(list)) : undefined;
  agent = startAgent(window, { post: (msg) => post({ tag: PAGE_TAG, msg }, '*'), url: location.href, exchange, rewriter });
  const page = agent;
  const unreached = (kind: string, url: string, reason: string) => page.reportUnreached(kind, url, reason);
  const relay = channel && exchange && agentUrl ? startWorkerContexts(channel, exchange, agentUrl, unreached, ports) : null;
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window) return;
    const data = event.data as { tag?: unknown; msg?: unknown; ctx?: unknown } | null;
    if (!data || typeof data !== 'object' || data.tag !== BRIDGE_TAG) return;
    try {
      const cmd = parsePanelMsg(data.msg);
      if (typeof data.ctx === 'number' && data.ctx > 0) relay?.command(data.ctx, cmd);
      else page.handle(cmd);
    } catch {
      /* malformed command: ignore */
    }
  });
}

interface Channel {
  name: string;
  send(data: unknown): void;
  listen(fn: (data: unknown) => void): void;
}

/** The workers' BroadcastChannel, named at random per page load; null where workers cannot be followed. */
function openChannel(): Channel | null {
  if (typeof BroadcastChannel !== 'function' || typeof Worker !== 'function') return null;
  try {
    const name = `wasm-leaks:${randomToken(window)}`;
    const channel = new BroadcastChannel(name);
    const send = channel.postMessage.bind(channel);
    return {
      name,
      send: (data) => send(data),
      listen: (fn) => channel.addEventListener('message', (event: MessageEvent) => fn(event.data)),
    };
  } catch {
    return null;
  }
}

/** Hooks `Worker` and returns the relay of the workers' messages, or null where workers cannot be followed. */
function startWorkerContexts(
  channel: Channel,
  exchange: ModuleExchange,
  agentUrl: string,
  unreached: (kind: string, url: string, reason: string) => void,
  ports: WorkerPorts | null,
): ContextRelay | null {
  try {
    const post = window.postMessage.bind(window);
    const relay = new ContextRelay({
      forward: (ctx, msg) => post({ tag: PAGE_TAG, msg, ctx }, '*'),
      send: channel.send,
      unreached,
    });
    channel.listen((data) => {
      if (!exchange.receive(data)) relay.receive(data);
    });
    hookWorkers(window, {
      channel: channel.name,
      agent: agentUrl,
      base: () => document.baseURI,
      unreached,
      token: () => randomToken(window),
      started: (token, worker) => ports?.started(token, worker),
      ended: (token, how, time) => relay.ended(token, how, time),
    });
    return relay;
  } catch (error) {
    unreached('worker', '', `workers cannot be followed in this page: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** The worker agent's script as a blob: URL, or null where none can be made. */
function workerAgentUrl(): string | null {
  try {
    return URL.createObjectURL(new Blob([__WASM_LEAKS_WORKER_AGENT__], { type: 'text/javascript' }));
  } catch {
    return null;
  }
}

/**
 * The page's rewrite worker (src/agent/rewrite-client.ts), started on the
 * first big module. Not where the page visibly has a Content-Security-Policy
 * (a <meta>): a policy that refuses blob: workers would report our attempt to
 * the page. One sent only as a header cannot be seen: a refusal there is
 * caught (the page may get one violation report) and modules are rewritten here.
 */
function rewriteWorker(agentUrl: string, onPending: (list: { name: string; size: number }[]) => void): RewriteClient | undefined {
  if (typeof Worker !== 'function') return undefined;
  const NativeWorker = Worker; // (before hookWorkers replaces it)
  return new RewriteClient({
    start: () =>
      document.querySelector('meta[http-equiv="Content-Security-Policy" i]')
        ? null
        : (new NativeWorker(agentUrl, { name: REWRITER_NAME }) as unknown as WorkerLike),
    setTimer: setTimeout.bind(window),
    minBytes: REWRITE_AWAY_BYTES,
    onPending,
  });
}
