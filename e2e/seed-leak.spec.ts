import { test, expect } from './harness';
import { openDemoAndPanel, compareAround, expectSeedLeak, SEED_BYTES, type Demo } from './scenario';

declare const demo: Demo;

for (const build of ['wasi-O0', 'emcc-O0']) {
  test(`${build}: the seed leak between A and B is 100 blocks / 102,400 B at process_data, with its stack and bytes`, async ({
    context,
    site,
  }) => {
    const { page, panel } = await openDemoAndPanel(context, site, build);
    await compareAround(panel, () => page.evaluate(() => demo.leak()));
    await expectSeedLeak(panel);

    await panel.getByTestId('block-row').first().click();
    const frames = panel.getByTestId('stack-frame');
    await expect(frames.first()).toContainText('process_data');
    await expect(frames.nth(1)).toContainText('simulate_memory_leak');
    await expect(panel.getByTestId('hexdump')).toContainText(SEED_BYTES);
  });
}
