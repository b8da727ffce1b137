import { test, expect } from './harness';
import { openDemoAndPanel, type Demo } from './scenario';

declare const demo: Demo;

test('Shift-drag over the timeline lists the retained allocations of that range; wheel zooms', async ({ context, site }) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  await expect(panel.getByTestId('module-live-count')).toHaveText('0');
  await page.evaluate(() => demo.jsMalloc(7, 512));
  await expect(panel.getByTestId('module-live-count')).toHaveText('7');
  await panel.waitForTimeout(600);

  const box = (await panel.getByTestId('timeline-chart').boundingBox())!;
  const y = box.y + box.height / 2;
  await panel.keyboard.down('Shift');
  await panel.mouse.move(box.x + 66, y);
  await panel.mouse.down();
  await panel.mouse.move(box.x + box.width / 2, y, { steps: 4 });
  await panel.mouse.move(box.x + box.width - 2, y, { steps: 4 });
  await panel.mouse.up();
  await panel.keyboard.up('Shift');

  await expect(panel.getByText('Retained allocations in selection')).toBeVisible();
  await expect(panel.getByTestId('range-count')).toHaveText('7');
  await expect(panel.getByTestId('range-bytes')).toHaveText('3,584 B');
  await expect(panel.getByTestId('site-row').first().getByTestId('site-new')).toHaveText('7');
  await panel.getByRole('button', { name: 'Close selection' }).click();
  await expect(panel.getByTestId('compare-hint')).toBeVisible();

  // Wheel zoom and Reset zoom keep the chart responsive (no assertion on pixels).
  await panel.mouse.move(box.x + box.width / 2, y);
  await panel.mouse.wheel(0, -300);
  await panel.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(panel.getByTestId('timeline-chart')).toBeVisible();
});
