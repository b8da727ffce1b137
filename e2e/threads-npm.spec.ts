// A real npm package on threads (#11 item 3, Must show): wasm-vips 0.0.19, libvips
// built with emscripten -pthread, a main module (vips.wasm, 5.2 MB) and two side
// modules (vips-jxl.wasm 2.2 MB, vips-heif.wasm 3.8 MB) it loads by dynamic linking,
// a pool of 6 pthread workers. Served cross-origin isolated by scripts/serve.mjs
// (e2e/site/threads/vips.html; the package from /node_modules/wasm-vips/lib/).
//
// Asserted: the resize gives the same output bytes with the extension; the main
// module is instrumented on the page, its side modules are counted through it (they
// import its allocator and memory), each pthread's instance is one thread of that
// heap; no misuse reported at load (it was 262 invalid frees before discover.ts knew
// mimalloc's realloc helper and the sized delete's copy of mi_free); the comparison
// around 3 resizes and after delete(); and balanced after cleanup: once libvips has
// been used, 4 rounds of resizes and delete() leave 7 blocks of 32 B (2 rounds left
// the same 7: nothing grows per round). The page deletes every image handle
// embind gives it: it used to drop `zone()` and `linear()` results without delete(),
// and the panel rightly showed 751 blocks per round (2 VipsImages per resize) that
// were taken for an imbalance of the tool. No misuse after the resizes either: runs used
// to report a few invalid frees of 64 KiB-aligned blocks now and then (8 in one of 5 runs
// in an earlier session; none in 30 page loads, 158 resize(3) calls, since). Their cause
// was not caught in the act; discover.ts no longer hooks the paths found that free a
// block allocated unhooked (mimalloc growing a thread's table of thread locals), nor
// leaves aligned and nothrow operator new unhooked.
import { expect, openPanel, tabIdOf, test, withoutExtension } from './harness';

interface Resized {
  width: number;
  height: number;
  raw: number;
  rawBytes: number;
  png: number;
  pngBytes: number;
}
declare const vips: {
  ready: Promise<{ isolated: boolean; version: string }>;
  resize(n: number): Promise<Resized[]>;
  drop(): Promise<string>;
};

// A 256 × 192 zone plate resized to 37 %: 95 × 71 × 1 band, FNV-1a of the pixels and of the PNG.
const RESIZED: Resized = { width: 95, height: 71, raw: 550789780, rawBytes: 6745, png: 1536231071, pngBytes: 4037 };
const THREAD_REASON = / on a shared memory: its blocks are counted with this module in the context that compiled it$/;

/** "514,837 B" → 514837. */
function bytesOf(text: string | null): number {
  return Number((text ?? '').replace(/[^0-9]/g, ''));
}

