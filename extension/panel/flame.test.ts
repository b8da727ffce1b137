// The flame graph's layout model and the Tree view's trees on hand-built
// whole stacks: node widths are the bytes of the stacks under them, children
// start at their parent's left edge largest first, each node's stacks are one
// range (what a click lists), folded frames are flagged. Exact numbers.
import { describe, it, expect } from 'vitest';
import { flameLayout, leakedStacks, isUnder, type StackBytes, type FlameLayout } from './flame';
import { buildTree, type TreeNode } from './StackTree';
import { stacksStore, F } from './page-messages.test-helper';
import type { FrameMsg } from '../../src/protocol';

const byPage = (f: FrameMsg) => f.alloc === true;

/** Nodes as [depth, name, x, width = bytes, count, folded, stacks under it]. */
function nodesOf(l: FlameLayout) {
  return l.nodes.map((n) => [n.depth, n.name, n.x, n.bytes, n.count, n.folded, Array.from(l.stacks.subarray(n.lo, n.hi))]);
}

describe('flame graph layout', () => {
  it("lays the comparison's new bytes out by whole stack, outermost frame on top; widths are bytes", () => {
    const store = stacksStore();
    const stacks = leakedStacks(store.diffs[0], store.siteSource(store.diffs[0]));
    expect(stacks.map((s) => [s.id, s.bytes, s.count, s.frames.length])).toEqual(
      [
        [2, 80, 2],
        [1, 48, 2],
        [3, 48, 1],
        [4, 24, 1],
        [0, 8, 1],
      ].map(([id, b, c]) => [id, b, c, id === 0 ? 0 : 4]),
    );
    const l = flameLayout(stacks, byPage);
    expect([l.total, l.depth]).toEqual([208, 4]);
    expect(nodesOf(l)).toEqual([
      [0, 'all', 0, 208, 7, false, [2, 1, 3, 4, 0]],
      // The JS caller holds every known stack; the unknown stack (8 B) ends at the root: its right edge stays empty.
      [1, 'onClick', 0, 200, 6, false, [2, 1, 3, 4]],
      [2, 'leak_all', 0, 176, 5, false, [2, 1, 3]],
      [2, 'churn', 176, 24, 1, false, [4]],
      [3, 'make_banana', 0, 80, 2, false, [2]],
      [3, 'make_apple', 80, 48, 2, false, [1]],
      [3, 'new_cherry', 128, 48, 1, false, [3]],
      [4, 'xmalloc', 0, 80, 2, true, [2]],
      [4, 'xmalloc', 80, 48, 2, true, [1]],
      [4, 'operator new(unsigned long)', 128, 48, 1, true, [3]],
      [3, 'make_apple', 176, 24, 1, false, [4]],
      [4, 'xmalloc', 176, 24, 1, true, [4]],
    ]);
    // Every child lies inside its parent; siblings do not overlap.
    for (const n of l.nodes.slice(1)) {
      const p = l.nodes[n.parent];
      expect(n.x >= p.x && n.x + n.bytes <= p.x + p.bytes).toBe(true);
      expect(isUnder(l, l.nodes.indexOf(n), n.parent)).toBe(true);
    }
    // Under leak_all (node 2): its descendants, not churn's.
    expect(l.nodes.map((_, i) => isUnder(l, i, 2))).toEqual([false, false, true, false, true, true, true, true, true, true, false, false]);
  });

  it("the user's marks decide which boxes are dimmed; merging is by function (wasm index, JS name and script)", () => {
    const store = stacksStore();
    store.setWrapper('0:1', F.apple, true);
    store.setWrapper('0:1', F.xmalloc, false);
    const src = store.siteSource(store.diffs[0]);
    const l = flameLayout(leakedStacks(store.diffs[0], src), src.folded);
    expect(l.nodes.filter((n) => n.folded).map((n) => [n.name, n.x, n.bytes])).toEqual([
      ['make_apple', 80, 48],
      ['operator new(unsigned long)', 128, 48],
      ['make_apple', 176, 24],
    ]);
    // Two calls from leak_all at different offsets (835, 845, 855) are one leak_all box.
    expect(l.nodes.filter((n) => n.name === 'leak_all').length).toBe(1);
  });

  it('the filter keeps the stacks of matching sites; ties order by name; zero-byte stacks have zero width', () => {
    const store = stacksStore();
    const t = store.diffs[0];
    expect(leakedStacks(t, store.siteSource(t), 'APPLE').map((s) => s.id)).toEqual([1, 4]);
    const a: FrameMsg = { name: 'b_fn', func: 1, offset: 1, file: '', line: 0 };
    const b: FrameMsg = { name: 'a_fn', func: 2, offset: 1, file: '', line: 0 };
    const input: StackBytes[] = [
      { id: 7, frames: [a], bytes: 16, count: 1 },
      { id: 8, frames: [b], bytes: 16, count: 1 },
      { id: 9, frames: [{ ...b, func: 3, name: 'zero' }], bytes: 0, count: 2 },
    ];
    expect(nodesOf(flameLayout(input, byPage, 'root'))).toEqual([
      [0, 'root', 0, 32, 4, false, [8, 7, 9]],
      [1, 'a_fn', 0, 16, 1, false, [8]],
      [1, 'b_fn', 16, 16, 1, false, [7]],
      [1, 'zero', 32, 0, 2, false, [9]],
    ]);
    // Children narrower than minBytes are left out; their bytes stay in the parent.
    expect(nodesOf(flameLayout(input, byPage, 'root', 1)).map((n) => n[1])).toEqual(['root', 'a_fn', 'b_fn']);
  });
});

describe('Tree view over whole stacks', () => {
  const rows = (n: TreeNode): unknown[] =>
    [...n.children.values()].flatMap((c) => [[c.depth, c.label, c.bytes, c.count, c.folded], ...rows(c)]);

  it("bottom-up starts at the wrappers' frames (dimmed), top-down at the JS caller; same bytes either way", () => {
    const store = stacksStore();
    const src = store.siteSource(store.diffs[0]);
    const stacks = leakedStacks(store.diffs[0], src);
    expect(rows(buildTree(stacks, src.folded, true))).toEqual([
      [0, 'xmalloc (stacks.cpp:37)', 152, 5, true],
      [1, 'make_banana (stacks.cpp:48)', 80, 2, false],
      [2, 'leak_all (stacks.cpp:75)', 80, 2, false],
      [3, 'onClick (stacks.html:47)', 80, 2, false],
      [1, 'make_apple (stacks.cpp:40)', 72, 3, false],
      [2, 'leak_all (stacks.cpp:74)', 48, 2, false],
      [3, 'onClick (stacks.html:47)', 48, 2, false],
      [2, 'churn (stacks.cpp:85)', 24, 1, false],
      [3, 'onClick (stacks.html:47)', 24, 1, false],
      [0, 'operator new(unsigned long)', 48, 1, true],
      [1, 'new_cherry', 48, 1, false],
      [2, 'leak_all (stacks.cpp:76)', 48, 1, false],
      [3, 'onClick (stacks.html:47)', 48, 1, false],
      [0, '(unknown site)', 8, 1, false],
    ]);
    const top = buildTree(stacks, src.folded, false);
    expect([top.bytes, top.count]).toEqual([208, 7]);
    expect(rows(top).slice(0, 4)).toEqual([
      [0, 'onClick (stacks.html:47)', 200, 6, false],
      [1, 'leak_all (stacks.cpp:75)', 80, 2, false],
      [2, 'make_banana (stacks.cpp:48)', 80, 2, false],
      [3, 'xmalloc (stacks.cpp:37)', 80, 2, true],
    ]);
  });
});
