// The derived views of a block table on small hand-built ones: the page's
// groups (one per whole stack) regrouped by site frame, with and without the
// user's allocator-wrapper marks; block rows and leak kinds per site; sort
// orders; labels. Exact numbers.
import { describe, it, expect } from 'vitest';
import {
  groupSites,
  siteOfStack,
  kindsText,
  kindName,
  frameLabel,
  frameLocation,
  sortGroups,
  sortRows,
  type SiteGrouping,
} from './site-index';
import { Store, type BlockTable } from './store';
import { memoryStorage } from './wrapper-marks';
import {
  blockRows,
  diffTable,
  leaksMsg,
  hello,
  moduleMsg,
  stacksStore,
  F,
  STACK_ROWS,
  STACK_GROUPS,
  type BlockRow,
} from './page-messages.test-helper';
import { FREED_SINCE_B, type FrameMsg } from '../../src/protocol';

const KINDS = [3, 3, 2, 0, 1, 3, FREED_SINCE_B];

/** The rows as plain data: what the Sites table shows, plus the stacks in each. */
function rowsOf(g: SiteGrouping) {
  return g.rows.map((r) => ({
    label: r.label,
    key: r.key,
    folded: r.folded.map((f) => f.name),
    stacks: r.stacks,
    new: [r.newCount, r.newBytes],
    freed: [r.freedCount, r.freedBytes],
    live: [r.liveCount, r.liveBytes],
  }));
}
/** Block rows (indices into STACK_ROWS) of each site row. */
function blocksOf(g: SiteGrouping): number[][] {
  return g.rows.map((_, i) => Array.from(g.order.subarray(g.start[i], g.start[i + 1])));
}
const grouped = (store: Store) => groupSites(store.diffs[0], store.siteSource(store.diffs[0]));

/** A site row as rowsOf gives it: label, key, the frames folded into it, its stacks, and [count, bytes] new, freed and live. */
function siteRow(label: string, key: string, folded: string[], stacks: number[], made: number[], freed: number[], live: number[]) {
  return { label, key, folded, stacks, new: made, freed, live };
}
const BANANA = siteRow('make_banana (stacks.cpp:48)', '1|w6:469', ['xmalloc'], [2], [2, 80], [1, 40], [3, 120]);
const APPLE = siteRow('make_apple (stacks.cpp:40)', '1|w5:400', ['xmalloc'], [1, 4], [3, 72], [0, 0], [7, 168]);
const CHERRY = siteRow('new_cherry', '1|w7:570', ['operator new(unsigned long)'], [3], [1, 48], [2, 96], [1, 48]);
const UNKNOWN = siteRow('(unknown site)', '1|?', [], [0], [1, 8], [0, 0], [1, 8]);

