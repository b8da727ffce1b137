// The real DevTools window, driven from a spec: headless Chromium opens DevTools
// for every tab (--auto-open-devtools-for-tabs, docked to the right as by
// default), and Playwright sees each DevTools frontend as a Page (its
// devtools:// target is of type "other", which Playwright only attaches to
// with PW_CHROMIUM_ATTACH_TO_OTHER set, so it is set only while such a browser
// is open). The extension's panel is then an ordinary frame of that page.
// DevTools' » tab menu is a native menu, which a headless browser cannot show
// or click: a panel is selected with DevTools' own shortcut for the previous
// panel (Ctrl+[), which wraps round to the last tabs, where extension panels are.
import type { BrowserContext, Frame, Page } from '@playwright/test';
import { expect, launch } from './harness';

/** The window size: docked to the right, DevTools takes its default share of it. */
export const WINDOW = { width: 1500, height: 900 } as const;

export interface DevToolsWindow {
  context: BrowserContext;
  /** The inspected tab. */
  page: Page;
  /** DevTools' frontend for `page` (devtools://devtools/bundled/devtools_app.html). */
  devtools: Page;
}

const isDevTools = (p: Page) => p.url().startsWith('devtools://');

/** Chromium with the built extension and DevTools open beside its first tab. */
export async function launchWithDevTools(): Promise<DevToolsWindow> {
  process.env.PW_CHROMIUM_ATTACH_TO_OTHER = '1';
  let context: BrowserContext | undefined;
  try {
    context = await launch(true, {
      args: ['--auto-open-devtools-for-tabs', `--window-size=${WINDOW.width},${WINDOW.height}`],
      viewport: null,
    });
    // The first tab and its DevTools, which opens with it (no other tab exists yet).
    const page = context.pages().find((p) => !isDevTools(p)) ?? (await context.waitForEvent('page', { predicate: (p) => !isDevTools(p) }));
    const devtools = context.pages().find(isDevTools) ?? (await context.waitForEvent('page', { predicate: isDevTools }));
    return { context, page, devtools };
  } catch (e) {
    await closeDevToolsWindow({ context });
    throw e;
  }
}

/** Closes the browser; later launches in this worker no longer take "other" targets (DevTools) for pages. */
export async function closeDevToolsWindow(w: { context?: BrowserContext }): Promise<void> {
  try {
    await w.context?.close();
  } finally {
    delete process.env.PW_CHROMIUM_ATTACH_TO_OTHER;
  }
}

/** DevTools' main tab for a panel (its tab strip is in open shadow roots, which locators pierce). */
export function panelTab(devtools: Page, name: string) {
  return devtools.getByRole('tab', { name, exact: true });
}

/**
 * Selects DevTools' panel `name` as a user can without the native » menu:
 * Ctrl+[ (previous panel) from the first panel until it is selected. Gives up
 * after `max` presses (twice round DevTools' dozen panels, in case the
 * extension's panel was added after the first round).
 */
export async function selectPanel(devtools: Page, name: string, max = 30): Promise<void> {
  const tab = panelTab(devtools, name);
  // The keys go to DevTools: focus its first panel's tab.
  await panelTab(devtools, 'Elements').click();
  for (let i = 0; i < max; i++) {
    // DevTools selects the previous tab in its key handler and puts it into the strip if it was in the » menu.
    await devtools.keyboard.press('Control+BracketLeft');
    if ((await tab.count()) > 0 && (await tab.getAttribute('aria-selected')) === 'true') return;
  }
  throw new Error(`DevTools has no panel named ${name} (${max} panels tried)`);
}

/** The frame DevTools shows the extension's panel in, once the panel was selected. */
export async function panelFrame(devtools: Page): Promise<Frame> {
  const find = () => devtools.frames().find((f) => /^chrome-extension:\/\/[a-p]{32}\/extension\/panel\/index\.html/.test(f.url()));
  await expect.poll(() => find() !== undefined, { message: 'the panel frame in DevTools' }).toBe(true);
  return find()!;
}
