import { describe, expect, it } from 'vitest';
import { BR, type SiteMsg } from '../../src/protocol';
import { forThread, threadsOf } from './thread-filter';
import type { BlockTable } from './store';
import { diffTable } from './page-messages.test-helper';

/** A table of blocks on sites 1–3: site 1 in thread 1, 2 in thread 2, 3 without a thread. */
function table(): BlockTable {
  const rows = [
    [0x100, 100, 1],
    [0x200, 101, 2],
    [0x300, 100, 1],
    [0x400, 8, 3],
  ].map(([ptr, size, site], seq) => ({ ptr, size, site, seq, time: 0 }));
  const g = (site: number, n: number, bytes: number) => ({
    site,
    newCount: n,
    newBytes: bytes,
    freedCount: 0,
    freedBytes: 0,
    liveCount: n,
    liveBytes: bytes,
  });
  return diffTable(rows, { groups: [g(1, 2, 200), g(2, 1, 101), g(3, 1, 8)] });
}

const SITES: Record<number, SiteMsg> = {
  1: { id: 1, module: 1, frames: [], thread: 'thread 1' },
  2: { id: 2, module: 1, frames: [], thread: 'thread 2' },
  3: { id: 3, module: 1, frames: [] },
};
const siteOf = (_: BlockTable, id: number) => SITES[id];

describe('thread filter', () => {
  it('lists the threads the sites name, in numeric order', () => {
    expect(threadsOf([table()], siteOf)).toEqual(['thread 1', 'thread 2']);
    expect(threadsOf([table()], (_, id) => ({ ...SITES[id], thread: undefined }))).toEqual([]);
  });

  it("keeps one thread's groups and block rows, with its counts", () => {
    const t = table();
    const one = forThread(t, 'thread 1', siteOf);
    expect([one.newCount, one.newBytes]).toEqual([2, 200]);
    expect(one.groups.map((g) => g.site)).toEqual([1]);
    expect(Array.from({ length: one.blocks.length / BR.width }, (_, i) => one.blocks[i * BR.width + BR.ptr])).toEqual([0x100, 0x300]);
    expect(one.id).not.toBe(t.id);
    // cached per table and thread
    expect(forThread(t, 'thread 1', siteOf)).toBe(one);
    const two = forThread(t, 'thread 2', siteOf);
    expect([two.newCount, two.newBytes, two.blocks[BR.ptr]]).toEqual([1, 101, 0x200]);
  });
});
