// Whole allocation stacks in the panel, on stacks.cpp built with emscripten
// -O2 (e2e/site/stacks.html; figures in e2e/fixtures/STACKS.md): leak_all(10)
// leaks 10 blocks from each of make_apple (24 B) and make_banana (40 B), both
// through xmalloc, and new_cherry (48 B) and new_date (56 B), both through
// libc++'s operator new. The page marks xmalloc and operator new as allocator
// wrappers, so the Sites view has one row per caller; the user can fold or
// unfold a function (valgrind's --alloc-fn), remembered across reloads.
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { test, expect, openPanel, tabIdOf } from './harness';
import { compareAround } from './scenario';

declare const stacks: { ready: Promise<boolean>; leakAll(n?: number): void; churn(n?: number): number };

const OP_NEW = 'operator new(unsigned long)';
/** Each caller: its block size, wrapper, and what its row shows. */
const CALLERS = [
  { name: 'new_date', size: 56, wrapper: OP_NEW, bytes: '+560 B' },
  { name: 'new_cherry', size: 48, wrapper: OP_NEW, bytes: '+480 B' },
  { name: 'make_banana', size: 40, wrapper: 'xmalloc', bytes: '+400 B' },
  { name: 'make_apple', size: 24, wrapper: 'xmalloc', bytes: '+240 B' },
];
const bySize = new Map(CALLERS.map((c) => [`${c.size} B`, c]));

async function openStacks(context: BrowserContext, site: string): Promise<{ page: Page; panel: Page }> {
  const page = await context.newPage();
  await page.goto(`${site}/stacks.html`);
  await page.evaluate(() => stacks.ready);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  return { page, panel };
}

/** Snapshot A, the page's "leak_all(10)" button, Snapshot B: 40 blocks, 1,680 B. */
async function leakAll(page: Page, panel: Page): Promise<void> {
  await compareAround(panel, () => page.getByRole('button', { name: 'leak_all(10)' }).click());
  await expect(panel.getByTestId('diff-new-count')).toHaveText('40');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('1,680 B');
}

type Row = [name: string, folded: string, count: string, bytes: string];

/** The allocator-wrapper mark button (`label`) of the `testId` row (site row, stack frame) that shows `name`. */
function markButton(panel: Page, testId: string, name: string, label: string): Locator {
  return panel.getByTestId(testId).filter({ hasText: name }).getByRole('button', { name: label });
}

/** The Sites rows, in order, as [site name, folded wrappers ('' for none), # New, Size Delta]. */
async function expectRows(panel: Page, rows: Row[]): Promise<void> {
  const siteRows = panel.getByTestId('site-row');
  await expect(siteRows).toHaveCount(rows.length);
  await expect(siteRows.getByTestId('site-name')).toHaveText(rows.map((r) => r[0]));
  for (const [i, r] of rows.entries()) {
    const folded = siteRows.nth(i).getByTestId('site-folded');
    if (r[1]) await expect(folded).toHaveText(r[1]);
    else await expect(folded).toHaveCount(0);
  }
  await expect(siteRows.getByTestId('site-new')).toHaveText(rows.map((r) => r[2]));
  await expect(siteRows.getByTestId('site-size-delta')).toHaveText(rows.map((r) => r[3]));
}

const BY_CALLER: Row[] = CALLERS.map((c) => [c.name, `→ ${c.wrapper}`, '10', c.bytes]);
const LEAK_ALL: Row = ['leak_all', '→ make_apple → xmalloc', '10', '+240 B'];

