// Issue 12: memory over time by site, on growth.c (e2e/site/growth.html):
// site A (cache_add) grows by 4 KiB a step and is never freed, site B
// (churn_step) churns a ring of 32 × 256 B (flat at 8,192 B), site C
// (spike_alloc) allocates 80 × 64 KiB once and frees them two ticks later.
// A click on the timeline lists what was live at that instant.
import { join } from 'node:path';
import { test, expect, openPanel, tabIdOf } from './harness';
import { expectTopSite } from './scenario';

interface Growth {
  ready: Promise<unknown>;
  step(cacheBlocks: number, churnSteps: number): void;
  spikeStart(): void;
  spikeEnd(): void;
}
declare const growth: Growth;
interface SiteChart {
  data: { datasets: { label: string; data: { x: number; y: number }[] }[] };
}

/** The page's ticks are its agent's polls (500 ms; a background tab's timers run about once a second). */
const TICK_WAIT = 1_200;

test('live bytes by site: the growing ranking puts the cache first, the stacked chart shows it rising and the churn flat, Peak lists the spike', async ({
  context,
  site,
}, testInfo) => {
  test.setTimeout(120_000);
  const page = await context.newPage();
  await page.goto(`${site}/growth.html`);
  await page.evaluate(() => growth.ready);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');

  // B's ring full, then 2 steps of A, the spike (C) over two ticks, 7 more steps of A.
  await page.evaluate(() => growth.step(0, 32));
  await panel.waitForTimeout(TICK_WAIT);
  for (let i = 0; i < 2; i++) {
    await page.evaluate(() => growth.step(4, 32));
    await panel.waitForTimeout(TICK_WAIT);
  }
  await page.evaluate(() => growth.spikeStart());
  await panel.waitForTimeout(TICK_WAIT * 2);
  await page.evaluate(() => growth.spikeEnd());
  await panel.waitForTimeout(TICK_WAIT);
  for (let i = 0; i < 7; i++) {
    await page.evaluate(() => growth.step(4, 32));
    await panel.waitForTimeout(TICK_WAIT);
  }
  // A: 9 steps × 4 blocks of 1 KiB; B: 32 × 256 B; C: freed.
  await expect(panel.getByTestId('module-live-count')).toHaveText('68');

  await panel.getByRole('button', { name: 'By site' }).click();
  const rows = panel.getByTestId('growth-row');
  await expect(rows.first().getByTestId('growth-site')).toContainText('cache_add');
  await expect(rows.first().getByTestId('growth-end')).toHaveText('36,864 B');
  await expect(rows.nth(1).getByTestId('growth-site')).toContainText('churn_step');
  await expect(rows.nth(1).getByTestId('growth-end')).toHaveText('8,192 B');
  await expect(rows.nth(2).getByTestId('growth-site')).toContainText('spike_alloc');
  await expect(rows.nth(2).getByTestId('growth-end')).toHaveText('0 B');
  await expect(rows).toHaveCount(3);
  // Least-squares slopes over the whole recording: A grows, B is flat once full, C's early spike slopes down.
  const slopes = await rows.getByTestId('growth-slope').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
  expect(slopes[0]).toBeGreaterThan(1_000);
  expect(slopes[1]).toBeLessThan(slopes[0] / 4);
  expect(slopes[2]).toBeLessThan(0);

  // The stacked chart's data (read from the chart, not its pixels).
  const bands = await panel.evaluate(() =>
    (globalThis as unknown as { wasmLeaksSiteChart: SiteChart }).wasmLeaksSiteChart.data.datasets.map((d) => ({
      label: d.label,
      y: d.data.map((p) => p.y),
    })),
  );
  expect(bands.map((b) => b.label.split(' ')[0])).toEqual(['cache_add', 'churn_step', 'spike_alloc', 'other']);
  const a = bands[0].y;
  const b = bands[1].y;
  const c = bands[2].y;
  // A rises by 4,096 B per step to 36,864 B and never falls.
  for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]);
  expect(a.at(-1)).toBe(36_864);
  expect([...new Set(a.filter((v) => v > 0))].length).toBeGreaterThanOrEqual(5);
  // B is flat at 8,192 B from the tick its ring filled.
  const bFrom = b.findIndex((v) => v > 0);
  expect(new Set(b.slice(bFrom))).toEqual(new Set([8_192]));
  // C: 5 MiB at the spike's ticks, 0 after.
  expect(Math.max(...c)).toBe(5_242_880);
  expect(c.at(-1)).toBe(0);
  expect(bands[3].y.every((v) => v === 0)).toBe(true);

  // Peak: the blocks live at the highest live heap, C's included though freed since.
  await panel.getByRole('button', { name: 'Peak' }).click();
  await expect(panel.getByText('Live at the peak', { exact: true })).toBeVisible();
  // 80 C + 8 A (2 steps) + 32 B blocks; 5,242,880 + 8,192 + 8,192 bytes.
  await expect(panel.getByTestId('range-count')).toHaveText('120');
  await expect(panel.getByTestId('range-bytes')).toHaveText('5,259,264 B');
  // Its blocks, each with its whole stack.
  await expectTopSite(panel, 'spike_alloc', '80', '5,242,880 B', 80);
  await panel.getByTestId('block-row').first().click();
  const frames = panel.getByTestId('block-detail').getByTestId('stack-frame');
  await expect(frames.filter({ hasText: 'spike_alloc' })).toHaveCount(1);
  await expect(frames.filter({ hasText: 'spike_start' })).toHaveCount(1);
  await expect(panel.getByTestId('block-facts')).toContainText('65,536 B');

  // Any instant: a click on the timeline lists what was live then (the page's last tick at or before it).
  await panel.getByRole('button', { name: 'Close selection' }).click();
  const xOf = (which: 'last' | 'spike') =>
    panel.evaluate((w) => {
      const chart = (
        globalThis as unknown as { wasmLeaksSiteChart: SiteChart & { scales: { x: { getPixelForValue(v: number): number } } } }
      ).wasmLeaksSiteChart;
      const c = chart.data.datasets[2].data;
      const point = w === 'last' ? c[c.length - 1] : c.find((p) => p.y > 0)!;
      return chart.scales.x.getPixelForValue(point.x);
    }, which);
  const chartBox = (await panel.getByTestId('site-chart').boundingBox())!;
  await panel.mouse.click(chartBox.x + (await xOf('last')) + 1, chartBox.y + chartBox.height / 2);
  await expect(panel.getByText('Live at', { exact: true })).toBeVisible();
  // After the spike: A's 36 blocks and B's 32, no block of C.
  await expect(panel.getByTestId('range-count')).toHaveText('68');
  await expect(panel.getByTestId('range-bytes')).toHaveText('45,056 B');
  await expect(panel.getByTestId('site-row')).toHaveCount(2);
  await expect(panel.getByTestId('site-row').filter({ hasText: 'spike_alloc' })).toHaveCount(0);
  await panel.getByRole('button', { name: 'Close selection' }).click();
  // During the spike: C's 80 blocks again, with A's 8 and B's 32.
  await panel.mouse.click(chartBox.x + (await xOf('spike')) + 1, chartBox.y + chartBox.height / 2);
  await expect(panel.getByTestId('range-count')).toHaveText('120');
  await expect(panel.getByTestId('site-row').first().getByTestId('site-label')).toContainText('spike_alloc');
  await expect(panel.getByTestId('site-row').first().getByTestId('site-new')).toHaveText('80');
  await panel.getByRole('button', { name: 'Peak' }).click();
  await expect(panel.getByText('Live at the peak', { exact: true })).toBeVisible();

  // The three panel sizes (layout.ts): the timeline's buttons stay reachable; screenshots to LAYOUT_SHOTS if set.
  const shot = (name: string) => (process.env.LAYOUT_SHOTS ? join(process.env.LAYOUT_SHOTS, name) : testInfo.outputPath(name));
  for (const size of [
    { name: 'wide', width: 1400, height: 900 },
    { name: 'narrow', width: 520, height: 900 },
    { name: 'short', width: 1400, height: 300 },
  ]) {
    await panel.setViewportSize({ width: size.width, height: size.height });
    await expect(panel.getByRole('button', { name: 'By site' })).toBeInViewport();
    await expect(panel.getByRole('button', { name: 'Peak' })).toBeInViewport();
    await panel.waitForTimeout(300);
    await panel.screenshot({ path: shot(`by-site-${size.name}-peak.png`) });
    await panel.getByRole('button', { name: 'Close selection' }).click();
    await expect(panel.getByTestId('growth-row').first()).toBeInViewport();
    await panel.waitForTimeout(300);
    await panel.screenshot({ path: shot(`by-site-${size.name}.png`) });
    await panel.getByRole('button', { name: 'Peak' }).click();
    await expect(panel.getByTestId('range-count')).toHaveText('120');
  }
});
