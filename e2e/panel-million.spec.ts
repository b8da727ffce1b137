import { test, expect, openDemo, openPanel, tabIdOf } from './harness';

declare const demo: { api: { call(name: string, ...args: number[]): number } };

test('1,000,000 new blocks at one site: the comparison renders, sorts and scrolls with a small DOM', async ({ context, site }) => {
  test.setTimeout(240_000);
  const page = await openDemo(context, site, 'wasi-O0');
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByRole('button', { name: 'Snapshot B' })).toBeEnabled();
  await page.evaluate(() => demo.api.call('make_list', 1_000_000, 1));
  await panel.getByRole('button', { name: 'Snapshot B' }).click();

  await expect(panel.getByTestId('diff-new-count')).toHaveText('1,000,000', { timeout: 120_000 });
  const top = panel.getByTestId('site-row').first();
  await expect(top.getByTestId('site-new')).toHaveText('1,000,000');
  await expect(top.getByTestId('site-size-delta')).toHaveText('+32,000,000 B');

  // Virtualized: the expanded site's million rows are not all in the DOM.
  const blockRows = panel.getByTestId('block-row');
  await expect(blockRows.first()).toBeVisible();
  expect(await blockRows.count()).toBeLessThan(200);

  const sortNew = panel.getByRole('columnheader', { name: '# New' });
  await sortNew.click();
  await expect(sortNew).toHaveAttribute('aria-sort', 'descending');

  // Scroll to the middle and to the end: rows there render, the DOM stays small.
  const grid = panel.getByTestId('site-grid');
  await grid.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
  await expect(panel.locator('[data-testid=block-row][data-row="500000"]')).toHaveCount(1);
  await grid.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await expect(panel.locator('[data-testid=block-row][data-row="1000000"]')).toHaveCount(1);
  expect(await blockRows.count()).toBeLessThan(200);
  await panel.locator('[data-testid=block-row][data-row="1000000"]').click();
  await expect(panel.getByTestId('block-facts')).toContainText('32 B');

  // Blocks view sorts all million rows by address.
  await panel.getByRole('radio', { name: 'Blocks' }).click();
  const byAddress = panel.getByRole('columnheader', { name: 'Address' });
  await byAddress.click();
  await expect(byAddress).toHaveAttribute('aria-sort', 'descending');
  await byAddress.click();
  await expect(byAddress).toHaveAttribute('aria-sort', 'ascending');
  expect(await panel.getByTestId('block-row').count()).toBeLessThan(200);
});