/** The block detail's stack: the wrapper's frame folded (dimmed), then the caller as the site, then leak_all. */
async function expectStackOf(panel: Page, caller: (typeof CALLERS)[number]): Promise<void> {
  const frames = panel.getByTestId('block-detail').getByTestId('stack-frame');
  await expect(frames.nth(0).locator('.fn')).toHaveText(caller.wrapper);
  await expect(frames.nth(0)).toHaveAttribute('data-folded', 'true');
  await expect(frames.nth(1).locator('.fn')).toHaveText(caller.name);
  await expect(frames.nth(1)).toHaveAttribute('data-site', 'true');
  await expect(frames.nth(2).locator('.fn')).toHaveText('leak_all');
  await expect(panel.getByTestId('block-detail').locator('[data-testid=stack-frame][data-site]')).toHaveCount(1);
}

test("leak_all(10): one Sites row per caller past xmalloc and operator new, every block's stack names its caller; fold and unfold a function", async ({
  context,
  site,
}) => {
  test.setTimeout(180_000);
  const { page, panel } = await openStacks(context, site);
  await leakAll(page, panel);

  // Exactly 4 rows (Size Delta, largest first), the wrapper each went through shown folded after the caller.
  await expectRows(panel, BY_CALLER);

  // A block of each row: expand it (the largest is open), click its first block.
  for (const [i, c] of CALLERS.entries()) {
    const row = panel.getByTestId('site-row').filter({ has: panel.getByTestId('site-name').getByText(c.name, { exact: true }) });
    if (i > 0) await row.click();
    await expect(row).toHaveAttribute('aria-expanded', 'true');
    await row.locator('xpath=following-sibling::*[@data-testid="block-row"][1]').click();
    await expect(panel.getByTestId('block-facts')).toContainText(`${c.size} B`);
    await expectStackOf(panel, c);
  }

  // Every one of the 40 blocks, through the Blocks view: its stack names its own caller.
  await panel.getByRole('radio', { name: 'Blocks' }).click();
  const blockRows = panel.getByTestId('block-row');
  await expect(blockRows).toHaveCount(40);
  const seen = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    const row = blockRows.nth(i);
    const size = (await row.getByTestId('block-size').textContent()) ?? '';
    const caller = bySize.get(size);
    expect(caller, `block ${i} has one of the four sizes (${size})`).toBeTruthy();
    await expect(row.getByTestId('block-site')).toHaveText(caller!.name);
    await row.click();
    await expect(panel.getByTestId('block-facts')).toContainText(` ${size} · `);
    await expectStackOf(panel, caller!);
    seen.set(caller!.name, (seen.get(caller!.name) ?? 0) + 1);
  }
  expect(Object.fromEntries(seen)).toEqual({ new_date: 10, new_cherry: 10, make_banana: 10, make_apple: 10 });

  // Tree, bottom-up: the wrappers' frames first, dimmed: operator new 1,040 B (cherry + date), xmalloc 640 B (apple + banana).
  await panel.getByRole('radio', { name: 'Tree' }).click();
  const tops = panel.getByTestId('tree-row').filter({ has: panel.locator('[role=gridcell].folded-frame') });
  await expect(tops.first()).toContainText(OP_NEW);
  await expect(tops.first()).toContainText('1,040 B');
  await expect(tops.filter({ hasText: 'xmalloc' })).toContainText('640 B');

  // Flame graph: the top box is all 1,680 B; clicking make_banana lists its 10 blocks of 40 B.
  await panel.getByRole('radio', { name: 'Flame' }).click();
  const nodes = panel.getByTestId('flame-node');
  await expect(nodes.first()).toHaveAttribute('data-bytes', '1680');
  await expect(nodes.filter({ hasText: /^leak_all$/ })).toHaveAttribute('data-bytes', '1680');
  await expect(nodes.filter({ hasText: 'xmalloc' })).toHaveCount(2);
  await expect(nodes.filter({ hasText: 'xmalloc' }).first()).toHaveClass(/folded/);
  await nodes.filter({ hasText: /^make_banana$/ }).click();
  await expect(panel.getByTestId('flame-selection')).toContainText('Blocks under make_banana: 10 (400 B)');
  await expect(panel.getByTestId('block-row')).toHaveCount(10);
  await expect(panel.getByTestId('block-size')).toHaveText(Array(10).fill('40 B'));
  await nodes.first().click();
  await expect(panel.getByTestId('block-row')).toHaveCount(40);

  // Mark make_apple as an allocator wrapper from the block detail: its row becomes its caller's, leak_all.
  await panel.getByRole('radio', { name: 'Sites' }).click();
  const appleRow = panel.getByTestId('site-row').filter({ has: panel.getByTestId('site-name').getByText('make_apple', { exact: true }) });
  await appleRow.click();
  await appleRow.locator('xpath=following-sibling::*[@data-testid="block-row"][1]').click();
  await expectStackOf(panel, CALLERS[3]);
  await panel
    .getByTestId('stack-frame')
    .filter({ hasText: 'make_apple' })
    .getByRole('button', { name: 'Treat as allocator wrapper' })
    .click();
  await expectRows(panel, [...BY_CALLER.slice(0, 3), LEAK_ALL]);
  // The detail's stack follows: make_apple folded, leak_all the site.
  await expect(panel.getByTestId('stack-frame').nth(1)).toHaveAttribute('data-folded', 'true');
  await expect(panel.getByTestId('stack-frame').nth(2)).toHaveAttribute('data-site', 'true');

  // Unmark it from the site row (the folded name is a button): back to the four callers.
  await panel.getByRole('button', { name: 'Not an allocator wrapper: make_apple' }).click();
  await expectRows(panel, BY_CALLER);

  // Unfold xmalloc (the page's own mark): make_apple and make_banana meet in one xmalloc row, 20 blocks.
  await panel.getByRole('button', { name: 'Not an allocator wrapper: xmalloc' }).first().click();
  await expectRows(panel, [['xmalloc', '', '20', '+640 B'], ...BY_CALLER.slice(0, 2)]);
  await markButton(panel, 'site-row', 'xmalloc', 'Treat xmalloc as allocator wrapper').click();
  await expectRows(panel, BY_CALLER);
});

