// The derived views of a block table on a small hand-built one: rows grouped
// by site, leak kinds per site, sort orders, labels. Exact numbers.
import { describe, it, expect } from 'vitest';
import { siteIndex, kindsBySite, kindsText, kindName, siteLabel, frameLabel, sortGroups, sortRows } from './site-index';
import type { BlockTable } from './store';
import { blockRows, group, leaksMsg, type BlockRow } from './page-messages.test-helper';
import { BLOCK_NO_SITE, FREED_SINCE_B } from '../../src/protocol';

// Sites 5, 7 and an unknown one, interleaved as the page may send them.
const ROWS: BlockRow[] = [
  { ptr: 0x100, size: 32, site: 5, seq: 10, time: 0 },
  { ptr: 0x200, size: 64, site: 7, seq: 11, time: 0 },
  { ptr: 0x300, size: 16, site: 5, seq: 12, time: 0 },
  { ptr: 0x400, size: 8, site: BLOCK_NO_SITE, seq: 13, time: 0 },
  { ptr: 0x180, size: 64, site: 7, seq: 14, time: 0 },
  { ptr: 0x500, size: 128, site: 5, seq: 9, time: 0 },
];
const KINDS = [3, 2, FREED_SINCE_B, 0, 1, 3];
const GROUPS = [
  group(5, { newCount: 3, newBytes: 176, freedCount: 1, freedBytes: 500, liveBytes: 900 }),
  group(7, { newCount: 2, newBytes: 128, liveBytes: 128 }),
  group(0, { newCount: 1, newBytes: 8, freedCount: 4, freedBytes: 4, liveBytes: 8 }),
];

function table(withKinds: boolean): BlockTable {
  return {
    id: 1, kind: 'diff', moduleKey: '0:1', frame: 0, module: 1, newCount: 6, newBytes: 312, freedCount: 5, freedBytes: 504,
    groups: GROUPS, blocks: blockRows(ROWS), truncated: false,
    leaks: withKinds ? { msg: leaksMsg(1, 1, KINDS), kinds: Uint8Array.from(KINDS) } : null,
  };
}

describe('site index', () => {
  it('groups rows by site in the page\'s order; an unknown site is site 0, as in the groups', () => {
    const t = table(false);
    const index = siteIndex(t.blocks);
    expect([...index.count]).toEqual([[5, 3], [7, 2], [0, 1]]);
    expect([...index.start]).toEqual([[5, 0], [7, 3], [0, 5]]);
    expect(Array.from(index.order)).toEqual([0, 2, 5, 1, 4, 3]);
    expect(siteIndex(t.blocks)).toBe(index); // cached per table
  });

  it('counts leak kinds per site (index 4: freed since B) and words them worst first', () => {
    expect(kindsBySite(table(false))).toBe(null);
    const kinds = kindsBySite(table(true))!;
    expect([...kinds]).toEqual([[5, [0, 0, 0, 2, 1]], [7, [0, 1, 1, 0, 0]], [0, [1, 0, 0, 0, 0]]]);
    expect(kindsText(kinds.get(5))).toBe('2 definitely lost, 1 freed since B');
    expect(kindsText(kinds.get(7))).toBe('1 indirectly lost, 1 possibly lost');
    expect(kindsText(kinds.get(0))).toBe('1 reachable');
    expect(kindsText(undefined)).toBe('');
    expect([kindName(3), kindName(0), kindName(FREED_SINCE_B), kindName(9)]).toEqual(['definitely lost', 'reachable', 'freed since B', 'unknown']);
  });

  it('sorts sites by every column, both ways; ties keep the page\'s order', () => {
    const label = (s: number) => ({ 5: 'b_site', 7: 'a_site', 0: '(unknown site)' })[s as 5 | 7 | 0];
    const kinds = kindsBySite(table(true));
    const by = (key: Parameters<typeof sortGroups>[1]['key'], dir: 1 | -1) => sortGroups(GROUPS, { key, dir }, label, kinds).map((g) => g.site);
    expect(by('site', 1)).toEqual([0, 7, 5]);
    expect(by('site', -1)).toEqual([5, 7, 0]);
    expect(by('new', -1)).toEqual([5, 7, 0]);
    expect(by('freed', -1)).toEqual([0, 5, 7]);
    expect(by('delta', 1)).toEqual([0, 5, 7]); // -3, 2, 2
    expect(by('size', -1)).toEqual([7, 0, 5]); // 128, 4, -324
    expect(by('live', 1)).toEqual([0, 7, 5]);
    expect(by('kinds', -1)).toEqual([5, 7, 0]); // definitely lost: 2, 0, 0
    expect(GROUPS.map((g) => g.site)).toEqual([5, 7, 0]); // not sorted in place
  });

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

  it('labels a site by its first wasm frame, with the file\'s base name and line', () => {
    const js = { name: 'onClick', func: -1, offset: -1, file: 'https://example.test/app.js', line: 40 };
    const wasm = { name: 'process_data', func: 3, offset: 77, file: '/src/leak.c', line: 19 };
    expect(siteLabel({ id: 1, module: 1, frames: [js, wasm] })).toBe('process_data (leak.c:19)');
    expect(siteLabel({ id: 1, module: 1, frames: [js] })).toBe('onClick (app.js:40)');
    expect(siteLabel({ id: 1, module: 1, frames: [] })).toBe('(unknown site)');
    expect(siteLabel(undefined)).toBe('(unknown site)');
    expect(frameLabel({ name: 'malloc', file: '', line: 0 })).toBe('malloc');
  });
});
