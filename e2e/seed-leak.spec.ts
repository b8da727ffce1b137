import { test, expect, openDemo, openPanel, tabIdOf } from './harness';

declare const demo: { leak(): void; process(size: number): void; fixed(size: number): void };

for (const build of ['wasi-O0', 'emcc-O0']) {
  test(`${build}: the seed leak between A and B is 100 blocks / 102,400 B at process_data, with its stack and bytes`, async ({ context, site }) => {
    const page = await openDemo(context, site, build);
    const panel = await openPanel(context, await tabIdOf(context, page));
    await expect(panel.getByTestId('module-status')).toHaveText('instrumented ✓');

    await panel.getByRole('button', { name: 'Snapshot A' }).click();
    await expect(panel.getByRole('button', { name: 'Snapshot B' })).toBeEnabled();
    await page.evaluate(() => demo.leak());
    await panel.getByRole('button', { name: 'Snapshot B' }).click();

    await expect(panel.getByTestId('diff-new-count')).toHaveText('100');
    await expect(panel.getByTestId('diff-new-bytes')).toHaveText('102,400 B');
    const top = panel.getByTestId('site-row').first();
    await expect(top.getByTestId('site-label')).toContainText('process_data');
    await expect(top.getByTestId('site-new')).toHaveText('100');
    await expect(top.getByTestId('site-size-delta')).toHaveText('+102,400 B');
    await expect(panel.getByTestId('block-row')).toHaveCount(100);

    await panel.getByTestId('block-row').first().click();
    const frames = panel.getByTestId('stack-frame');
    await expect(frames.first()).toContainText('process_data');
    await expect(frames.nth(1)).toContainText('simulate_memory_leak');
    // process_data wrote buffer[i] = i % 256: the dump starts 00 01 02 ... 0f.
    await expect(panel.getByTestId('hexdump')).toContainText('00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f');
  });
}
