// Launches the system Chromium with the built extension (dist/) loaded, serves
// the test site, and opens the panel page as an ordinary tab with ?tabId=N —
// how most e2e tests drive the panel. The panel inside a real DevTools window
// is devtools-window.ts (e2e/devtools-window.spec.ts).
import { test as base, chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
// @ts-expect-error plain ESM helper without types
import { serve } from '../scripts/serve.mjs';

// WASM_LEAKS_DIST lets parallel work build and test its own copy (vite build --outDir).
export const DIST = resolve(process.env.WASM_LEAKS_DIST ?? 'dist');
export const SITE = resolve('e2e/site');

export function chromePath(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error('No Chromium found: install Debian chromium or set CHROME_PATH');
  return found;
}

/** `extra`: more Chromium flags, and the viewport (null: the window's own size, as with DevTools docked beside the page). */
export async function launch(
  withExtension = true,
  extra: { args?: string[]; viewport?: { width: number; height: number } | null } = {},
): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-'));
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (withExtension) args.push(`--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`);
  args.push(...(extra.args ?? []));
  return chromium.launchPersistentContext(dir, {
    executablePath: chromePath(),
    headless: true,
    args,
    viewport: extra.viewport === undefined ? { width: 1280, height: 800 } : extra.viewport,
  });
}

/** `fn` given a Chromium without the extension, closed after: what the page does natively, to compare with. */
export async function withoutExtension<T>(fn: (plain: BrowserContext) => Promise<T>): Promise<T> {
  const plain = await launch(false);
  try {
    return await fn(plain);
  } finally {
    await plain.close();
  }
}

/** A new page of `context` at `url`. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** `fn` given a page at `url` in a Chromium without the extension (see withoutExtension). */
export function natively<T>(url: string, fn: (page: Page) => Promise<T>): Promise<T> {
  return withoutExtension(async (plain) => fn(await openPage(plain, url)));
}

/**
 * `probe` evaluated in a new page at `url`, natively (see withoutExtension), then in `context` (with the extension).
 * A string probe is an expression (for code built from parts, e.g. a probe's source sent to a worker).
 */
export async function withAndWithout<R>(
  context: BrowserContext,
  url: string,
  probe: string | (() => Promise<R>),
): Promise<{ native: R; hooked: R }> {
  const inPage = async (page: Page) => (await page.evaluate(probe)) as R;
  const native = await natively(url, inPage);
  return { native, hooked: await inPage(await openPage(context, url)) };
}

export async function serviceWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}

export async function extensionId(context: BrowserContext): Promise<string> {
  return new URL((await serviceWorker(context)).url()).host;
}

/**
 * The tab id Chrome gave `page`. Without the "tabs" permission (we don't ask
 * for it) tab URLs are hidden, so the page is brought to front and the
 * service worker reads the active tab.
 */
export async function tabIdOf(context: BrowserContext, page: Page): Promise<number> {
  await page.bringToFront();
  const sw = await serviceWorker(context);
  const id = await sw.evaluate(async () => {
    const tabs = await chrome.tabs.query({ active: true });
    return tabs.length === 1 ? (tabs[0].id ?? -1) : -1;
  });
  if (id < 0) throw new Error(`no single active tab for ${page.url()}`);
  return id;
}

export async function openPanel(context: BrowserContext, tabId: number, query = ''): Promise<Page> {
  const panel = await context.newPage();
  await panel.goto(`chrome-extension://${await extensionId(context)}/extension/panel/index.html?tabId=${tabId}${query}`);
  return panel;
}

/**
 * Turns "Record this site on every load" on or off for `origin` through the
 * service worker (the extension is dormant on every page until then).
 */
export async function recordSite(context: BrowserContext, origin: string, on = true): Promise<string[]> {
  const sw = await serviceWorker(context);
  return sw.evaluate(
    ([o, v]) =>
      (globalThis as unknown as { wasmLeaks: { setSiteRecorded(o: string, v: boolean): Promise<string[]> } }).wasmLeaks.setSiteRecorded(
        o,
        v,
      ),
    [origin, on] as [string, boolean],
  );
}

/** `recordSite`: whether the test site is recorded on every load (default: yes, as the specs predate dormancy). */
type Fixtures = { context: BrowserContext; site: string; recordSite: boolean };

export const test = base.extend<Fixtures, { server: Server }>({
  recordSite: [true, { option: true }],
  server: [
    async ({}, use) => {
      const server: Server = await serve(SITE, 0);
      await use(server);
      server.close();
    },
    { scope: 'worker' },
  ],
  site: async ({ server }, use) => {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('server not listening');
    await use(`http://127.0.0.1:${address.port}`);
  },
  context: async ({ site, recordSite: record }, use) => {
    const context = await launch(true);
    if (record) await recordSite(context, site, true);
    await use(context);
    await context.close();
  },
});
export { expect } from '@playwright/test';

/** Opens the demo page for one build and waits until its module is loaded. */
export async function openDemo(context: BrowserContext, site: string, build = 'wasi-O0'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site}/index.html?build=${build}`);
  await demoReady(page);
  return page;
}

/** Waits until the demo page's module is loaded (after openDemo, or a reload). */
export async function demoReady(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { demo: { ready: Promise<unknown> } }).demo.ready);
}
