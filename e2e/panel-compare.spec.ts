import { test, expect } from './harness';
import { openDemoAndPanel, compareAround, SEED_BYTES, type Demo } from './scenario';

declare const demo: Demo;

test('Reload and record, A → B: process_data (leak.c:19) is the top site with 100 new / +102,400 B; sortable; stack and bytes; tree and blocks views', async ({
  context,
  site,
}) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');

  await panel.getByRole('button', { name: 'Reload and record' }).click();
  await expect(panel.getByTestId('module')).toHaveCount(1);
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  await page.waitForFunction(() => (window as unknown as { demo?: { api: unknown } }).demo?.api);

  await compareAround(panel, () =>
    page.evaluate(() => {
      demo.leak();
      demo.jsMalloc(3, 2048);
    }),
  );

  await expect(panel.getByTestId('diff-new-count')).toHaveText('103');
  const rows = panel.getByTestId('site-row');
  await expect(rows).toHaveCount(2);
  const top = rows.first();
  await expect(top.getByTestId('site-label')).toContainText('process_data');
  await expect(top.getByTestId('site-label')).toContainText('leak.c:19');
  await expect(top.getByTestId('site-new')).toHaveText('100');
  await expect(top.getByTestId('site-size-delta')).toHaveText('+102,400 B');

  // Sorting: Size Delta descending is the default; # New, then ascending, puts the 3 JS blocks first.
  const sortNew = panel.getByRole('columnheader', { name: '# New' });
  const sortSize = panel.getByRole('columnheader', { name: 'Size Delta' });
  await expect(sortSize).toHaveAttribute('aria-sort', 'descending');
  await sortNew.click();
  await expect(sortNew).toHaveAttribute('aria-sort', 'descending');
  await expect(sortSize).toHaveAttribute('aria-sort', 'none');
  await expect(rows.first().getByTestId('site-new')).toHaveText('100');
  await sortNew.click();
  await expect(sortNew).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first().getByTestId('site-new')).toHaveText('3');
  await sortSize.click();
  await expect(rows.first().getByTestId('site-size-delta')).toHaveText('+102,400 B');
  await sortSize.click();
  await expect(sortSize).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first().getByTestId('site-size-delta')).toHaveText('+6,144 B');
  await sortSize.click();

  // The largest site was expanded: a header row naming the block columns, its 100 blocks. Click one for its stack and bytes.
  await expect(panel.getByTestId('block-head').getByRole('columnheader')).toHaveText(['Address', 'Size', 'Allocation #', 'Age', '']);
  await expect(panel.getByTestId('block-row')).toHaveCount(100);
  await expect(panel.getByTestId('block-row').first().getByTestId('block-size')).toHaveText('1,024 B');
  await panel.getByTestId('block-row').first().click();
  const frames = panel.getByTestId('stack-frame');
  await expect(frames.first()).toContainText('process_data');
  await expect(frames.filter({ hasText: 'simulate_memory_leak' })).toHaveCount(1);
  await expect(panel.getByTestId('hexdump')).toContainText(SEED_BYTES);
  await expect(panel.getByTestId('block-facts')).toContainText('1,024 B');
  await panel.keyboard.press('Escape');
  await expect(panel.getByTestId('block-detail')).toHaveCount(0);

  // Keyboard: Enter on a focused site row collapses it.
  await rows.first().focus();
  await panel.keyboard.press('Enter');
  await expect(panel.getByTestId('block-row')).toHaveCount(0);
  await expect(panel.getByTestId('block-head')).toHaveCount(0);
  await panel.keyboard.press('ArrowDown');
  await panel.keyboard.press('Enter');
  await expect(panel.getByTestId('block-row')).toHaveCount(3);
  await expect(panel.getByTestId('block-head')).toHaveCount(1);

  // Tree view: leaked bytes by stack, bottom-up from the allocating function.
  await panel.getByRole('radio', { name: 'Tree' }).click();
  await expect(panel.getByTestId('tree-row').first()).toContainText('process_data');
  await expect(panel.getByTestId('tree-row').first()).toContainText('102,400 B');
  // Blocks view: all 103 blocks, largest first.
  await panel.getByRole('radio', { name: 'Blocks' }).click();
  await expect(panel.getByTestId('block-row')).toHaveCount(103);
  await expect(panel.getByTestId('block-size').first()).toHaveText('2,048 B');
  await panel.getByRole('radio', { name: 'Sites' }).click();
});

