import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test, expect } from './harness';
import { openDemoAndPanel, compareAround, expectSeedLeak, type Demo } from './scenario';

declare const demo: Demo;

test('Export a recording, Clear, Import it: the same comparison, read-only; a bad file changes nothing', async ({ context, site }) => {
  const { page, panel } = await openDemoAndPanel(context, site, 'wasi-O0');
  await compareAround(panel, () => page.evaluate(() => demo.leak()));
  await expectSeedLeak(panel);
  const top = panel.getByTestId('site-row').first();

  const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByRole('button', { name: 'Export' }).click()]);
  const file = join(tmpdir(), `wasm-leaks-e2e-${Date.now()}.json`);
  await download.saveAs(file);

  await panel.getByRole('button', { name: 'Clear' }).click();
  await expect(panel.getByTestId('site-row')).toHaveCount(0);
  await expect(panel.getByTestId('compare-hint')).toBeVisible();

  const [chooser] = await Promise.all([panel.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Import' }).click()]);
  await chooser.setFiles(file);
  await expect(panel.getByTestId('read-only')).toContainText('read-only');
  await expectSeedLeak(panel);
  await expect(top.getByTestId('site-label')).toContainText('leak.c:19');
  await expect(panel.getByTestId('module')).toHaveCount(1);
  await expect(panel.getByRole('button', { name: 'Snapshot A' })).toBeDisabled();
  await panel.getByTestId('block-row').first().click();
  await expect(panel.getByTestId('stack-frame').first()).toContainText('process_data');

  // A file that is JSON but not a recording: an error banner, the comparison stays.
  const bad = join(tmpdir(), `wasm-leaks-bad-${Date.now()}.json`);
  writeFileSync(
    bad,
    JSON.stringify({ format: 'wasm-leaks-recording', version: 1, protocol: 1, frames: [{ frame: 0, hello: { t: 'nope' } }] }),
  );
  const [chooser2] = await Promise.all([panel.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Import' }).click()]);
  await chooser2.setFiles(bad);
  await expect(panel.getByTestId('error-banner')).toContainText('Import failed');
  await expect(top.getByTestId('site-new')).toHaveText('100');

  // Clear leaves the recording and shows the live page again.
  await panel.getByRole('button', { name: 'Clear' }).click();
  await expect(panel.getByTestId('read-only')).toHaveCount(0);
  await expect(panel.getByTestId('module')).toHaveCount(1);
});