test('wasm-vips (pthreads + side modules) resizing an image: same output bytes, main module instrumented, side modules counted through it, 6 threads of one heap', async ({
  context,
  site,
}) => {
  test.setTimeout(180_000);
  const url = `${site}/threads/vips.html`;
  const native = await withoutExtension(async (plain) => {
    const page = await plain.newPage();
    await page.goto(url);
    return [await page.evaluate(() => vips.ready), await page.evaluate(() => vips.resize(3)), await page.evaluate(() => vips.drop())];
  });
  expect(native).toEqual([{ isolated: true, version: '8.18.7' }, [RESIZED, RESIZED, RESIZED], 'deleted']);

  const page = await context.newPage();
  await page.goto(url);
  const panel = await openPanel(context, await tabIdOf(context, page));
  expect(await page.evaluate(() => vips.ready)).toEqual({ isolated: true, version: '8.18.7' });
  // The page's modules (no context line): vips.wasm instrumented, the two side modules
  // counted by it, and emscripten's 34-byte feature probe (no allocator).
  const modules = () =>
    panel.evaluate(() =>
      [...document.querySelectorAll('[data-testid="module"]')].map((m) => ({
        name: m.querySelector('button.name')?.textContent ?? '',
        context: m.querySelector('[data-testid="module-context"]')?.textContent ?? '',
        status: m.querySelector('[data-testid="module-status"]')?.textContent ?? '',
      })),
    );
  // (all 6 threads listed: the panel learns them as the workers start)
  await expect
    .poll(
      async () => {
        const all = await modules();
        return [all.filter((m) => THREAD_REASON.test(m.status)).length];
      },
      { timeout: 30_000 },
    )
    .toEqual([6]);
  const all = await modules();
  const onPage = all.filter((m) => m.context === '');
  expect(onPage.slice(0, 3)).toEqual([
    { name: 'vips.wasm 5,154,052 B', context: '', status: 'instrumented ✓' },
    {
      name: 'vips-jxl.wasm 2,224,543 B',
      context: '',
      status: 'not instrumented: its allocator and memory are imported from module #1 (vips.wasm), which counts these allocations',
    },
    {
      name: 'vips-heif.wasm 3,802,681 B',
      context: '',
      status: 'not instrumented: its allocator and memory are imported from module #1 (vips.wasm), which counts these allocations',
    },
  ]);
  expect(onPage.slice(3).map((m) => m.name)).toEqual(['(bytes) 34 B']);

  // In each of the 6 pthread workers: vips.wasm as thread n of the page's heap, and the
  // side modules, which emscripten compiled on the page and posts to the worker
  // (new WebAssembly.Instance of a posted module): not rewritten, but they call the
  // allocator of that thread's vips.wasm instance, which reports to the heap.
  const inWorkers = all.filter((m) => m.context === 'in module worker vips-es6.js “em-pthread”');
  expect(inWorkers.length).toBe(all.length - onPage.length);
  const threads = inWorkers.filter((m) => m.name === 'vips.wasm 5,154,052 B').map((m) => m.status.replace(THREAD_REASON, ''));
  expect(threads.sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `instrumented, thread ${n}`));
  const sideModules = inWorkers.filter((m) => m.name === '(compiled in another context) 0 B');
  // (up to 12: 2 per worker; workers drop some soon after start-up, and a panel that
  // connects later only hears of those still held — 8, 10 and 12 were seen)
  expect(sideModules.length).toBeLessThanOrEqual(12);
  // (a worker may have dropped one already: then its status goes on "; released by the page (garbage-collected) …")
  for (const m of sideModules)
    expect(m.status).toMatch(
      /^not instrumented: compiled in another context and instantiated synchronously \(new WebAssembly\.Instance\)(;|$)/,
    );

  // Nothing misread while libvips starts (its constructors, 6 threads).
  await expect(panel.getByTestId('module-live-count').first()).not.toHaveText('0');
  await expect(panel.getByTestId('errors')).toHaveCount(0);
  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  expect(await page.evaluate(() => vips.resize(3))).toEqual([RESIZED, RESIZED, RESIZED]);
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  // One section with blocks, the heap's (vips.wasm); the side modules' sections are empty:
  // their allocations are the main module's. (The same in each of 5 runs since the
  // discover.ts fixes, 12,702 in 3 runs before; the live count at A is not: 5,025–5,509.)
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['12,662', '0', '0'], { timeout: 60_000 });
  // The bytes are not exactly the same in every run (a fresh-clone CI run once saw one block
  // 1,024 B smaller): within 2 KiB.
  await expect(panel.getByTestId('errors')).toHaveCount(0);
  await expect(panel.getByTestId('diff-new-bytes').nth(1)).toHaveText('0 B');
  await expect(panel.getByTestId('diff-new-bytes').nth(2)).toHaveText('0 B');
  expect(Math.abs(bytesOf(await panel.getByTestId('diff-new-bytes').first().textContent()) - 514_789)).toBeLessThanOrEqual(2048);
  // delete() of the 3 images, compared again with A: what libvips' first use keeps (its
  // type system, operation classes, thread pool), not the images.
  expect(await page.evaluate(() => vips.drop())).toBe('deleted');
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['7,532', '0', '0'], { timeout: 60_000 });
  expect(Math.abs(bytesOf(await panel.getByTestId('diff-new-bytes').first().textContent()) - 279_831)).toBeLessThanOrEqual(2048);

  // Balanced after cleanup: from a new A, 4 rounds of 3 resizes + delete() leave 7 blocks of 32 B at
  // one call site (2 rounds left the same 7 in the runs measured: a bounded set, not a leak per round).
  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  for (let round = 0; round < 4; round++) {
    expect(await page.evaluate(() => vips.resize(3))).toEqual([RESIZED, RESIZED, RESIZED]);
    expect(await page.evaluate(() => vips.drop())).toBe('deleted');
  }
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['7', '0', '0'], { timeout: 60_000 });
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText(['224 B', '0 B', '0 B']);
  // (the comparisons above drained every thread's events: errors would be listed by now)
  await expect(panel.getByTestId('errors')).toHaveCount(0);
});
