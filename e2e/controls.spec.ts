// Modules the tool cannot instrument keep working, and the panel says why.
import { test, expect, launch, openPanel, tabIdOf } from './harness';

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
  const plain = await launch(false);
  try {
    expect(result).toEqual((await run(plain)).result);
    expect(result).toEqual({ add: 42, a: '1024', b: '1124', mem: 65536 });
  } finally {
    await plain.close();
  }
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module')).toHaveCount(2);
  await expect(panel.getByTestId('module-status')).toHaveText([
    /not instrumented.*no allocator found/,
    /not instrumented.*memory64 \(i64 pointers\) is not instrumented/,
  ]);
});
