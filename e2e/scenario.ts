// The steps the panel specs share: the demo page with the panel on its tab,
// "Snapshot A → action → Snapshot B", and the seed leak as the comparison
// shows it. Launching Chromium and serving the site is harness.ts.
import type { BrowserContext, Page } from '@playwright/test';
import { expect, openDemo, openPage, openPanel, tabIdOf } from './harness';

/**
 * `window.demo` of the demo page (e2e/site/app.js). Code passed to
 * page.evaluate runs in the page, where it exists: a spec declares it with
 * `declare const demo: Demo;`.
 */
export interface Demo {
  ready: Promise<unknown>;
  /** Set once `ready` resolved (openDemo waits for it). */
  api: { call(name: string, ...args: number[]): number; memory(): ArrayBuffer; growJs(pages: number): number };
  /** simulate_memory_leak(): 100 blocks of 1,024 B at process_data (leak.c:19), never freed. */
  leak(): void;
  process(size?: number): void;
  fixed(size?: number): void;
  checksum(size?: number): number;
  /** malloc from JS through the module's export; returns the pointers. */
  jsMalloc(n?: number, size?: number): number[];
  /** Frees every block jsMalloc made; returns how many. */
  jsFree(): number;
  growJs(pages?: number): number;
  growWasm(pages?: number): number;
  memoryBytes(): number;
  workloads(): number[];
}

/** The first bytes of a seed-leak block: process_data wrote buffer[i] = i % 256. */
export const SEED_BYTES = '00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f';

/** The demo page for one build, and the panel on its tab once it lists the module as instrumented. */
export async function openDemoAndPanel(context: BrowserContext, site: string, build = 'wasi-O0'): Promise<{ page: Page; panel: Page }> {
  const page = await openDemo(context, site, build);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  return { page, panel };
}

/** A new page at `url` and the panel on its tab. */
export async function openPageAndPanel(context: BrowserContext, url: string): Promise<{ page: Page; panel: Page }> {
  const page = await openPage(context, url);
  return { page, panel: await openPanel(context, await tabIdOf(context, page)) };
}

/** The panel opened on a tab at the site's page without WebAssembly, then the tab sent to `url`: the panel listens before the page's modules start. */
export async function openPanelFirst(context: BrowserContext, site: string, url: string): Promise<{ page: Page; panel: Page }> {
  const opened = await openPageAndPanel(context, `${site}/no-wasm.html`);
  await opened.page.goto(url);
  return opened;
}

/** What the module list says each module runs in ('in worker classic.js “classic”'; nothing for the page), sorted: the list is in the order the contexts first spoke. */
export async function moduleContexts(panel: Page): Promise<string[]> {
  return (await panel.getByTestId('module-context').allTextContents()).sort();
}

/** The comparison's section names (the module, and the context it runs in), sorted. */
export async function diffSections(panel: Page): Promise<string[]> {
  return (await panel.locator('[data-testid="diff"] .module-name').allTextContents()).sort();
}

/** The comparison after the seed leak in each of several contexts: one section each, named `sections` (sorted), of 100 blocks / 102,400 B. */
export async function expectSeedLeakEach(panel: Page, sections: string[]): Promise<void> {
  await expect(panel.getByTestId('diff-new-count')).toHaveText(sections.map(() => '100'));
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText(sections.map(() => '102,400 B'));
  expect(await diffSections(panel)).toEqual(sections);
}

/**
 * Snapshot A, `action` (in the page), Snapshot B. Waits for the page's reply
 * to A before acting, also on a second round (when B is already enabled):
 * the hint shows once A is taken and the last comparison is gone. The
 * comparison follows B; assert on it with expect's retries.
 */
export async function compareAround(panel: Page, action: () => Promise<unknown>): Promise<void> {
  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  await expect(panel.getByRole('button', { name: 'Snapshot B' })).toBeEnabled();
  await action();
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
}

/** The comparison after demo.leak() between A and B: 100 blocks / 102,400 B, all at process_data, whose site is expanded. */
export async function expectSeedLeak(panel: Page): Promise<void> {
  await expect(panel.getByTestId('diff-new-count')).toHaveText('100');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('102,400 B');
  await expectTopSite(panel, 'process_data', '100', '+102,400 B', 100);
}

/** Snapshot A, demo.leak() in `page`, Snapshot B: the comparison shows the seed leak (expectSeedLeak). */
export async function leakAndExpectSeedLeak(panel: Page, page: Page): Promise<void> {
  await compareAround(panel, () => page.evaluate(() => (window as unknown as { demo: Demo }).demo.leak()));
  await expectSeedLeak(panel);
}

/** The Sites table's first row: its label holds `label`, it has `count` new blocks and `delta` bytes; `blocks` block rows are listed (its own, expanded). */
export async function expectTopSite(panel: Page, label: string, count: string, delta: string, blocks: number): Promise<void> {
  const top = panel.getByTestId('site-row').first();
  await expect(top.getByTestId('site-label')).toContainText(label);
  await expect(top.getByTestId('site-new')).toHaveText(count);
  await expect(top.getByTestId('site-size-delta')).toHaveText(delta);
  await expect(panel.getByTestId('block-row')).toHaveCount(blocks);
}
