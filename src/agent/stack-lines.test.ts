// Stack lines parsed and mapped once (stack-lines.ts): many distinct deep
// wasm paths sharing their outer frames (e2e/fixtures/src/paths.c) still get
// each its own exact stack, and a stack seen again gets its first id.
import { describe, it, expect } from 'vitest';
import { fixture as wasm } from '../test-support/fixtures';
import { TestPage, started, stubImports } from '../test-support/test-page';

/** The frames paths.c's path `p` shows: leaf, levels 11…0 (level k's function chosen by bit k), tree, o19…o0 (the capture's 68 lines end there). */
function expected(p: number): string[] {
  const levels = Array.from({ length: 12 }, (_, i) => 11 - i).map((k) => `l${k}_${(p >> k) & 1 ? 'b' : 'a'}`);
  return ['leaf', ...levels, 'tree', ...Array.from({ length: 20 }, (_, i) => `o${19 - i}`)];
}

describe('stack lines: paths-wasi-O2.wasm, 256 distinct paths of 34 frames', () => {
  it('walk_paths(256): 256 blocks on 256 sites, each with its own path, line and size; walking again adds none', () => {
    const bytes = wasm('paths-wasi-O2.wasm');
    const page = new TestPage('test://paths');
    const x = started(new page.wa.Instance(new page.wa.Module(bytes), stubImports(bytes, {})));
    const diff = page.compare(() => x.walk_paths(256));
    expect([diff.newCount, diff.newBytes]).toEqual([256, 256 * 16 + 32 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7)]);
    const blocks = page.newBlocks(diff);
    const paths = new Set<number>();
    const sites = new Set<number>();
    for (const b of blocks) {
      const names = b.site.frames.map((f) => f.name);
      // The path from its level frames: l0 is bit 0 … l11 bit 11.
      let p = 0;
      for (let k = 0; k < 12; k++) if (names.includes(`l${k}_b`)) p |= 1 << k;
      expect(names).toEqual(expected(p));
      expect(b.size).toBe(16 + (p & 7));
      expect(b.site.frames.every((f) => f.file === 'e2e/fixtures/src/paths.c' && f.line > 0 && f.func >= 0)).toBe(true);
      expect(b.site.frames[0].line).toBe(18); // leaf's malloc
      paths.add(p);
      sites.add(b.site.id);
    }
    expect([paths.size, sites.size, Math.max(...paths)]).toEqual([256, 256, 255]);
    x.free_paths(); // (its free site is one more)
    const known = page.sites().size;
    expect(known).toBe(257);
    x.free_paths();
    x.walk_paths(256);
    expect(page.sites().size).toBe(known);
    // A V8 stack per allocation: the same 256 stacks, known by their lines' ids.
    page.agent.fullStacks = true;
    x.free_paths();
    x.walk_paths(256);
    expect(page.sites().size).toBe(known);
  });
});