// At -O0 make_list's dead shadow-stack frame still holds `head`: the page's
// scan leaves the dead stack out of its roots, so the list is still lost.
test('Leak kinds on a 10-node list whose head is dropped: 1 definitely lost + 9 indirectly lost', async ({ context, site }) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  await expect(panel.getByRole('button', { name: 'Leak kinds' })).toBeDisabled();
  await compareAround(panel, () => page.evaluate(() => demo.api.call('make_list', 10, 0)));
  await expect(panel.getByTestId('diff-new-count')).toHaveText('10');
  await panel.getByRole('button', { name: 'Leak kinds' }).click();
  await expect(panel.getByTestId('leak-summary')).toHaveText('Leak kinds: 1 definitely lost (32 B), 9 indirectly lost (288 B)');
  await expect(panel.getByTestId('site-row').first().getByTestId('site-kinds')).toHaveText('1 definitely lost, 9 indirectly lost');
  await expect(panel.getByTestId('block-head').getByRole('columnheader')).toHaveText([
    'Address',
    'Size',
    'Allocation #',
    'Age',
    'Leak kind',
  ]);
  await expect(panel.getByTestId('block-kind').filter({ hasText: 'definitely lost' })).toHaveCount(1);
  await expect(panel.getByTestId('block-kind').filter({ hasText: 'indirectly lost' })).toHaveCount(9);
  await panel.getByTestId('block-kind').filter({ hasText: 'definitely lost' }).click();
  await expect(panel.getByTestId('block-leak-kind')).toHaveText('definitely lost');
});

test("Stop freezes the panel's counters while the page keeps tracking; Record resumes", async ({ context, site }) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  const liveCount = panel.getByTestId('module-live-count');
  await expect(liveCount).toHaveText('0');
  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(panel.getByText('Stopped: timeline frozen')).toBeVisible();
  // The page keeps counting: a comparison taken while stopped has the 5 new
  // blocks. The page flushes its counters (live count 5) before it answers a
  // snapshot, so that sample reached the panel before the comparison did;
  // the panel did not show it.
  await compareAround(panel, () => page.evaluate(() => demo.jsMalloc(5, 64)));
  await expect(panel.getByTestId('diff-new-count')).toHaveText('5');
  await expect(liveCount).toHaveText('0');
  await expect(panel.getByTestId('module-live-bytes')).toHaveText('0 B');
  await panel.getByRole('button', { name: 'Record', exact: true }).click();
  await page.evaluate(() => demo.jsMalloc(1, 64));
  await expect(liveCount).toHaveText('6');
});

// Whole wasm stacks are always on: a stack's JS frames are those of the first
// allocation on its wasm path (wasm does not see which JS function called an
// export). The toolbar's "JS stack per allocation" captures them per
// allocation: process_data called from app.js's demo.process and straight from
// the test's script are one wasm path, but two stacks.
test('JS stack per allocation: one process_data site; two JS callers of the same export keep their own JS frames', async ({
  context,
  site,
}) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  const toggle = panel.getByRole('checkbox', { name: 'JS stack per allocation' });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await compareAround(panel, async () => {
    await page.evaluate(() => demo.leak());
    await page.evaluate(() => demo.process(1000));
    await page.evaluate(() => demo.api.call('process_data', 2000));
  });
  await expect(panel.getByTestId('diff-new-count')).toHaveText('102');
  // One site: every block was allocated at process_data (leak.c:19).
  await expect(panel.getByTestId('site-row')).toHaveCount(1);
  await expect(panel.getByTestId('site-new')).toHaveText(['102']);
  await expect(panel.getByTestId('site-name')).toHaveText(['process_data']);
  // Each block's stack has its own JS caller.
  await panel.getByRole('radio', { name: 'Blocks' }).click();
  const frames = panel.getByTestId('stack-frame');
  await panel
    .getByTestId('block-row')
    .filter({ has: panel.getByTestId('block-size').getByText('2,000 B') })
    .click();
  await expect(frames.first()).toContainText('process_data');
  await expect(frames.filter({ hasText: 'Object.process' })).toHaveCount(0);
  await expect(frames.filter({ hasText: 'simulate_memory_leak' })).toHaveCount(0);
  await panel
    .getByTestId('block-row')
    .filter({ has: panel.getByTestId('block-size').getByText('1,000 B') })
    .click();
  await expect(frames.filter({ hasText: 'Object.process' })).toHaveCount(1);
  await panel
    .getByTestId('block-row')
    .filter({ has: panel.getByTestId('block-size').getByText('1,024 B') })
    .first()
    .click();
  await expect(frames.filter({ hasText: 'simulate_memory_leak' })).toHaveCount(1);
  // Tree, bottom-up: under process_data, its callers apart: simulate_memory_leak 102,400 B, the JS calls 3,000 B.
  await panel.getByRole('radio', { name: 'Tree' }).click();
  const tree = panel.getByTestId('tree-row');
  await expect(tree.first()).toContainText('process_data (leak.c:19)');
  await expect(tree.first()).toContainText('105,400 B');
  await expect(tree.nth(1)).toContainText('simulate_memory_leak');
  await expect(tree.nth(1)).toContainText('102,400 B');
});
