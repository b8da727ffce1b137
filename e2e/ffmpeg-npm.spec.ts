// A real worker-based codec with the real extension (#11, Must show): ffmpeg.wasm,
// @ffmpeg/ffmpeg 0.12.15 with the single-thread @ffmpeg/core 0.12.10 (a 32 MB
// minified emscripten module, dlmalloc, only malloc exported). The package starts its
// worker.js as a module worker (new URL('./worker.js', import.meta.url)); load() has it
// import the core's ESM glue and instantiate the wasm there. e2e/site/npm/ffmpeg.html
// makes a 5-frame 64 × 48 YUV4MPEG2 file and transcodes it to H.264 in MP4 (libx264,
// one thread, bit-exact).
//
// The leak shape measured (the same in every run): each exec() leaves exactly its argv
// behind: the core's glue copies the arguments into the heap (stringsToPtr: one block
// per string, one for the array of pointers) and never frees them. 16 arguments
// ("./ffmpeg -nostdin -y" and the page's 13) = 1 × 64 B + 16 strings of 118 B. The
// files themselves are not in the wasm heap (the emscripten MEMFS keeps them in JS
// arrays), so deleteFile() frees nothing there.
import { expect, natively, test } from './harness';
import { openPanelFirst } from './scenario';

interface Transcoded {
  ret: number;
  bytes: number;
  sha256: string;
}
declare const ff: { ready: Promise<boolean>; transcode(): Promise<Transcoded>; remove(): Promise<string> };

/** The argv one exec() leaves: the pointer array, then each string with its NUL, largest first. */
const ARGV_SIZES = [
  '64 B',
  '10 B',
  '10 B',
  '10 B',
  '9 B',
  '9 B',
  '9 B',
  '9 B',
  '8 B',
  '8 B',
  '8 B',
  '8 B',
  '7 B',
  '5 B',
  '3 B',
  '3 B',
  '2 B',
];

test('@ffmpeg/ffmpeg transcoding in its module worker: same output bytes, ffmpeg-core.wasm instrumented there, each exec() leaves its argv (17 blocks / 182 B), no more after a second', async ({
  context,
  site,
}) => {
  test.setTimeout(180_000);
  const url = `${site}/npm/ffmpeg.html`;
  const native = await natively(url, async (page) => {
    await page.evaluate(() => ff.ready);
    return page.evaluate(() => ff.transcode());
  });
  expect(native.ret).toBe(0);
  expect(native.bytes).toBe(2436);

  // The panel listens before the worker starts.
  const { page, panel } = await openPanelFirst(context, site, url);
  await page.evaluate(() => ff.ready);
  const core = panel.getByTestId('module').filter({ hasText: 'ffmpeg-core.wasm' });
  await expect(core.getByTestId('module-context')).toHaveText('in module worker worker.js');
  await expect(core.getByTestId('module-status')).toHaveText('instrumented ✓');
  // What the runtime keeps from its start (a 32-byte block and the environment strings).
  const live = core.getByTestId('module-live-count');
  await expect(live).toHaveText('2');

  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  expect(await page.evaluate(() => ff.transcode())).toEqual(native);
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText('17');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('182 B');
  // One site: JS calls to the malloc export, whose JS frames are those of the first such call
  // (wasm does not see which JS function called it): the glue's lazy Module._malloc, which
  // replaces itself with the export on that call (stringsToPtr calls it directly after).
  const top = panel.getByTestId('site-row').first();
  await expect(top.getByTestId('site-name')).toHaveText('Module._malloc');
  await expect(top.getByTestId('site-location')).toHaveText(/^ffmpeg-core\.js:/);
  await expect(top.getByTestId('site-new')).toHaveText('17');
  const sizes = async () =>
    (await panel.getByTestId('block-size').allTextContents()).sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10));
  await expect.poll(sizes).toEqual(ARGV_SIZES);
  // Nothing misread in ffmpeg's allocations: av_malloc's posix_memalign, x264's own aligned blocks, realloc.
  await expect(panel.getByTestId('errors')).toHaveCount(0);

  // Deleting the files: the same 17 blocks (the files were never in the wasm heap).
  expect(await page.evaluate(() => ff.remove())).toBe('deleted');
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText('17');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('182 B');
  await expect(live).toHaveText('19');

  // A second transcode leaves the same: 17 more, nothing else.
  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  expect(await page.evaluate(() => ff.transcode())).toEqual(native);
  expect(await page.evaluate(() => ff.remove())).toBe('deleted');
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText('17');
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText('182 B');
  await expect.poll(sizes).toEqual(ARGV_SIZES);
  await expect(live).toHaveText('36');
  await expect(panel.getByTestId('errors')).toHaveCount(0);
});
