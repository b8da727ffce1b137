// Threads on one shared memory (emscripten -pthread, e2e/fixtures/src/threads.c):
// every thread's allocations reach one tracker in the order they happened
// (src/agent/shared-log.ts), each block on a site of its own thread.
import { expect, openPanel, tabIdOf, test, withoutExtension } from './harness';

declare const threads: { ready: Promise<string>; run(): Promise<number>; freeKept(): Promise<string> };

test('4 threads × 10,000 malloc/free with 37 blocks kept each: 148 leaked blocks, 37 on each thread, results as native, balanced after free', async ({
  context,
  site,
}) => {
  const url = `${site}/threads/index.html`;
  const native = await withoutExtension(async (plain) => {
    const page = await plain.newPage();
    await page.goto(url);
    return [
      await page.evaluate(() => threads.ready),
      await page.evaluate(() => threads.run()),
      await page.evaluate(() => threads.freeKept()),
    ];
  });
  expect(native).toEqual(['true', 5092786, 'freed']);
  const page = await context.newPage();
  await page.goto(url);
  expect(await page.evaluate(() => threads.ready)).toBe('true');
  const panel = await openPanel(context, await tabIdOf(context, page));
  // The page's instance counts the heap; each pthread worker's instance says where its blocks go.
  await expect(panel.getByTestId('module-status').first()).toHaveText('instrumented ✓');
  await expect(panel.getByTestId('module-context')).toHaveCount(4);
  const before = await panel.getByTestId('module-live-count').first().textContent();

  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  expect(await page.evaluate(() => threads.run())).toBe(5092786);
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  // One comparison section (the heap's), 148 blocks: 37 × (100 + 101 + 102 + 103) bytes.
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['148']);
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText(['15,022 B']);
  // 80,000 events from 4 threads at once, and not one seen out of order (an
  // allocation over a live block or a free of a block not live).
  await expect(panel.getByTestId('errors')).toHaveCount(0);

  // Per thread: the filter lists the threads (the main thread too: pthread_create and
  // pthread_join allocate and free there), and each worker thread has its own 37 blocks of one size.
  const filter = panel.getByRole('combobox', { name: 'Thread' });
  expect((await filter.locator('option').allTextContents()).sort()).toEqual([
    'All threads',
    'main thread',
    'thread 1',
    'thread 2',
    'thread 3',
    'thread 4',
  ]);
  const sizes = new Set<string>();
  for (const thread of ['thread 1', 'thread 2', 'thread 3', 'thread 4']) {
    await filter.selectOption(thread);
    await expect(panel.getByTestId('diff-new-count')).toHaveText(['37']);
    const row = panel.getByTestId('site-row').first();
    await expect(row.getByTestId('site-label')).toContainText('thread_cache');
    await expect(row.getByTestId('site-new')).toHaveText('37');
    sizes.add((await panel.getByTestId('diff-new-bytes').textContent()) ?? '');
    // A block says its thread.
    await panel.getByTestId('block-row').first().click();
    await expect(panel.getByTestId('block-facts')).toContainText(` · ${thread} · allocation #`);
  }
  expect([...sizes].sort()).toEqual(['3,700 B', '3,737 B', '3,774 B', '3,811 B']);
  await filter.selectOption('All threads');
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['148']);

  // Freed from the main thread: back to where it started.
  expect(await page.evaluate(() => threads.freeKept())).toBe('freed');
  await expect(panel.getByTestId('module-live-count').first()).toHaveText(before ?? '');
  await expect(panel.getByTestId('errors')).toHaveCount(0);
});
