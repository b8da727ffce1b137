// Issue 12 item 4 and the rest of items 1, 2 and 5, on growth.c (e2e/site/growth.html):
// site D (frag_alloc) allocates 1,000 × 1 KiB and frees every other one. The
// timeline's breakdown tells fragmentation (free space between live blocks)
// from a high-water mark (free above the highest live block, where a past peak
// reached) and from memory no live block reached, with exact bytes; each memory.grow is marked; a By-site band names itself on hover and a
// click selects its site; export and import carry all of it, the Peak view
// open at export included.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openPanel, tabIdOf } from './harness';

interface Growth {
  ready: Promise<unknown>;
  step(cacheBlocks: number, churnSteps: number): void;
  spikeStart(): void;
  spikeEnd(): void;
  fragFill(): void;
  fragFreeEveryOther(): void;
  fragFreeAll(): void;
}
declare const growth: Growth;
interface Chart {
  data: { datasets: { label: string; data: { x: number; y: number }[] }[] };
  scales: { x: { getPixelForValue(v: number): number }; y: { getPixelForValue(v: number): number } };
}

/** The page's ticks are its agent's polls (500 ms; a background tab's timers run about once a second). */
const TICK_WAIT = 1_200;

test('fragmentation vs high-water mark: exact breakdown, memory.grow marks, By-site hover and click, export and import', async ({
  context,
  site,
}, testInfo) => {
  test.setTimeout(120_000);
  // Screenshots to LAYOUT_SHOTS if set (as memory-over-time.spec.ts), else the test's output folder.
  const shot = (name: string) => (process.env.LAYOUT_SHOTS ? join(process.env.LAYOUT_SHOTS, name) : testInfo.outputPath(name));
  const page = await context.newPage();
  await page.goto(`${site}/growth.html`);
  await page.evaluate(() => growth.ready);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await panel.setViewportSize({ width: 1400, height: 900 });
  await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');
  const memoryBefore = await page.evaluate(
    () => (growth as unknown as { api: { memory: WebAssembly.Memory } }).api.memory.buffer.byteLength,
  );

  await page.evaluate(() => growth.fragFill());
  await panel.waitForTimeout(TICK_WAIT);
  await expect(panel.getByTestId('module-live-count')).toHaveText('1,000');
  await page.evaluate(() => growth.fragFreeEveryOther());
  await panel.waitForTimeout(TICK_WAIT);
  await expect(panel.getByTestId('module-live-count')).toHaveText('500');

  // wasi-libc's dlmalloc: 1,040 B chunks from __heap_base (71,536); block 999 is live, so the holes stay inside.
  const value = (id: string) => panel.getByTestId(id).getAttribute('data-value').then(Number);
  const breakdown = panel.getByTestId('heap-breakdown');
  await expect(breakdown.getByTestId('hb-live')).toHaveAttribute('data-value', '512000');
  expect(await value('hb-memory')).toBe(1_114_112);
  expect(await value('hb-below')).toBe(71_536);
  expect(await value('hb-between')).toBe(528_000);
  expect([await value('hb-above'), await value('hb-unreached')]).toEqual([0, 2_576]);
  await expect(breakdown).toHaveAttribute('data-source', '1');
  await expect(breakdown).toContainText('blocks + __heap_base');

  // A spike that is freed again: the rest is above the highest live block (high-water), not fragmentation.
  await page.evaluate(() => growth.fragFreeAll());
  await page.evaluate(() => growth.spikeStart());
  await panel.waitForTimeout(TICK_WAIT);
  await page.evaluate(() => growth.spikeEnd());
  await panel.waitForTimeout(TICK_WAIT);
  await expect(panel.getByTestId('module-live-count')).toHaveText('0');
  const memory = await value('hb-memory');
  expect(memory).toBeGreaterThan(5_242_880);
  expect([await value('hb-live'), await value('hb-between'), await value('hb-below')]).toEqual([0, 0, 71_536]);
  // The spike's 80 chunks of 65,552 B reached 71,536 + 5,244,160: that much is free above since the peak; the
  // allocator's slack past it (58,256 B of 5,373,952) no live block ever reached.
  expect(memory).toBe(5_373_952);
  expect([await value('hb-above'), await value('hb-unreached')]).toEqual([80 * 65_552, 58_256]);

  // memory.grow marks: linear memory grew at the fill and at the spike (one sample each).
  const grows = await panel.evaluate(() => (globalThis as unknown as { wasmLeaksGrowMarks: number[] }).wasmLeaksGrowMarks);
  expect(memoryBefore).toBeLessThan(1_114_112);
  expect(grows).toHaveLength(2);
  // The bytes chart's third line: the highest live block's end, 71,536 + 1,000 × 1,040 at the fill, 0 once all is freed.
  const tops = await panel.evaluate(() =>
    (globalThis as unknown as { wasmLeaksBytesChart: Chart }).wasmLeaksBytesChart.data.datasets
      .find((d) => d.label === 'highest live block end')!
      .data.map((p) => p.y),
  );
  expect(tops).toContain(1_111_536);
  expect(tops.at(-1)).toBe(0);
  await panel.screenshot({ path: shot('fragmentation-breakdown.png') });

  // By site: hovering D's band names it; a click lists what was live then with D's row selected.
  await page.evaluate(() => growth.fragFill());
  await panel.waitForTimeout(TICK_WAIT);
  await panel.getByRole('button', { name: 'By site' }).click();
  const chartBox = (await panel.getByTestId('site-chart').boundingBox())!;
  const at = await panel.evaluate(() => {
    const c = (globalThis as unknown as { wasmLeaksSiteChart: Chart }).wasmLeaksSiteChart;
    const d = c.data.datasets.find((x) => x.label.startsWith('frag_alloc'))!;
    const p = d.data[d.data.length - 1];
    return { x: c.scales.x.getPixelForValue(p.x), y: c.scales.y.getPixelForValue(p.y / 2) };
  });
  await panel.mouse.move(chartBox.x + at.x - 2, chartBox.y + at.y);
  await expect(panel.getByTestId('timeline-hint')).toContainText('frag_alloc');
  await expect(panel.getByTestId('timeline-hint')).toContainText('1000.0 kB');
  await panel.mouse.click(chartBox.x + at.x - 2, chartBox.y + at.y);
  await expect(panel.getByText('Live at', { exact: true })).toBeVisible();
  const picked = panel.locator('[data-testid="site-row"][aria-selected="true"]');
  await expect(picked).toHaveCount(1);
  await expect(picked.getByTestId('site-label')).toContainText('frag_alloc');
  await expect(picked.getByTestId('site-new')).toHaveText('1,000');
  await panel.getByRole('button', { name: 'Close selection' }).click();
  const growthPicked = panel.locator('[data-testid="growth-row"][aria-selected="true"]');
  await expect(growthPicked.getByTestId('growth-site')).toContainText('frag_alloc');
  await panel.screenshot({ path: shot('fragmentation-by-site.png') });

  // Export, Clear, Import: the breakdown, the marks and live bytes by site come back from the file.
  const ranking = await panel.getByTestId('growth-row').allTextContents();
  expect(ranking).toHaveLength(2);
  // Peak (the freed 5 MiB spike's 80 blocks) is open at export: the file carries it.
  await panel.getByRole('button', { name: 'Peak' }).click();
  await expect(panel.getByTestId('range-count')).toHaveText('80');
  await expect(panel.getByTestId('range-bytes')).toHaveText('5,242,880 B');
  // The breakdown follows the view's instant: at the peak, the spike is live.
  await expect(breakdown.getByTestId('hb-live')).toHaveAttribute('data-value', '5242880');
  const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByRole('button', { name: 'Export' }).click()]);
  const file = join(tmpdir(), `wasm-leaks-frag-${Date.now()}.json`);
  await download.saveAs(file);
  await panel.getByRole('button', { name: 'Clear' }).click();
  const [chooser] = await Promise.all([panel.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Import' }).click()]);
  await chooser.setFiles(file);
  await expect(panel.getByTestId('read-only')).toContainText('read-only');
  await expect(panel.getByText('Live at the peak', { exact: true })).toBeVisible();
  await expect(panel.getByTestId('range-count')).toHaveText('80');
  await expect(panel.getByTestId('site-row').first().getByTestId('site-label')).toContainText('spike_alloc');
  await panel.getByRole('button', { name: 'Close selection' }).click();
  await expect(panel.getByTestId('growth-row')).toHaveText(ranking);
  await expect(panel.getByTestId('growth-row').filter({ hasText: 'frag_alloc' }).getByTestId('growth-end')).toHaveText('1,024,000 B');
  await expect(breakdown.getByTestId('hb-live')).toHaveAttribute('data-value', '1024000');
  expect(await value('hb-below')).toBe(71_536);
  const importedGrows = await panel.evaluate(() => (globalThis as unknown as { wasmLeaksGrowMarks: number[] }).wasmLeaksGrowMarks);
  expect(importedGrows).toEqual(grows);

  // Docked to the side and to the bottom (layout.ts): the breakdown keeps its figures on one line.
  for (const size of [
    { name: 'narrow', width: 520, height: 900 },
    { name: 'short', width: 1400, height: 300 },
  ]) {
    await panel.setViewportSize({ width: size.width, height: size.height });
    await expect(breakdown.getByTestId('hb-live')).toBeInViewport();
    await panel.waitForTimeout(300);
    await panel.screenshot({ path: shot(`fragmentation-${size.name}.png`) });
  }
});
