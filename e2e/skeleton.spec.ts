import { test, expect } from './harness';
import { openDemoAndPanel, compareAround, type Demo } from './scenario';

declare const demo: Demo;

test('JS malloc ×100 shows 100 live blocks / 102,400 bytes; A/B lists exactly the second 100; free updates; growth shows', async ({
  context,
  site,
}) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  await expect(panel.getByTestId('module')).toHaveCount(1);

  await page.evaluate(() => demo.jsMalloc(100, 1024));
  await expect(panel.getByTestId('module-live-count')).toHaveText('100');
  await expect(panel.getByTestId('module-live-bytes')).toHaveText('102,400 B');

  let second: number[] = [];
  await compareAround(panel, async () => {
    second = await page.evaluate(() => demo.jsMalloc(100, 1024));
    await expect(panel.getByTestId('module-live-count')).toHaveText('200');
  });
  await expect(panel.getByTestId('diff-new-count')).toHaveText('100');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('102,400 B');
  // The first site is expanded: its rows are exactly the blocks of the second batch.
  const rows = panel.getByTestId('block-address');
  await expect(rows).toHaveCount(100);
  const listed = (await rows.allTextContents()).map((t) => parseInt(t.trim(), 16)).sort((a, b) => a - b);
  expect(listed).toEqual([...second].map((p) => p >>> 0).sort((a, b) => a - b));

  expect(await page.evaluate(() => demo.jsFree())).toBe(200);
  await expect(panel.getByTestId('module-live-count')).toHaveText('0');
  await expect(panel.getByTestId('module-live-bytes')).toHaveText('0 B');

  const before = await page.evaluate(() => demo.memoryBytes());
  await page.evaluate(() => demo.growJs(1));
  await expect(panel.getByTestId('module-memory')).toHaveText(`${(before + 65536).toLocaleString('en-US')} B`);
  await page.evaluate(() => demo.growWasm(2));
  await expect(panel.getByTestId('module-memory')).toHaveText(`${(before + 3 * 65536).toLocaleString('en-US')} B`);
});
