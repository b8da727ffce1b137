// The panel's port to the service worker, named with the inspected tab id.
// It reconnects when the worker restarts and then asks the page to resync.
import browser from 'webextension-polyfill';
import { PANEL_PORT_PREFIX, type PanelEnvelope } from '../../src/protocol/router';
import type { PanelToPage } from '../../src/protocol/messages';
import { PROTOCOL_VERSION } from '../../src/protocol/version';

export function inspectedTabId(): number | null {
  const fromUrl = new URLSearchParams(location.search).get('tabId');
  if (fromUrl !== null && /^\d+$/.test(fromUrl)) return Number(fromUrl);
  const devtools = typeof chrome !== 'undefined' ? chrome.devtools : undefined;
  return devtools?.inspectedWindow?.tabId ?? null;
}

export class Connection {
  private port: browser.Runtime.Port | null = null;
  private closed = false;
  private answered = false;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly tabId: number,
    private readonly onMessage: (raw: unknown) => void,
    private readonly onState: (connected: boolean) => void,
  ) {
    this.open();
  }

  private open(): void {
    if (this.closed) return;
    try {
      this.port = browser.runtime.connect({ name: `${PANEL_PORT_PREFIX}${this.tabId}` });
    } catch {
      this.port = null;
      setTimeout(() => this.open(), 250);
      return;
    }
    this.port.onMessage.addListener((raw: unknown) => this.onMessage(raw));
    this.port.onDisconnect.addListener(() => {
      this.port = null;
      this.answered = false;
      this.onState(false);
      setTimeout(() => this.open(), 100);
    });
    this.onState(true);
    this.send({ t: 'hello', v: PROTOCOL_VERSION });
    this.retryHello();
  }

  /** Until a page answers, say hello again: the page's port may not be routed yet. */
  private retryHello(): void {
    clearTimeout(this.helloTimer);
    this.helloTimer = setTimeout(() => {
      if (this.closed || this.answered || !this.port) return;
      this.send({ t: 'hello', v: PROTOCOL_VERSION });
      this.retryHello();
    }, 1000);
  }

  /** The store saw a page's hello: stop retrying until the next reconnect. */
  pageAnswered(): void {
    this.answered = true;
  }

  /** To every context of the tab, or to one source (frame id + context · 2^32, as the panel knows it). */
  send(msg: PanelToPage, frame?: number): void {
    this.post(frame === undefined ? { to: 'page', msg } : { to: 'page', frame, msg });
  }

  reloadTab(): void {
    // The service worker registers the page hook for this tab's next load
    // (the page is dormant otherwise), then reloads it: see
    // extension/background/recording.ts.
    this.post({ to: 'reload' });
  }

  private post(env: PanelEnvelope): void {
    try {
      this.port?.postMessage(env);
    } catch {
      /* reconnecting; the page resyncs on hello */
    }
  }

  close(): void {
    this.closed = true;
    this.port?.disconnect();
  }
}
