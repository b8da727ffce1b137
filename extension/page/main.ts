// MAIN world, document_start, every frame: runs before the page's first script
// (built as a classic IIFE, see vite.config.ts). No webextension-polyfill and
// no chrome.* here: this is the page's own JavaScript realm.
import { PageAgent } from '../../src/agent/page-agent';
import { instrument, supportsMultiMemory } from '../../src/wasm';
import { BRIDGE_TAG, PAGE_TAG } from '../../src/protocol/version';
import { parsePanelMsg } from '../../src/protocol/validate';

const FLAG = Symbol.for('wasm-leaks.installed');
const g = globalThis as unknown as Record<symbol, unknown>;

if (!g[FLAG] && typeof WebAssembly === 'object') {
  g[FLAG] = true;
  // Keep our own references: the page may replace these globals later.
  const post = window.postMessage.bind(window);
  const now = () => performance.timeOrigin + performance.now();
  const setTimer = setTimeout.bind(window);
  const fetchText = fetch.bind(window);
  const agent = new PageAgent(WebAssembly, {
    post: (msg) => post({ tag: PAGE_TAG, msg }, '*'),
    now,
    url: location.href,
    // 'table' (malloc/free bookkeeping inside wasm, in a second memory: see
    // bench/slowdown.ts) where multi-memory exists, else 'call' (one JS call
    // per event; the ring path costs the same end to end and takes heap).
    instrument: (
      (eventPath) => (bytes: Uint8Array) =>
        instrument(bytes, { eventPath })
    )(supportsMultiMemory(WebAssembly) ? ('table' as const) : ('call' as const)),
    setTimer: (fn, ms) => setTimer(fn, ms),
    // Source maps next to the modules, fetched as the page itself would.
    loadText: async (url) => {
      const response = await fetchText(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.text();
    },
  });
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window) return;
    const data = event.data as { tag?: unknown; msg?: unknown } | null;
    if (!data || typeof data !== 'object' || data.tag !== BRIDGE_TAG) return;
    try {
      agent.handle(parsePanelMsg(data.msg));
    } catch {
      /* malformed command: ignore */
    }
  });
}
