// The panel wherever DevTools is docked (issue 14): wide (1400×900), docked
// right (520×900) and docked to the bottom (1400×300). At each size every
// toolbar action is reachable by role and name (in the » menu when it does not
// fit), the seed leak's row shows # New 100 and Size Delta +102,400 B without
// horizontal scrolling, and a block's detail shows its stack without hiding the
// block's row. Screenshots of each size go to the test's output folder, or to
// LAYOUT_SHOTS (docs/layout-*.png were made so).
import { join } from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { test, expect } from './harness';
import { openDemoAndPanel, compareAround, type Demo } from './scenario';

declare const demo: Demo;

const SIZES = [
  { name: 'wide', width: 1400, height: 900 },
  { name: 'narrow', width: 520, height: 900 },
  { name: 'short', width: 1400, height: 300 },
] as const;

/** Every toolbar action: its accessible name and its role in the toolbar and in the » menu. */
const ACTIONS = [
  // Record/Stop: the panel starts recording, so the toggle offers Stop.
  { name: 'Stop', bar: 'button', menu: 'menuitem' },
  { name: 'Reload and record', bar: 'button', menu: 'menuitem' },
  { name: 'Clear', bar: 'button', menu: 'menuitem' },
  { name: 'JS stack per allocation', bar: 'checkbox', menu: 'menuitemcheckbox' },
  { name: 'Snapshot A', bar: 'button', menu: 'menuitem' },
  { name: 'Snapshot B', bar: 'button', menu: 'menuitem' },
  { name: 'Snapshot C', bar: 'button', menu: 'menuitem' },
  { name: 'Export', bar: 'button', menu: 'menuitem' },
  { name: 'Import', bar: 'button', menu: 'menuitem' },
] as const;

/** Where a screenshot goes: LAYOUT_SHOTS if set (the folder docs/layout-*.png were copied from), else the test's output folder. */
function shot(testInfo: TestInfo, name: string): string {
  return process.env.LAYOUT_SHOTS ? join(process.env.LAYOUT_SHOTS, name) : testInfo.outputPath(name);
}

/** `inner` lies inside `outer`'s box, horizontally and vertically (nothing cut off, nothing to scroll to). */
async function expectInside(inner: Locator, outer: Locator): Promise<void> {
  const a = (await inner.boundingBox())!;
  const b = (await outer.boundingBox())!;
  expect(a.x).toBeGreaterThanOrEqual(b.x - 0.5);
  expect(a.y).toBeGreaterThanOrEqual(b.y - 0.5);
  expect(a.x + a.width).toBeLessThanOrEqual(b.x + b.width + 0.5);
  expect(a.y + a.height).toBeLessThanOrEqual(b.y + b.height + 0.5);
}

/** Where each action is: 'bar' or 'menu'. Opens and closes the » menu as needed. */
async function actionPlaces(panel: Page): Promise<Record<string, 'bar' | 'menu'>> {
  const toolbar = panel.getByRole('toolbar', { name: 'WASM Leaks toolbar' });
  const more = toolbar.getByRole('button', { name: 'More tools' });
  const places: Record<string, 'bar' | 'menu'> = {};
  for (const a of ACTIONS) {
    if (await toolbar.getByRole(a.bar, { name: a.name, exact: true }).isVisible()) {
      places[a.name] = 'bar';
      continue;
    }
    await more.click({ timeout: 5000 });
    const menu = panel.getByRole('menu', { name: 'More tools' });
    await expect(menu.getByRole(a.menu, { name: a.name, exact: true })).toBeVisible();
    places[a.name] = 'menu';
    await panel.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
  }
  return places;
}

