// The panel inside a real DevTools window (issue 14), not opened as a tab:
// headless Chromium with DevTools docked to the right of a 1500×900 window (its
// default share: the panel gets ≈554 px, the narrow layout). A user's path:
// select WASM Leaks, Reload and record, Snapshot A, the demo's
// simulate_memory_leak() button, Snapshot B; the seed leak's row in view. Then
// DevTools' own theme setting, followed by the panel while it runs, and a stack
// frame's location opened by DevTools (chrome.devtools.panels.openResource).
// Screenshots of the DevTools window go to the test's output folder, or to
// DEVTOOLS_SHOTS (docs/devtools-window-*.png were made so).
import { join } from 'node:path';
import type { Frame, Locator, Page, TestInfo } from '@playwright/test';
import { test as base, expect } from './harness';
import { type DevToolsWindow, closeDevToolsWindow, launchWithDevTools, panelFrame, panelTab, selectPanel } from './devtools-window';

declare const demo: { ready: Promise<unknown> };

const test = base.extend<{ win: DevToolsWindow }>({
  // Dormant until the panel's Reload and record, as for a user.
  recordSite: false,
  win: async ({}, use) => {
    const w = await launchWithDevTools();
    await use(w);
    await closeDevToolsWindow(w);
  },
});

function shot(testInfo: TestInfo, name: string): string {
  return process.env.DEVTOOLS_SHOTS ? join(process.env.DEVTOOLS_SHOTS, name) : testInfo.outputPath(name);
}

/** DevTools' side of the window (from the panel's left edge): headless paints no inspected page beside it. */
async function screenshotDevTools(devtools: Page, panel: Frame, path: string): Promise<void> {
  const box = (await (await panel.frameElement()).boundingBox())!;
  const size = devtools.viewportSize() ?? (await devtools.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight })));
  await devtools.screenshot({ path, clip: { x: box.x, y: 0, width: size.width - box.x, height: size.height } });
}

/** `inner` lies horizontally inside `outer` (nothing cut off, nothing to scroll sideways to). */
async function expectInsideX(inner: Locator, outer: Locator): Promise<void> {
  const a = (await inner.boundingBox())!;
  const b = (await outer.boundingBox())!;
  expect(a.x).toBeGreaterThanOrEqual(b.x - 0.5);
  expect(a.x + a.width).toBeLessThanOrEqual(b.x + b.width + 0.5);
}

test('in DevTools docked right: Reload and record, the seed leak between two snapshots, the theme followed, a frame opened by DevTools', async ({
  win,
  site,
}, testInfo) => {
  const { page, devtools } = win;
  await page.goto(`${site}/index.html?build=wasi-O0`);
  await page.evaluate(() => demo.ready);

  // WASM Leaks is in DevTools' » menu at this width; the previous-panel shortcut reaches it.
  await selectPanel(devtools, 'WASM Leaks');
  await expect(panelTab(devtools, 'WASM Leaks')).toHaveAttribute('aria-selected', 'true');
  const panel = await panelFrame(devtools);
  const [width, height] = await panel.evaluate(() => [window.innerWidth, window.innerHeight]);
  // Docked right: between 400 and 760 px wide, the narrow layout (Modules as a strip).
  expect(width).toBeGreaterThanOrEqual(400);
  expect(width).toBeLessThan(760);
  expect(height).toBeGreaterThan(600);
  testInfo.annotations.push({ type: 'panel size', description: `${width}×${height}` });

  // The page ran before recording: the panel offers Reload and record, which hooks the next load.
  await expect(panel.getByText('This page already loaded 1 WebAssembly module before recording')).toBeVisible();
  const toolbar = panel.getByRole('toolbar', { name: 'WASM Leaks toolbar' });
  await toolbar.getByRole('button', { name: 'Reload and record' }).click();
  await expect(panel.getByTestId('modules-strip')).toContainText('leak-wasi-O0.wasm instrumented ✓');
  await page.evaluate(() => demo.ready);

  await toolbar.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  await page.getByRole('button', { name: 'simulate_memory_leak()' }).click();
  await toolbar.getByRole('button', { name: 'Snapshot B' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText('100');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('102,400 B');
  const grid = panel.getByTestId('site-grid');
  const top = panel.getByTestId('site-row').first();
  await expect(top.getByTestId('site-name')).toHaveText('process_data');
  await expect(top.getByTestId('site-new')).toHaveText('100');
  await expect(top.getByTestId('site-size-delta')).toHaveText('+102,400 B');
  await expect(panel.getByTestId('block-row')).toHaveCount(100);
  // In view without scrolling sideways.
  expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  for (const id of ['site-name', 'site-new', 'site-size-delta']) await expectInsideX(top.getByTestId(id), grid);
  await expect(panel.locator('html')).toHaveAttribute('data-theme', 'light');
  await screenshotDevTools(devtools, panel, shot(testInfo, 'devtools-window-light.png'));

  // DevTools' Settings → Preferences → Theme: the running panel follows, both ways, without reopening.
  const background = () => panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await devtools.keyboard.press('F1');
  const theme = devtools.getByRole('combobox', { name: 'Theme' });
  await theme.selectOption('dark');
  await expect(panel.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await background();
  expect(dark).not.toBe(light);
  await devtools.keyboard.press('Escape');
  await expect(theme).toHaveCount(0);
  await expect(panelTab(devtools, 'WASM Leaks')).toHaveAttribute('aria-selected', 'true');
  // A block's stack, in the dark theme.
  await panel.getByTestId('block-row').nth(2).click();
  const frames = panel.getByTestId('block-detail').getByTestId('stack-frame');
  await expect(frames.first()).toContainText('process_data');
  await expect(frames.nth(1)).toContainText('simulate_memory_leak');
  await screenshotDevTools(devtools, panel, shot(testInfo, 'devtools-window-dark.png'));
  await devtools.keyboard.press('F1');
  await theme.selectOption('default');
  await expect(panel.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background()).toBe(light);
  await devtools.keyboard.press('Escape');
  await expect(theme).toHaveCount(0);

  // A wasm frame: leak.c is not a file DevTools has (the page never loads it), so the module's URL at the
  // frame's offset is what DevTools opens. The page compiled the module from bytes, so Sources has it only
  // as a wasm:// script: DevTools reveals the module's network resource (Application panel) instead.
  const wasmLocation = frames.first().getByTestId('frame-location');
  await expect(wasmLocation).toHaveText('leak.c:19 wasm-function[2]:0x1f2');
  await wasmLocation.click();
  await expect(panelTab(devtools, 'Application')).toHaveAttribute('aria-selected', 'true');
  await expect(devtools.getByRole('treeitem', { name: 'leak-wasi-O0.wasm', selected: true })).toBeVisible();

  // A JavaScript frame (the demo's app.js, which called the export): DevTools opens it in Sources.
  await selectPanel(devtools, 'WASM Leaks');
  const jsFrame = frames.filter({ has: panel.getByTestId('frame-location').filter({ hasText: /^app\.js:\d+/ }) }).first();
  const jsLocation = jsFrame.getByTestId('frame-location');
  const line = Number((await jsLocation.textContent())?.match(/^app\.js:(\d+)/)?.[1]);
  expect(line).toBeGreaterThan(0);
  await jsLocation.click();
  await expect(panelTab(devtools, 'Sources')).toHaveAttribute('aria-selected', 'true');
  await expect(devtools.getByRole('tab', { name: 'app.js', selected: true })).toBeVisible();
  await expect(panel.getByTestId('open-message')).toHaveCount(0);
});
