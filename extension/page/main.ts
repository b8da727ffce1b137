// MAIN world, document_start, every frame: runs before the page's first script
// (built as a classic IIFE, see vite.config.ts). No webextension-polyfill and
// no chrome.* here: this is the page's own JavaScript realm.
// Workers the page starts get the agent too (worker.ts, whose built source
// comes in as a string; src/agent/worker-hook.ts says how and what it cannot reach).
import { ContextRelay } from '../../src/agent/context-relay';
import { ModuleExchange } from '../../src/agent/module-exchange';
import type { PageAgent } from '../../src/agent/page-agent';
import { hookWorkers } from '../../src/agent/worker-hook';
import { BRIDGE_TAG, PAGE_TAG } from '../../src/protocol/version';
import { parsePanelMsg } from '../../src/protocol/validate';
import { randomToken, startAgent } from './agent-setup';

const FLAG = Symbol.for('wasm-leaks.installed');
const g = globalThis as unknown as Record<symbol, unknown>;

if (!g[FLAG] && typeof WebAssembly === 'object') {
  g[FLAG] = true;
  // Keep our own references: the page may replace these globals later.
  const post = window.postMessage.bind(window);
  const channel = openChannel();
  let agent: PageAgent | null = null;
  const exchange = channel
    ? new ModuleExchange(randomToken(window), channel.send, (id) => agent?.hooks.markedModule(id) ?? null, setTimeout.bind(window))
    : undefined;
  agent = startAgent(window, { post: (msg) => post({ tag: PAGE_TAG, msg }, '*'), url: location.href, exchange });
  const page = agent;
  const unreached = (kind: string, url: string, reason: string) => page.reportUnreached(kind, url, reason);
  const relay = channel && exchange ? startWorkerContexts(channel, exchange, unreached) : null;
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
  unreached: (kind: string, url: string, reason: string) => void,
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
    // One copy of the agent's script per page, for every worker (and their
    // workers) to load; it lives as long as the page.
    const agentUrl = URL.createObjectURL(new Blob([__WASM_LEAKS_WORKER_AGENT__], { type: 'text/javascript' }));
    hookWorkers(window, {
      channel: channel.name,
      agent: agentUrl,
      base: () => document.baseURI,
      unreached,
      token: () => randomToken(window),
    });
    return relay;
  } catch (error) {
    unreached('worker', '', `workers cannot be followed in this page: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
