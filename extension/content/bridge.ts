// ISOLATED world: the only way between the page's MAIN-world hook and the
// extension. It forwards tagged window messages to a runtime port and back,
// after validating them: the page can post anything with our tag.
// It runs in every frame of every page at document_start, so it stays small:
// chrome.runtime ports directly, no webextension-polyfill (only callbacks and
// events are used here; bench/page-cost.ts measures what a page pays).
// Each worker the page's agent hooked is a context of this frame with a port of
// its own (`page:<ctx>`, see src/protocol/router.ts), so every source keeps its
// own order, queue and loss counts.
import { BRIDGE_TAG, PAGE_TAG, PROTOCOL_VERSION } from '../../src/protocol/version';
import { parsePageMsg, parsePanelMsg } from '../../src/protocol/validate';
import { MAX_CONTEXT, PAGE_PORT } from '../../src/protocol/router';

/** Messages kept per context while the service worker restarts; a bound, not a buffer for ever. */
const MAX_QUEUE = 2000;
/** Chrome's limit is 64 MiB of JSON; anything near it is treated as too large. */
const MAX_MESSAGE_CHARS = 60 * 1024 * 1024;

class Channel {
  private port: chrome.runtime.Port | null = null;
  private queue: unknown[] = [];
  private dropped = 0;
  private oversized = 0;
  private opened = false;

  constructor(private readonly ctx: number) {}

  send(msg: unknown): void {
    // Lazy: a page without WebAssembly never posts, so it never opens a port.
    if (!this.opened) {
      this.opened = true;
      this.connect();
    }
    if (!this.port) {
      if (this.queue.length < MAX_QUEUE) this.queue.push(msg);
      else this.dropped++;
      return;
    }
    try {
      this.port.postMessage(msg);
    } catch (error) {
      // A message Chrome cannot carry (ports serialize JSON and refuse more
      // than 64 MiB) is dropped, counted and reported, never re-sent: re-queued,
      // it would reconnect for ever and silence the page.
      if (tooLarge(msg, error)) return this.reportDrop(msg);
      this.port = null;
      this.queue.push(msg);
      setTimeout(() => this.connect(), 100);
    }
  }

  private connect(): void {
    let port: chrome.runtime.Port;
    try {
      port = chrome.runtime.connect({ name: this.ctx === 0 ? PAGE_PORT : `${PAGE_PORT}:${this.ctx}` });
    } catch {
      this.port = null; // extension reloaded or disabled: stay quiet
      return;
    }
    this.port = port;
    port.onMessage.addListener((raw: unknown) => {
      try {
        window.postMessage({ tag: BRIDGE_TAG, msg: parsePanelMsg(raw), ctx: this.ctx }, '*');
      } catch {
        /* a malformed command is dropped: only the panel sends these */
      }
    });
    port.onDisconnect.addListener(() => {
      if (this.port === port) this.port = null;
      setTimeout(() => this.connect(), 100);
    });
    const pending = this.queue;
    this.queue = [];
    for (const m of pending) this.send(m);
    // A (re)connected port may have missed a panel's hello (the service worker
    // was starting or restarting): have the page resync to whoever listens.
    window.postMessage({ tag: BRIDGE_TAG, msg: { t: 'hello', v: PROTOCOL_VERSION }, ctx: this.ctx }, '*');
  }

  private reportDrop(msg: unknown): void {
    this.oversized++;
    const m = msg as { t?: unknown; req?: unknown };
    const req = typeof m.req === 'number' ? m.req : 0;
    const what = typeof m.t === 'string' ? m.t : 'message';
    try {
      this.port?.postMessage({
        t: 'fail',
        req,
        message: `a ${what} message from the page was too large for Chrome's 64 MiB message limit and was dropped (${this.oversized} dropped in this ${this.ctx === 0 ? 'frame' : 'worker'})`,
      });
    } catch {
      /* the port went away: the next message reconnects */
    }
  }
}

function tooLarge(msg: unknown, error: unknown): boolean {
  if (/length|size|large/i.test(String(error))) return true;
  try {
    return JSON.stringify(msg).length > MAX_MESSAGE_CHARS;
  } catch {
    return true; // not serializable: never sendable either
  }
}

const channels = new Map<number, Channel>();

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window) return;
  const data = event.data as { tag?: unknown; msg?: unknown; ctx?: unknown } | null;
  if (!data || typeof data !== 'object' || data.tag !== PAGE_TAG) return;
  const ctx = data.ctx === undefined ? 0 : data.ctx;
  if (typeof ctx !== 'number' || !Number.isInteger(ctx) || ctx < 0 || ctx > MAX_CONTEXT) return;
  let msg;
  try {
    msg = parsePageMsg(data.msg);
  } catch (error) {
    msg = { t: 'fail', req: 0, message: `invalid message from page: ${(error as Error).message}` };
  }
  let channel = channels.get(ctx);
  if (!channel) channels.set(ctx, (channel = new Channel(ctx)));
  channel.send(msg);
});
