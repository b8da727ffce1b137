import { test, expect, openDemo, openPanel, tabIdOf } from './harness';

type Demo = {
  jsMalloc(n: number, size: number): number[];
  jsFree(): number;
  growJs(pages: number): number;
  growWasm(pages: number): number;
  memoryBytes(): number;
};
declare const demo: Demo;

test('JS malloc ×100 shows 100 live blocks / 102,400 bytes; A/B lists exactly the second 100; free updates; growth shows', async ({ context, site }) => {
  const page = await openDemo(context, site, 'wasi-O0');
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module')).toHaveCount(1);

  await page.evaluate(() => demo.jsMalloc(100, 1024));
  await expect(panel.getByTestId('module-live-count')).toHaveText('100');
  await expect(panel.getByTestId('module-live-bytes')).toHaveText('102,400 B');

  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByRole('button', { name: 'Snapshot B' })).toBeEnabled();
  const second = await page.evaluate(() => demo.jsMalloc(100, 1024));
  await expect(panel.getByTestId('module-live-count')).toHaveText('200');
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
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
