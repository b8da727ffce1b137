// ISOLATED world: the only way between the page's MAIN-world hook and the
// extension. It forwards tagged window messages to a runtime port and back,
// after validating them: the page can post anything with our tag.
// It runs in every frame of every page at document_start, so it stays small:
// chrome.runtime ports directly, no webextension-polyfill (only callbacks and
// events are used here; bench/page-cost.ts measures what a page pays).
import { BRIDGE_TAG, PAGE_TAG, PROTOCOL_VERSION } from '../../src/protocol/version';
import { parsePageMsg, parsePanelMsg } from '../../src/protocol/validate';
import { PAGE_PORT } from '../../src/protocol/router';

/** Messages kept while the service worker restarts; a bound, not a buffer for ever. */
const MAX_QUEUE = 2000;
let port: chrome.runtime.Port | null = null;
let queue: unknown[] = [];
let dropped = 0;

function connect(): void {
  try {
    port = chrome.runtime.connect({ name: PAGE_PORT });
  } catch {
    port = null; // extension reloaded or disabled: stay quiet
    return;
  }
  port.onMessage.addListener((raw: unknown) => {
    try {
      window.postMessage({ tag: BRIDGE_TAG, msg: parsePanelMsg(raw) }, '*');
    } catch {
      /* a malformed command is dropped: only the panel sends these */
    }
  });
  port.onDisconnect.addListener(() => {
    port = null;
    setTimeout(connect, 100);
  });
  const pending = queue;
  queue = [];
  for (const m of pending) send(m);
  // A (re)connected port may have missed a panel's hello (the service worker
  // was starting or restarting): have the page resync to whoever listens.
  window.postMessage({ tag: BRIDGE_TAG, msg: { t: 'hello', v: PROTOCOL_VERSION } }, '*');
}

function send(msg: unknown): void {
  if (!port) {
    if (queue.length < MAX_QUEUE) queue.push(msg);
    else dropped++;
    return;
  }
  try {
    port.postMessage(msg);
  } catch (error) {
    // A message Chrome cannot carry (ports serialize JSON and refuse more
    // than 64 MiB) is dropped, counted and reported, never re-sent: re-queued,
    // it would reconnect for ever and silence the page.
    if (tooLarge(msg, error)) return reportDrop(msg);
    port = null;
    queue.push(msg);
    setTimeout(connect, 100);
  }
}

/** Chrome's limit is 64 MiB of JSON; anything near it is treated as too large. */
const MAX_MESSAGE_CHARS = 60 * 1024 * 1024;
let oversized = 0;

function tooLarge(msg: unknown, error: unknown): boolean {
  if (/length|size|large/i.test(String(error))) return true;
  try {
    return JSON.stringify(msg).length > MAX_MESSAGE_CHARS;
  } catch {
    return true; // not serializable: never sendable either
  }
}

function reportDrop(msg: unknown): void {
  oversized++;
  const m = msg as { t?: unknown; req?: unknown };
  const req = typeof m.req === 'number' ? m.req : 0;
  const what = typeof m.t === 'string' ? m.t : 'message';
  try {
    port?.postMessage({
      t: 'fail',
      req,
      message: `a ${what} message from the page was too large for Chrome's 64 MiB message limit and was dropped (${oversized} dropped in this frame)`,
    });
  } catch {
    /* the port went away: the next message reconnects */
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window) return;
  const data = event.data as { tag?: unknown; msg?: unknown } | null;
  if (!data || typeof data !== 'object' || data.tag !== PAGE_TAG) return;
  let msg;
  try {
    msg = parsePageMsg(data.msg);
  } catch (error) {
    msg = { t: 'fail', req: 0, message: `invalid message from page: ${(error as Error).message}` };
  }
  // Lazy: a page without WebAssembly never posts, so it never opens a port.
  if (!port && queue.length === 0 && dropped === 0) connect();
  send(msg);
});
