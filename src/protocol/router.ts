// The service worker's only job: route ports by tab id. It holds no model, so
// a restart (Chrome stops idle workers after ~30 s) loses nothing that
// matters: ports reconnect and the panel asks the page to resync.
import type { PageToPanel, PanelToPage } from './messages';

export interface PortLike {
  name: string;
  sender?: { tab?: { id?: number }; frameId?: number };
  postMessage(message: unknown): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

/** What a panel sends the router: a command for the page, or a reload of the tab. */
export type PanelEnvelope = { to: 'page'; frame?: number; msg: PanelToPage } | { to: 'reload' };

export const PAGE_PORT = 'page';
/**
 * Each worker a frame's agent hooked (src/agent/context-relay.ts) speaks on a
 * port of its own, named `page:<context>`. The panel knows a source by one
 * number: the frame id Chrome gives, plus the context times 2^32 (Chrome's frame
 * ids are below 2^32). A page can only name contexts of its own frame.
 */
export const MAX_CONTEXT = 1024;
export const CONTEXT_UNIT = 2 ** 32;

/** The context number of a page port's name, or -1 when the name is not a page port's. */
export function portContext(name: string): number {
  if (name === PAGE_PORT) return 0;
  if (!name.startsWith(`${PAGE_PORT}:`)) return -1;
  const ctx = Number(name.slice(PAGE_PORT.length + 1));
  return Number.isInteger(ctx) && ctx >= 1 && ctx <= MAX_CONTEXT ? ctx : -1;
}
export const PANEL_PORT_PREFIX = 'panel:';

interface PageEnd {
  port: PortLike;
  frame: number;
}

export class Router {
  private readonly pages = new Map<number, Set<PageEnd>>();
  private readonly panels = new Map<number, Set<PortLike>>();

  constructor(private readonly reloadTab: (tabId: number) => void) {}

  connect(port: PortLike): void {
    const ctx = portContext(port.name);
    if (ctx >= 0) this.connectPage(port, ctx);
    else if (port.name.startsWith(PANEL_PORT_PREFIX)) this.connectPanel(port);
  }

  private connectPage(port: PortLike, ctx: number): void {
    const tab = port.sender?.tab?.id;
    if (tab === undefined) return;
    const end: PageEnd = { port, frame: (port.sender?.frameId ?? 0) + ctx * CONTEXT_UNIT };
    const set = this.setOf(this.pages, tab);
    set.add(end);
    port.onMessage.addListener((msg) => {
      // Validation happened in the content bridge and happens again in the
      // panel; the router adds the frame id it trusts (from Chrome, not the page).
      for (const panel of this.panels.get(tab) ?? []) panel.postMessage({ frame: end.frame, msg: msg as PageToPanel });
    });
    port.onDisconnect.addListener(() => {
      set.delete(end);
      // A worker context's port closes only when its frame's document goes away (removed, navigated): the
      // worker went with it, and its page cannot say so. (A stopped service worker takes this router with it.)
      if (ctx === 0) return;
      const ended: PageToPanel = { t: 'ended', how: 'unloaded', time: Date.now() };
      for (const panel of this.panels.get(tab) ?? []) panel.postMessage({ frame: end.frame, msg: ended });
    });
  }

  private connectPanel(port: PortLike): void {
    const tab = Number(port.name.slice(PANEL_PORT_PREFIX.length));
    if (!Number.isInteger(tab) || tab < 0) return;
    const set = this.setOf(this.panels, tab);
    set.add(port);
    port.onMessage.addListener((raw) => {
      const env = raw as PanelEnvelope;
      if (env && env.to === 'reload') {
        this.reloadTab(tab);
        return;
      }
      if (!env || env.to !== 'page') return;
      for (const page of this.pages.get(tab) ?? []) {
        if (env.frame === undefined || env.frame === page.frame) page.port.postMessage(env.msg);
      }
    });
    port.onDisconnect.addListener(() => set.delete(port));
  }

  private setOf<T>(map: Map<number, Set<T>>, tab: number): Set<T> {
    let set = map.get(tab);
    if (!set) map.set(tab, (set = new Set()));
    return set;
  }

  /** For tests and diagnostics. */
  counts(tab: number): { pages: number; panels: number } {
    return { pages: this.pages.get(tab)?.size ?? 0, panels: this.panels.get(tab)?.size ?? 0 };
  }
}