for (const size of SIZES) {
  test(`${size.name} ${size.width}×${size.height}: toolbar actions by role and name, the seed leak's row and a block's stack in view`, async ({
    context,
    site,
  }, testInfo) => {
    const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
    await panel.setViewportSize({ width: size.width, height: size.height });
    const toolbar = panel.getByRole('toolbar', { name: 'WASM Leaks toolbar' });
    // The toolbar has re-measured for this size before its actions are looked at one by one (each look
    // is immediate): narrow, the layout is the narrow one and the » button is there.
    if (size.name === 'narrow') {
      await expect(panel.getByTestId('modules-strip')).toBeVisible();
      await expect(toolbar.getByRole('button', { name: 'More tools' })).toBeVisible();
    } else {
      await expect(panel.getByTestId('module-status')).toBeVisible();
      await expect(toolbar.getByRole('button', { name: 'More tools' })).toHaveCount(0);
    }

    // Every action reachable; the toolbar itself never scrolls or cuts one off.
    const places = await actionPlaces(panel);
    expect(await toolbar.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    if (size.name === 'narrow') {
      // Lowest priority first into the menu: Import, Export, the JS-stack toggle.
      expect(places).toMatchObject({ Stop: 'bar', 'Snapshot A': 'bar', 'Snapshot B': 'bar', Export: 'menu', Import: 'menu' });
      expect(places['JS stack per allocation']).toBe('menu');
      for (const name of Object.keys(places).filter((n) => places[n] === 'bar'))
        await expectInside(toolbar.getByRole(name === 'JS stack per allocation' ? 'checkbox' : 'button', { name, exact: true }), toolbar);
      // A toggle in the menu works like the toolbar's checkbox, and says its state.
      await toolbar.getByRole('button', { name: 'More tools' }).click();
      await panel.getByRole('menuitemcheckbox', { name: 'JS stack per allocation' }).click();
      await toolbar.getByRole('button', { name: 'More tools' }).click();
      await expect(panel.getByRole('menuitemcheckbox', { name: 'JS stack per allocation' })).toHaveAttribute('aria-checked', 'true');
      await panel.keyboard.press('Escape');
      await expect(toolbar.getByRole('button', { name: 'More tools' })).toBeFocused();
      // Modules: a one-line strip, opened on demand.
      const strip = panel.getByTestId('modules-strip');
      await expect(strip).toContainText('Modules (1)');
      await expect(strip).toContainText('leak-wasi-O0.wasm instrumented ✓');
      await expect(panel.getByTestId('module-status')).toBeHidden();
      await strip.click();
      await expect(panel.getByTestId('module-status')).toBeVisible();
      await strip.click();
    } else {
      expect(Object.values(places).every((p) => p === 'bar')).toBe(true);
      await expect(toolbar.getByRole('button', { name: 'More tools' })).toHaveCount(0);
      await expect(panel.getByTestId('module-status')).toBeVisible();
    }

    await compareAround(panel, () => page.evaluate(() => demo.leak()));
    await expect(panel.getByTestId('diff-new-count')).toHaveText('100');
    const grid = panel.getByTestId('site-grid');
    // The grid's own header row (the expanded site's block header names other columns).
    const heads = grid.getByRole('rowgroup').first().getByRole('columnheader');
    const top = panel.getByTestId('site-row').first();
    await expect(top.getByTestId('site-name')).toHaveText('process_data');
    await expect(top.getByTestId('site-new')).toHaveText('100');
    await expect(top.getByTestId('site-size-delta')).toHaveText('+102,400 B');
    // Visible without horizontal scrolling: the grid is no wider than its box, and the cells are inside it.
    expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expectInside(top.getByTestId('site-name'), grid);
    await expectInside(top.getByTestId('site-new'), grid);
    await expectInside(top.getByTestId('site-size-delta'), grid);
    if (size.name === 'narrow') {
      // The site, # New, the size and the sorted column (Size Delta by default); the others on demand.
      await expect(heads).toHaveText([/^Allocation site/, '# New', 'Size Delta']);
      await grid.getByRole('button', { name: 'Columns' }).click();
      await panel.getByRole('menuitemcheckbox', { name: 'Live bytes' }).click();
      await expect(heads).toHaveText([/^Allocation site/, '# New', 'Size Delta', 'Live bytes']);
      expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      await grid.getByRole('button', { name: 'Columns' }).click();
      await expect(panel.getByRole('menuitemcheckbox', { name: 'Live bytes' })).toHaveAttribute('aria-checked', 'true');
      await panel.getByRole('menuitemcheckbox', { name: 'Live bytes' }).click();
      // Sorted by a column, the table shows it.
      await grid.getByRole('columnheader', { name: '# New' }).click();
      await expect(heads).toHaveText([/^Allocation site/, '# New', 'Size Delta']);
      await expect(grid.getByRole('columnheader', { name: '# New' })).toHaveAttribute('aria-sort', 'descending');
      await grid.getByRole('columnheader', { name: 'Size Delta' }).click();
      await expect(grid.getByRole('columnheader', { name: 'Size Delta' })).toHaveAttribute('aria-sort', 'descending');
    } else {
      await expect(heads).toHaveText(['Allocation site', '# New', '# Freed', '# Delta', 'Size Delta', 'Live bytes']);
    }
    await panel.screenshot({ path: shot(testInfo, `layout-${size.name}-comparison.png`) });

    // A block of the leak: its detail shows the stack, and its row stays in view beside or above the drawer.
    const block = panel.getByTestId('block-row').nth(2);
    await block.click();
    const detail = panel.getByTestId('block-detail');
    await expect(detail).toBeVisible();
    const frames = panel.getByTestId('stack-frame');
    await expect(frames.first()).toContainText('process_data');
    await expect(frames.nth(1)).toContainText('simulate_memory_leak');
    await expectInside(frames.first(), detail);
    await expectInside(frames.nth(1), detail);
    await expect(frames.first()).toBeInViewport({ ratio: 1 });
    await expect(frames.nth(1)).toBeInViewport({ ratio: 1 });
    await expect(block).toHaveClass(/selected/);
    // Beside a drawer (short), the tables keep their key columns: still nothing to scroll sideways.
    expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    if (size.name === 'short') await expect(heads).toHaveText([/^Allocation site/, '# New', 'Size Delta']);
    await expectInside(block, grid);
    await expect(block).toBeInViewport({ ratio: 1 });
    const d = (await detail.boundingBox())!;
    const b = (await block.boundingBox())!;
    if (size.name === 'short') expect(b.x + b.width).toBeLessThanOrEqual(d.x + 0.5);
    else expect(b.y + b.height).toBeLessThanOrEqual(d.y + 0.5);
    await panel.waitForFunction(() => !document.querySelector('[data-testid=hexdump]')?.textContent?.includes('Reading'));
    await panel.screenshot({ path: shot(testInfo, `layout-${size.name}-detail.png`) });

    // The block's wasm frame opens in DevTools: its DWARF source resolved against the module's URL, as a file: URL,
    // else the module at the frame's offset. Opened as a tab (no chrome.devtools), the panel says why it cannot.
    const src = '/work/main/e2e/fixtures/src/leak.c';
    const location = frames.first().getByTestId('frame-location');
    await expect(location).toHaveText('leak.c:19 wasm-function[2]:0x1f2');
    await expect(location).toHaveAttribute(
      'title',
      `Open in DevTools: ${site}${src}:19, else file://${src}:19, else ${site}/wasm/leak-wasi-O0.wasm at 0x1f2`,
    );
    await location.click();
    await expect(panel.getByTestId('open-message')).toHaveText(
      `Opening ${src}:19 in Sources needs the panel inside DevTools (it is open as a tab).`,
    );
  });
}

test('splitter sizes and the chosen view are remembered across panel sessions', async ({ context, site }) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  await panel.setViewportSize({ width: 1400, height: 900 });
  const timeline = panel.getByRole('separator', { name: 'Resize timeline' });
  const modules = panel.getByRole('separator', { name: 'Resize modules' });
  await expect(timeline).toHaveAttribute('aria-valuenow', '224');
  await expect(modules).toHaveAttribute('aria-valuenow', '262');
  // Keyboard: 10 px a step, 50 with Shift.
  await timeline.focus();
  await panel.keyboard.press('Shift+ArrowUp');
  await panel.keyboard.press('ArrowUp');
  await expect(timeline).toHaveAttribute('aria-valuenow', '164');
  expect((await panel.getByRole('region', { name: 'Timeline' }).boundingBox())!.height).toBe(164);
  // Mouse: drag the modules divider 100 px right.
  const m = (await modules.boundingBox())!;
  await panel.mouse.move(m.x + 0.5, 400);
  await panel.mouse.down();
  await panel.mouse.move(m.x + 100.5, 400, { steps: 4 });
  await panel.mouse.up();
  await expect(modules).toHaveAttribute('aria-valuenow', '362');
  await compareAround(panel, () => page.evaluate(() => demo.leak()));
  await panel.getByRole('radio', { name: 'Tree' }).click();
  await panel.getByTestId('tree-row').first().click();

  // A new panel session (DevTools closed and reopened): the same sizes and view.
  await panel.reload();
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  await expect(panel.getByRole('separator', { name: 'Resize timeline' })).toHaveAttribute('aria-valuenow', '164');
  await expect(panel.getByRole('separator', { name: 'Resize modules' })).toHaveAttribute('aria-valuenow', '362');
  expect((await panel.getByRole('region', { name: 'Modules' }).boundingBox())!.width).toBe(362);
  await expect(panel.getByRole('radio', { name: 'Tree' })).toHaveAttribute('aria-checked', 'true');
  // Docked to the bottom the remembered timeline height gives way to the table (36% of 300 px), and comes back when tall.
  await panel.setViewportSize({ width: 1400, height: 300 });
  await expect(panel.getByRole('separator', { name: 'Resize timeline' })).toHaveAttribute('aria-valuenow', '108');
  await panel.setViewportSize({ width: 1400, height: 900 });
  await expect(panel.getByRole('separator', { name: 'Resize timeline' })).toHaveAttribute('aria-valuenow', '164');
});

test('the » menu: its first item has the focus as soon as it opens, and Escape closes it from the item or the » button', async ({
  context,
  site,
}) => {
  const { panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  await panel.setViewportSize({ width: 520, height: 900 });
  const more = panel.getByRole('toolbar', { name: 'WASM Leaks toolbar' }).getByRole('button', { name: 'More tools' });
  const menu = panel.getByRole('menu', { name: 'More tools' });
  // Read at once, without expect's retries: a key pressed right after the click must find the menu focused.
  const focused = () => panel.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);
  const expanded = () => panel.evaluate(() => document.querySelector('.toolbar .overflow-button')?.getAttribute('aria-expanded'));
  for (let round = 0; round < 3; round++) {
    await more.click();
    expect(await expanded()).toBe('true');
    expect(await focused()).toBe('JS stack per allocation');
    await panel.keyboard.press('Escape');
    expect(await expanded()).toBe('false');
    expect(await focused()).toBe('More tools');
    await expect(menu).toHaveCount(0);
  }
  // Focus back on the » button while the menu is open: Escape still closes it (and leaves the block detail alone).
  await more.click();
  await more.focus();
  await panel.keyboard.press('Escape');
  expect(await expanded()).toBe('false');
  expect(await focused()).toBe('More tools');
});
