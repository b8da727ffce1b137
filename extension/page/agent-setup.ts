// The agent as both the page (main.ts) and a hooked worker (worker.ts) start
// it: the same options, bound to the scope's own functions up front (the page
// may replace these globals later).
import { PageAgent } from '../../src/agent/page-agent';
import { instrument, supportsMultiMemory } from '../../src/wasm';
import type { PageToPanel } from '../../src/protocol';
import type { ModuleExchange } from '../../src/agent/module-exchange';
import type { RewriteClient } from '../../src/agent/rewrite-client';

export interface AgentSetup {
  post(msg: PageToPanel): void;
  url: string;
  context?: { kind: string; name: string };
  /** Where modules compiled in other contexts are asked for (module-exchange.ts); absent: no channel. */
  exchange?: ModuleExchange;
  /** Big modules of the async entry points are rewritten there (the page's rewrite worker); absent: here. */
  rewriter?: RewriteClient;
}

/**
 * 'table' (malloc/free bookkeeping inside wasm, in a second memory: see
 * bench/slowdown.ts) where multi-memory exists, else 'call' (one JS call per
 * event). The rewrite worker asks its own engine, which is the page's.
 */
export function eventPath(wa: typeof WebAssembly): 'table' | 'call' {
  return supportsMultiMemory(wa) ? 'table' : 'call';
}

export function startAgent(scope: typeof globalThis, setup: AgentSetup): PageAgent {
  const perf = scope.performance;
  const now = () => perf.timeOrigin + perf.now();
  const setTimer = scope.setTimeout.bind(scope);
  const fetchText = scope.fetch.bind(scope);
  const path = eventPath(WebAssembly);
  return new PageAgent(WebAssembly, {
    post: setup.post,
    now,
    url: setup.url,
    context: setup.context,
    foreignModule: setup.exchange ? (id) => setup.exchange!.request(id) : undefined,
    markId: setup.exchange ? () => randomToken(scope) : undefined,
    instrument: (bytes: Uint8Array) => instrument(bytes, { eventPath: path }),
    rewriteElsewhere: setup.rewriter ? (bytes, name, mark) => setup.rewriter!.rewrite(bytes, name, mark) : undefined,
    setTimer: (fn, ms) => setTimer(fn, ms),
    // Source maps next to the modules, fetched as the page itself would.
    loadText: async (url) => {
      const response = await fetchText(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.text();
    },
    // A -gseparate-dwarf module's .debug.wasm, fetched the same way.
    loadBytes: async (url) => {
      const response = await fetchText(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  });
}

/** 128 random bits as hex: names a worker on the channel (randomUUID needs a secure context). */
export function randomToken(scope: typeof globalThis): string {
  const bytes = scope.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
