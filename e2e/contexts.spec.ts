// Contexts in the panel (issue 11 item 5): the page, a frame and a worker each
// with the seed leak module get a live-heap line each on the timeline; a
// snapshot is one cut across them (extension/panel/snapshot-cuts.ts), and a context that
// does not answer in time is named, not mixed in; threads on one shared memory
// draw it as one line.
import type { Chart } from 'chart.js';
import type { Page, TestInfo } from '@playwright/test';
import { join } from 'node:path';
import { expect, openPage, openPanel, tabIdOf, test } from './harness';
import { compareAround, diffSections, expectSeedLeakEach, moduleContexts } from './scenario';

declare const contexts: { ready: Promise<string>; leak(where: string): Promise<string>; busy(ms: number): Promise<string> };
declare const threads: { ready: Promise<string>; run(): Promise<number> };

/** The bytes chart's lines as drawn: label, hidden, last value. */
function lines(panel: Page): Promise<{ label: string; hidden: boolean; last: number | undefined }[]> {
  return panel.evaluate(() =>
    (globalThis as unknown as { wasmLeaksBytesChart: Chart<'line', { x: number; y: number }[]> }).wasmLeaksBytesChart.data.datasets.map(
      (d) => ({ label: d.label ?? '', hidden: d.hidden === true, last: d.data.at(-1)?.y }),
    ),
  );
}

/** Where a screenshot goes: $CONTEXTS_SHOTS (to refresh docs/contexts-*.png) or the test's output folder. */
function shotPath(testInfo: TestInfo): (name: string) => string {
  return (name) => (process.env.CONTEXTS_SHOTS ? join(process.env.CONTEXTS_SHOTS, name) : testInfo.outputPath(name));
}

const PAGE_HEAP = 'page live heap';
const FRAME_HEAP = 'frame frame.html live heap';
const WORKER_HEAP = 'worker worker.js “seed” live heap';

