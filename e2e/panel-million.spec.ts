import { test, expect } from './harness';
import { openDemoAndPanel, compareAround, type Demo } from './scenario';

declare const demo: Demo;

test('1,000,000 new blocks at one site: the comparison renders, sorts and scrolls with a small DOM', async ({ context, site }) => {
  test.setTimeout(240_000);
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  await compareAround(panel, () => page.evaluate(() => demo.api.call('make_list', 1_000_000, 1)));

  await expect(panel.getByTestId('diff-new-count')).toHaveText('1,000,000', { timeout: 120_000 });
  const top = panel.getByTestId('site-row').first();
  await expect(top.getByTestId('site-new')).toHaveText('1,000,000');
  await expect(top.getByTestId('site-size-delta')).toHaveText('+32,000,000 B');

  // Virtualized: the expanded site's million rows (after its block header row) are not all in the DOM.
  await expect(panel.getByTestId('block-head').getByRole('columnheader')).toHaveText(['Address', 'Size', 'Allocation #', 'Age', '']);
  const blockRows = panel.getByTestId('block-row');
  await expect(blockRows.first()).toBeVisible();
  expect(await blockRows.count()).toBeLessThan(200);

  const sortNew = panel.getByRole('columnheader', { name: '# New' });
  await sortNew.click();
  await expect(sortNew).toHaveAttribute('aria-sort', 'descending');

  // Scroll to the middle and to the end (row 0: the site, 1: its block header): rows there render, the DOM stays small.
  const grid = panel.getByTestId('site-grid');
  await grid.evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  await expect(panel.locator('[data-testid=block-row][data-row="500000"]')).toHaveCount(1);
  await grid.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(panel.locator('[data-testid=block-row][data-row="1000001"]')).toHaveCount(1);
  expect(await blockRows.count()).toBeLessThan(200);
  await panel.locator('[data-testid=block-row][data-row="1000001"]').click();
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
