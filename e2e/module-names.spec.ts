// A module whose bytes the page fetched itself (fetch → arrayBuffer →
// WebAssembly.instantiate(buffer), as emscripten's side modules and many
// loaders do) is listed by its URL, not as "(bytes)"; what the page reads and
// sees of Response.prototype.arrayBuffer is what it does natively.
import { expect, test, withAndWithout } from './harness';
import { openPageAndPanel } from './scenario';

test('bytes the page fetched are named by their URL; bytes it made itself stay "(bytes)"; arrayBuffer reads and looks as natively', async ({
  context,
  site,
}) => {
  const { page, panel } = await openPageAndPanel(context, `${site}/no-wasm.html`);
  await page.evaluate(async () => {
    const buffer = await (await fetch('wasm/leak-wasi-O0.wasm')).arrayBuffer();
    await WebAssembly.instantiate(buffer, {});
    await WebAssembly.instantiate(buffer.slice(0), {});
  });
  await expect(panel.getByTestId('module').getByRole('button', { name: /^Filter to / })).toHaveText([
    'leak-wasi-O0.wasm 64,658 B',
    '(bytes) 64,658 B',
  ]);
  await expect(
    panel
      .getByTestId('module')
      .first()
      .getByRole('button', { name: /^Filter to / }),
  ).toHaveAttribute('title', new RegExp(`^${site}/wasm/leak-wasi-O0.wasm\\n`));

  const { native, hooked } = await withAndWithout(context, `${site}/no-wasm.html`, async () => {
    const bytes = new Uint8Array(await (await fetch('wasm/leak-wasi-O0.wasm')).arrayBuffer());
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const f = Response.prototype.arrayBuffer;
    const refused = await f.call({} as Response).then(String, (e: Error) => `${e.name}: ${e.message}`);
    return { size: bytes.length, digest, source: f.toString(), name: f.name, length: f.length, refused };
  });
  expect(hooked).toEqual(native);
  expect(native.size).toBe(64_658);
});
