// Dynamic linking, as emscripten does it: a main module (MAIN_MODULE=2) that
// dlopen()s a side module (SIDE_MODULE: dylink.0, malloc, memset and the
// memory imported from the main module). Built by e2e/fixtures/build.sh from
// e2e/fixtures/src/dylink-*.c. The side module's blocks are counted once, by
// the main module whose malloc they come from, with the side module's own
// frames (and source lines) in their stacks.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { trackWasm } from '../node';

const require = createRequire(import.meta.url);

describe('emscripten dynamic linking (side module loaded with dlopen)', () => {
  it("counts the side module's 10 × 512 B once, at side_leak in the side module's source, and says why the side module does not count them itself", async () => {
    const leaks = trackWasm({ eventPath: 'call' });
    try {
      const create = require('../../e2e/site/wasm/dylink-main.cjs') as (o: object) => Promise<Record<string, (n: number) => number>>;
      const main = await create({ wasmBinary: readFileSync('e2e/site/wasm/dylink-main.wasm') });
      leaks.snapshot();
      expect(main._run_side(10)).toBe(10);
      const report = leaks.check();
      const side = report.sites.filter((s) => s.stacks[0].frames[0].name === 'side_leak');
      expect(side.reduce((n, s) => n + s.count, 0)).toBe(10);
      expect(side.reduce((n, s) => n + s.bytes, 0)).toBe(5120);
      // The first block's stack is taken before the side module's first event
      // teaches the hook its script: named by V8, without a source line.
      expect(
        side.map((s) => [
          s.count,
          s.stacks[0].frames[0].file.startsWith('wasm://wasm/') ? 'wasm://wasm/…' : s.stacks[0].frames[0].file.split('/').pop(),
          s.stacks[0].frames[0].line,
          s.stacks[0].frames[1].name,
        ]),
      ).toEqual([
        [9, 'dylink-side.c', 7, 'run_side'],
        [1, 'wasm://wasm/…', 0, 'run_side'],
      ]);
      const modules = leaks.modules();
      const sideModule = modules.find((m) => m.allocators.length === 1);
      expect(sideModule?.instrumented).toBe(false);
      expect(sideModule?.reason).toMatch(
        /^its allocator and memory are imported from module #\d+ \(\(bytes\)\), which counts these allocations$/,
      );
    } finally {
      leaks.stop();
    }
  });
});