test('the page, a frame and a worker: a live-heap line each on the timeline, one Snapshot A → B across them, a busy worker named and left out', async ({
  context,
  site,
}, testInfo) => {
  const shot = shotPath(testInfo);
  const page = await openPage(context, `${site}/contexts.html`);
  expect(await page.evaluate(() => contexts.ready)).toBe(`${site}/contexts/worker.js`);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-status')).toHaveText(['instrumented ✓', 'instrumented ✓', 'instrumented ✓']);
  expect(await moduleContexts(panel)).toEqual(['in frame frame.html', 'in worker worker.js “seed”']);

  const leakAll = () => page.evaluate(() => Promise.all([contexts.leak('page'), contexts.leak('frame'), contexts.leak('worker')]));
  expect(await leakAll()).toEqual(['leaked', 'leaked', 'leaked']);
  // One live-heap line per context, named as the module list names it, each ending at its 100 blocks of 1,024 B.
  await expect
    .poll(async () => (await lines(panel)).filter((l) => l.label.endsWith('live heap')).map((l) => [l.label, l.last]))
    .toEqual([
      [PAGE_HEAP, 102_400],
      [FRAME_HEAP, 102_400],
      [WORKER_HEAP, 102_400],
    ]);
  // Each context's only module is named by its context on every line, as in the live-heap lines.
  expect((await lines(panel)).map((l) => l.label)).toEqual([
    'page linear memory',
    'page highest live block end',
    'frame frame.html linear memory',
    'frame frame.html highest live block end',
    'worker worker.js “seed” linear memory',
    'worker worker.js “seed” highest live block end',
    PAGE_HEAP,
    FRAME_HEAP,
    WORKER_HEAP,
  ]);
  // The rates chart's legend is a key of the two kinds of line; a kind clicked is hidden in every context, then shown again.
  const rates = () =>
    panel.evaluate(() => {
      const c = (globalThis as unknown as { wasmLeaksRatesChart: Chart }).wasmLeaksRatesChart;
      return {
        key: c.legend!.legendItems!.map((item) => `${item.text}${item.hidden ? ' (hidden)' : ''}`),
        hidden: c.data.datasets.filter((d) => d.hidden).map((d) => d.label),
      };
    });
  expect(await rates()).toEqual({ key: ['allocs/s', 'frees/s'], hidden: [] });
  const ratesBox = (await panel.getByTestId('rates-chart').boundingBox())!;
  const freesAt = await panel.evaluate(() => {
    const c = (globalThis as unknown as { wasmLeaksRatesChart: Chart }).wasmLeaksRatesChart;
    const box = (c.legend as unknown as { legendHitBoxes: { left: number; top: number; width: number; height: number }[] })
      .legendHitBoxes[1];
    return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
  });
  await panel.mouse.click(ratesBox.x + freesAt.x, ratesBox.y + freesAt.y);
  await expect.poll(rates).toEqual({
    key: ['allocs/s', 'frees/s (hidden)'],
    hidden: ['page frees/s', 'frame frame.html frees/s', 'worker worker.js “seed” frees/s'],
  });
  await panel.mouse.click(ratesBox.x + freesAt.x, ratesBox.y + freesAt.y);
  await expect.poll(rates).toEqual({ key: ['allocs/s', 'frees/s'], hidden: [] });
  // The legend toggles a context's line, and the next redraw (a new batch) keeps it hidden.
  const hit = await panel.evaluate((label) => {
    const c = (globalThis as unknown as { wasmLeaksBytesChart: Chart }).wasmLeaksBytesChart;
    const dataset = c.data.datasets.findIndex((d) => d.label === label);
    const i = c.legend!.legendItems!.findIndex((item) => item.datasetIndex === dataset);
    const box = (c.legend as unknown as { legendHitBoxes: { left: number; top: number; width: number; height: number }[] }).legendHitBoxes[
      i
    ];
    return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
  }, WORKER_HEAP);
  const canvas = (await panel.getByTestId('timeline-chart').boundingBox())!;
  await panel.mouse.click(canvas.x + hit.x, canvas.y + hit.y);
  await expect.poll(async () => (await lines(panel)).find((l) => l.label === WORKER_HEAP)?.hidden).toBe(true);

  await compareAround(panel, async () => expect(await leakAll()).toEqual(['leaked', 'leaked', 'leaked']));
  await expectSeedLeakEach(panel, [
    'leak-wasi-O0.wasm',
    'leak-wasi-O0.wasm in frame frame.html',
    'leak-wasi-O0.wasm in worker worker.js “seed”',
  ]);
  await expect(panel.getByTestId('compare-title')).toHaveText('Comparison: A → B across 3 contexts (cut #1 → #2)');
  await expect(panel.getByTestId('compare-gap')).toHaveCount(0);
  await expect
    .poll(async () => (await lines(panel)).find((l) => l.label === WORKER_HEAP))
    .toEqual({ label: WORKER_HEAP, hidden: true, last: 204_800 });
  await panel.mouse.click(canvas.x + hit.x, canvas.y + hit.y);
  await expect.poll(async () => (await lines(panel)).find((l) => l.label === WORKER_HEAP)?.hidden).toBe(false);
  await panel.screenshot({ path: shot('contexts-timeline.png') });

  // The worker in one long task (9 s): Snapshot B waits 3 s for it, then compares the page and the frame, and says why not the worker.
  let busy: Promise<string> | undefined;
  await compareAround(panel, async () => {
    busy = page.evaluate(() => contexts.busy(9000));
    expect(await page.evaluate(() => Promise.all([contexts.leak('page'), contexts.leak('frame')]))).toEqual(['leaked', 'leaked']);
  });
  await expect(panel.getByTestId('compare-gap')).toHaveText([
    'Not compared: worker worker.js “seed” did not answer Snapshot B within 3 s (busy, or ended).',
  ]);
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['100', '100']);
  expect(await diffSections(panel)).toEqual(['leak-wasi-O0.wasm', 'leak-wasi-O0.wasm in frame frame.html']);
  await expect(panel.getByTestId('compare-title')).toHaveText('Comparison: A → B across 2 contexts (cut #3 → #4)');
  await panel.screenshot({ path: shot('contexts-busy-worker.png') });
  // Its answer comes when the task ends: at another instant, still not compared.
  expect(await busy).toBe('done');
  await expect(panel.getByTestId('compare-gap')).toHaveText([
    /^Not compared: worker worker\.js “seed” answered Snapshot B \d+\.\d+ s after it was asked, at another instant\.$/,
  ]);
  testInfo.annotations.push({ type: 'late answer', description: (await panel.getByTestId('compare-gap').textContent()) ?? '' });
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['100', '100']);
});

test('threads on one shared memory: one linear-memory line, named for the module and its 5 threads', async ({
  context,
  site,
}, testInfo) => {
  const shot = shotPath(testInfo);
  const page = await openPage(context, `${site}/threads/index.html`);
  expect(await page.evaluate(() => threads.ready)).toBe('true');
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-context')).toHaveCount(4);
  expect(await page.evaluate(() => threads.run())).toBe(5092786);
  // The page's instance and the 4 pthread workers' all run on one memory: one line, not five identical ones; the
  // live heap is the counting instance's (the page's) alone, the only context counting blocks.
  await expect
    .poll(async () => (await lines(panel)).map((l) => l.label).filter((l) => !l.endsWith('highest live block end')))
    .toEqual(['threads.wasm (shared by 5 threads) linear memory', 'threads.wasm live heap']);
  await panel.screenshot({ path: shot('contexts-threads.png') });
});