describe('Sites grouped by site frame', () => {
  it('stacks whose first frame outside the allocator wrappers is one call site share a row; counts are summed', () => {
    const store = stacksStore();
    const g = grouped(store);
    // make_apple is reached from leak_all (stack 1) and churn (stack 4): one row. The rows keep the page's order (largest first).
    expect(rowsOf(g)).toEqual([BANANA, APPLE, CHERRY, UNKNOWN]);
    expect([...g.rowOf]).toEqual([
      [2, 0],
      [1, 1],
      [3, 2],
      [4, 1],
      [0, 3],
    ]);
    // Blocks per row in the page's order: banana rows 1, 6; apple 0, 3, 4; cherry 2; unknown 5.
    expect(blocksOf(g)).toEqual([[1, 6], [0, 3, 4], [2], [5]]);
    expect(Array.from(g.start)).toEqual([0, 2, 5, 6, 7]);
    expect(g.kinds).toBe(null);
    expect(grouped(store)).toBe(g); // cached until stacks, marks or leak kinds change
  });

  it('leak kinds are counted per row (index 4: freed since B) and worded worst first', () => {
    const store = stacksStore();
    store.setLeaks({ ...leaksMsg(6, 1, KINDS), frame: 0 });
    const g = grouped(store);
    expect(g.kinds).toEqual([
      [0, 0, 0, 1, 1],
      [1, 1, 0, 1, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0],
    ]);
    expect(g.kinds!.map((k) => kindsText(k))).toEqual([
      '1 definitely lost, 1 freed since B',
      '1 definitely lost, 1 possibly lost, 1 reachable',
      '1 indirectly lost',
      '1 definitely lost',
    ]);
    expect(kindsText(undefined)).toBe('');
    expect([kindName(3), kindName(0), kindName(FREED_SINCE_B), kindName(9)]).toEqual([
      'definitely lost',
      'reachable',
      'freed since B',
      'unknown',
    ]);
  });

  it('"Treat as allocator wrapper" on make_apple: its stacks move to their callers, leak_all and churn, each a row', () => {
    const store = stacksStore();
    const before = grouped(store);
    store.setWrapper('0:1', F.apple, true);
    const g = grouped(store);
    expect(g).not.toBe(before);
    // make_apple's callers: xmalloc and make_apple folded into each, nothing of theirs freed.
    const viaApple = (label: string, key: string, stacks: number[], made: number[], live: number[]) =>
      siteRow(label, key, ['xmalloc', 'make_apple'], stacks, made, [0, 0], live);
    expect(rowsOf(g)).toEqual([
      BANANA,
      viaApple('leak_all (stacks.cpp:74)', '1|w9:835', [1], [2, 48], [2, 48]),
      CHERRY,
      viaApple('churn (stacks.cpp:85)', '1|w10:900', [4], [1, 24], [5, 120]),
      UNKNOWN,
    ]);
    expect(blocksOf(g)).toEqual([[1, 6], [0, 4], [2], [3], [5]]);
    expect(store.marks.marksOf(store.modules.get('0:1')!)).toEqual([{ func: 5, name: 'make_apple', alloc: true }]);
    // Unmarking it (the page's own mark: none) removes the override: back to the rows of the page's marks.
    store.setWrapper('0:1', F.apple, false);
    expect(rowsOf(grouped(store))).toEqual([BANANA, APPLE, CHERRY, UNKNOWN]);
    expect(store.marks.marksOf(store.modules.get('0:1')!)).toEqual([]);
  });

  it('"Not an allocator wrapper" on xmalloc (marked by the page): make_apple and make_banana join in one xmalloc row', () => {
    const store = stacksStore();
    store.setWrapper('0:1', F.xmalloc, false);
    expect(rowsOf(grouped(store))).toEqual([
      siteRow('xmalloc (stacks.cpp:37)', '1|w4:380', [], [2, 1, 4], [5, 152], [1, 40], [10, 288]),
      CHERRY,
      UNKNOWN,
    ]);
    expect(blocksOf(grouped(store))).toEqual([[0, 1, 3, 4, 6], [2], [5]]);
    // Both overrides at once: xmalloc unfolded, operator new unfolded too.
    store.setWrapper('0:1', F.opNew, false);
    expect(rowsOf(grouped(store)).map((r) => [r.label, r.stacks, r.new])).toEqual([
      ['xmalloc (stacks.cpp:37)', [2, 1, 4], [5, 152]],
      ['operator new(unsigned long)', [3], [1, 48]],
      ['(unknown site)', [0], [1, 8]],
    ]);
    expect(store.marks.marksOf(store.modules.get('0:1')!)).toEqual([
      { func: 4, name: 'xmalloc', alloc: false },
      { func: 19, name: 'operator new(unsigned long)', alloc: false },
    ]);
    // JS frames cannot be marked.
    store.setWrapper('0:1', F.js, true);
    expect(store.marks.marksOf(store.modules.get('0:1')!)).toHaveLength(2);
  });

  it('a stack whose every frame is folded has its innermost frame as site; a stack without a SiteMsg is unknown', () => {
    const folded = (f: FrameMsg) => f.func !== -1;
    expect(siteOfStack(1, { id: 9, module: 1, frames: [F.xmalloc, F.apple] }, folded)).toEqual({
      key: '1|w4:380',
      frame: F.xmalloc,
      folded: [],
      label: 'xmalloc (stacks.cpp:37)',
    });
    expect(siteOfStack(1, { id: 9, module: 1, frames: [F.xmalloc, F.js] }, folded)).toEqual({
      key: '1|jonClick@https://example.test/stacks.html:47',
      frame: F.js,
      folded: [F.xmalloc],
      label: 'onClick (stacks.html:47)',
    });
    expect(siteOfStack(1, undefined, folded)).toEqual({ key: '1|?', frame: undefined, folded: [], label: '(unknown site)' });
    expect(siteOfStack(2, { id: 9, module: 2, frames: [] }, folded).key).toBe('2|?');
  });

  it('blocks of a stack the groups do not name still get a row (with no counts of its own)', () => {
    const store = stacksStore();
    const t = store.diffs[0];
    const table: BlockTable = { ...t, groups: STACK_GROUPS.filter((x) => x.site !== 4), blocks: blockRows(STACK_ROWS) };
    const g = groupSites(table, store.siteSource(table));
    expect(rowsOf(g).map((r) => [r.label, r.stacks, r.new])).toEqual([
      ['make_banana (stacks.cpp:48)', [2], [2, 80]],
      ['make_apple (stacks.cpp:40)', [1, 4], [2, 48]],
      ['new_cherry', [3], [1, 48]],
      ['(unknown site)', [0], [1, 8]],
    ]);
    expect(blocksOf(g)).toEqual([[1, 6], [0, 3, 4], [2], [5]]);
  });

  it('1,000,000 blocks over 1,000 stacks of 10 sites regroup in typed arrays, fast', () => {
    const store = stacksStore();
    const n = 1_000_000;
    const blocks = new Uint32Array(n * 5);
    for (let b = 0; b < n; b++) {
      blocks[b * 5 + 1] = 16;
      blocks[b * 5 + 2] = 100 + (b % 1000);
    }
    const sites = Array.from({ length: 1000 }, (_, i) => ({
      id: 100 + i,
      module: 1,
      frames: [F.xmalloc, { ...F.apple, offset: 1000 + (i % 10) }, { ...F.churn, offset: i }],
    }));
    store.apply(0, { t: 'batch', seq: 1, samples: '', sites, errors: [] });
    const groups = sites.map((s) => ({
      site: s.id,
      newCount: 1000,
      newBytes: 16_000,
      freedCount: 0,
      freedBytes: 0,
      liveCount: 1000,
      liveBytes: 16_000,
    }));
    const table: BlockTable = { ...store.diffs[0], groups, blocks };
    const t0 = performance.now();
    const g = groupSites(table, store.siteSource(table));
    const ms = performance.now() - t0;
    expect(g.rows.map((r) => [r.stacks.length, r.newCount, r.newBytes])).toEqual(Array(10).fill([100, 100_000, 1_600_000]));
    expect(g.start[10]).toBe(n);
    expect(Array.from(g.order.subarray(g.start[3], g.start[3] + 3))).toEqual([3, 13, 23]);
    // 30–80 ms on an idle 2-core VM; the bound only catches a quadratic slip on a loaded machine.
    expect(ms).toBeLessThan(3000);
  });
});

