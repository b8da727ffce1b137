// Modules the tool cannot instrument keep working, and the panel says why.
import { test, expect, openPanel, tabIdOf, withoutExtension } from './harness';

test('a module without allocator and a memory64 module: unchanged results, "not instrumented" with the reason', async ({
  context,
  site,
}) => {
  const run = async (ctx: typeof context) => {
    const page = await ctx.newPage();
    await page.goto(`${site}/controls.html`);
    return { page, result: await page.evaluate(() => (window as unknown as { controls: Promise<unknown> }).controls) };
  };
  const { page, result } = await run(context);
  expect(result).toEqual((await withoutExtension(run)).result);
  expect(result).toEqual({ add: 42, a: '1024', b: '1124', mem: 65536 });
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module')).toHaveCount(2);
  await expect(panel.getByTestId('module-status')).toHaveText([
    /not instrumented.*no allocator found/,
    /not instrumented.*memory64 \(i64 pointers\) is not instrumented/,
  ]);
});
