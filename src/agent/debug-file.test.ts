// Readable stacks on release builds (issue 9 item 4): a module built with
// emcc -gseparate-dwarf names its .debug.wasm in an `external_debug_info`
// section; the page fetches it next to the module, like a source map, and
// re-sends the sites already interned with their DWARF lines. Module messages
// carry the code fingerprint the panel matches loaded symbols against.
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../test-support/fixtures';
import { FixturePage } from '../test-support/test-page';
import { codeFingerprint } from '../symbols/fingerprint';

describe('external_debug_info (emcc -gseparate-dwarf)', () => {
  it('the page fetches the .debug.wasm beside the module and the leak gets its source lines and inlined frame', async () => {
    const page = new FixturePage('loadBytes');
    const { bytes, before, after } = await page.resentSites(
      'leak-emcc-sepdwarf.wasm',
      (x) => x.simulate_memory_leak(),
      (s) => s.frames.some((f) => f.name === 'simulate_memory_leak'),
    );
    const mod = page.sent.find((m) => m.t === 'module');
    expect(mod?.t === 'module' && mod.code).toEqual(codeFingerprint(bytes));
    expect(mod?.t === 'module' && mod.code).toMatchObject({ start: 0x222, size: 13_021, funcs: 36 });
    expect(before).toHaveLength(1);
    // the name section names the function; no line before the debug file arrives
    expect(before[0].frames.map((f) => [f.name, f.file, f.line])[0]).toEqual(['simulate_memory_leak', '', 0]);
    expect(page.requested).toEqual([new URL('leak-emcc-sepdwarf.debug.wasm', FIXTURE_DIR).href]);
    expect(after.map((s) => s.id)).toEqual([before[0].id]); // the same site, re-sent
    expect(after[0].frames.slice(0, 2).map((f) => [f.name, f.func, f.offset, f.file, f.line])).toEqual([
      ['process_data', 4, 0x331, './e2e/fixtures/src/leak.c', 19],
      ['simulate_memory_leak', 4, 0x331, './e2e/fixtures/src/leak.c', 27],
    ]);
  });
});