describe('Allocator-wrapper marks are remembered per module', () => {
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('a reload (a new store on the same storage) applies the marks when the module (same URL and size) appears', async () => {
    const storage = memoryStorage();
    const first = stacksStore(new Store(storage));
    first.setWrapper('0:1', F.apple, true);
    await tick();
    const again = new Store(storage);
    stacksStore(again);
    await tick();
    expect(again.marks.marksOf(again.modules.get('0:1')!)).toEqual([{ func: 5, name: 'make_apple', alloc: true }]);
    expect(rowsOf(grouped(again)).map((r) => r.label)).toEqual([
      'make_banana (stacks.cpp:48)',
      'leak_all (stacks.cpp:74)',
      'new_cherry',
      'churn (stacks.cpp:85)',
      '(unknown site)',
    ]);
    // Another build (another size) of the same URL: not applied.
    const other = new Store(storage);
    other.apply(0, hello());
    other.apply(0, { ...moduleMsg(1), size: 999 });
    await tick();
    expect(other.marks.marksOf(other.modules.get('0:1')!)).toEqual([]);
  });

  it('a module passed as bytes is matched by function name, not index', async () => {
    const storage = memoryStorage();
    const store = new Store(storage);
    store.apply(0, hello());
    store.apply(0, { ...moduleMsg(1), name: '(bytes)' });
    store.setWrapper('0:1', F.apple, true);
    const m = store.modules.get('0:1')!;
    expect(store.isFolded('0:1', { ...F.apple, func: 77 })).toBe(true);
    expect(store.isFolded('0:1', { ...F.banana, func: 5 })).toBe(false);
    expect(store.marks.marksOf(m)).toEqual([{ func: 5, name: 'make_apple', alloc: true }]);
  });

  it("Clear keeps the live page's marks", () => {
    const store = stacksStore();
    store.setWrapper('0:1', F.apple, true);
    store.clear();
    stacksStore(store);
    expect(store.isFolded('0:1', F.apple)).toBe(true);
  });
});