test('a mark is remembered for the module across reloads and travels in an export', async ({ context, site }) => {
  const { page, panel } = await openStacks(context, site);
  await leakAll(page, panel);
  await expectRows(panel, BY_CALLER);
  // Fold make_apple from its site row.
  await panel.getByRole('button', { name: 'Treat make_apple as allocator wrapper' }).click();
  await expectRows(panel, [...BY_CALLER.slice(0, 3), LEAK_ALL]);

  // The page reloads, the panel reopens: the same module (URL and size) gets the mark again.
  await panel.close();
  await page.reload();
  await page.evaluate(() => stacks.ready);
  const again = await openPanel(context, await tabIdOf(context, page));
  await expect(again.getByTestId('module-status')).toHaveText('instrumented ✓');
  await leakAll(page, again);
  await expectRows(again, [...BY_CALLER.slice(0, 3), LEAK_ALL]);

  // Export carries it.
  const download = again.waitForEvent('download');
  await again.getByRole('button', { name: 'Export' }).click();
  const file = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as { version: number; wrappers: unknown[] };
  expect(file.version).toBe(2);
  expect(file.wrappers).toEqual([{ module: `${site}/wasm/stacks-emcc-O2.wasm`, size: 15906, func: 5, name: 'make_apple', alloc: true }]);

  // Unmark from a block's stack: back to the four callers, and forgotten for the next visit.
  const row = again.getByTestId('site-row').filter({ has: again.getByTestId('site-name').getByText('leak_all', { exact: true }) });
  await row.click();
  await row.locator('xpath=following-sibling::*[@data-testid="block-row"][1]').click();
  await markButton(again, 'stack-frame', 'make_apple', 'Not an allocator wrapper').click();
  await expectRows(again, BY_CALLER);
  const stored = await again.evaluate(() => chrome.storage.local.get(null));
  expect(stored).toEqual({});
});