describe('sorting and labels', () => {
  it("sorts site rows by every column, both ways; ties keep the page's order", () => {
    const store = stacksStore();
    store.setLeaks({ ...leaksMsg(6, 1, KINDS), frame: 0 });
    const g = grouped(store);
    const kinds = (r: (typeof g.rows)[number]) => g.kinds![g.rows.indexOf(r)];
    const by = (key: Parameters<typeof sortGroups>[1]['key'], dir: 1 | -1) =>
      sortGroups(g.rows, { key, dir }, (r) => r.label, kinds).map((r) => r.label.split(' ')[0]);
    expect(by('site', 1)).toEqual(['(unknown', 'make_apple', 'make_banana', 'new_cherry']);
    expect(by('site', -1)).toEqual(['new_cherry', 'make_banana', 'make_apple', '(unknown']);
    expect(by('new', -1)).toEqual(['make_apple', 'make_banana', 'new_cherry', '(unknown']);
    expect(by('freed', -1)).toEqual(['new_cherry', 'make_banana', 'make_apple', '(unknown']);
    expect(by('delta', 1)).toEqual(['new_cherry', 'make_banana', '(unknown', 'make_apple']); // -1, 1, 1, 3
    expect(by('size', -1)).toEqual(['make_apple', 'make_banana', '(unknown', 'new_cherry']); // 72, 40, 8, -48
    expect(by('live', 1)).toEqual(['(unknown', 'new_cherry', 'make_banana', 'make_apple']);
    expect(by('kinds', -1)).toEqual(['make_banana', 'make_apple', '(unknown', 'new_cherry']); // definitely lost: 1, 1, 1, 0
    expect(g.rows.map((r) => r.label.split(' ')[0])).toEqual(['make_banana', 'make_apple', 'new_cherry', '(unknown']); // not sorted in place
  });

  const ROWS: BlockRow[] = [
    { ptr: 0x100, size: 32, site: 5, seq: 10, time: 0 },
    { ptr: 0x200, size: 64, site: 7, seq: 11, time: 0 },
    { ptr: 0x300, size: 16, site: 5, seq: 12, time: 0 },
    { ptr: 0x400, size: 8, site: 0, seq: 13, time: 0 },
    { ptr: 0x180, size: 64, site: 7, seq: 14, time: 0 },
    { ptr: 0x500, size: 128, site: 5, seq: 9, time: 0 },
  ];
  const KINDS6 = [3, 2, FREED_SINCE_B, 0, 1, 3];
  function table(withKinds: boolean): BlockTable {
    return diffTable(ROWS, {
      freedCount: 5,
      freedBytes: 504,
      leaks: withKinds ? { msg: leaksMsg(1, 1, KINDS6), kinds: Uint8Array.from(KINDS6) } : null,
    });
  }

  it('sorts all rows by address, size, allocation number or leak kind; ties by row', () => {
    const t = table(true);
    const rows = (key: Parameters<typeof sortRows>[1], dir: 1 | -1) => Array.from(sortRows(t, key, dir));
    expect(rows('ptr', 1)).toEqual([0, 4, 1, 2, 3, 5]);
    expect(rows('ptr', -1)).toEqual([5, 3, 2, 1, 4, 0]);
    expect(rows('size', 1)).toEqual([3, 2, 0, 1, 4, 5]);
    expect(rows('size', -1)).toEqual([5, 4, 1, 0, 2, 3]);
    expect(rows('seq', 1)).toEqual([5, 0, 1, 2, 3, 4]);
    expect(rows('kind', 1)).toEqual([3, 4, 1, 0, 5, 2]);
    expect(Array.from(sortRows(table(false), 'kind', 1))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("labels a frame with its file's base name and line; locates it by line, else by code offset", () => {
    expect(frameLabel(F.apple)).toBe('make_apple (stacks.cpp:40)');
    expect(frameLabel({ name: 'malloc', file: '', line: 0 })).toBe('malloc');
    expect([frameLocation(F.apple), frameLocation(F.cherry), frameLocation(F.js), frameLocation({ ...F.js, line: 0 })]).toEqual([
      'stacks.cpp:40',
      '0x23a',
      'stacks.html:47',
      '',
    ]);
  });
});
