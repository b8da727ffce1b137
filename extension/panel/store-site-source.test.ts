// A comparison shown while the page goes on interning stacks: its grouping by site (groupSites, cached per
// SiteSource.version) is made again only when it can change — a stack it names replaced or arriving, a
// frame dropped, the marks — not at every batch of new stacks it does not name.
import { describe, it, expect } from 'vitest';
import { groupSites } from './site-index';
import { batch, diffMsg, hello, site, stacksStore, STACK_GROUPS, STACK_ROWS, STACK_SITES, F } from './page-messages.test-helper';

const labels = (store: ReturnType<typeof stacksStore>) => {
  const t = store.diffs[0];
  return groupSites(t, store.siteSource(t)).rows.map((r) => r.label);
};

describe('Store.siteSource: the comparison regroups only when its stacks change', () => {
  it('new stacks it does not name (this frame or another): the same grouping; one replaced: grouped again', () => {
    const store = stacksStore();
    const t = store.diffs[0];
    const first = groupSites(t, store.siteSource(t));
    store.apply(0, batch(1, [], [site(50, 1, 'other'), site(51, 1, 'more')]));
    store.apply(2, hello());
    store.apply(2, batch(0, [], [site(1, 1, 'frame two')]));
    expect(groupSites(t, store.siteSource(t))).toBe(first);
    // stack 2 sent again with other frames (its module's symbols arrived): banana's row becomes cherry's
    store.apply(0, batch(2, [], [{ ...STACK_SITES[1], frames: [F.opNew, F.cherry, F.leakAll2, F.js] }]));
    const again = groupSites(t, store.siteSource(t));
    expect(again).not.toBe(first);
    expect(again.rows.map((r) => [r.label, r.stacks])).toEqual([
      ['new_cherry', [2, 3]],
      ['make_apple (stacks.cpp:40)', [1, 4]],
      ['(unknown site)', [0]],
    ]);
  });

  it('a table naming a stack not yet known: grouped again when stacks arrive, until it is known', () => {
    const store = stacksStore();
    // a second comparison reply whose blocks and groups name stack 9, not sent yet
    const rows = [...STACK_ROWS, { ptr: 0x800, size: 16, site: 9, seq: 8, time: 50 }];
    store.setDiff({ ...diffMsg(5, 1, rows, [...STACK_GROUPS, { ...STACK_GROUPS[0], site: 9 }]), frame: 0 });
    const t = store.diffs[0];
    const first = groupSites(t, store.siteSource(t));
    expect(first.rows.map((r) => r.label)).toEqual([
      'make_banana (stacks.cpp:48)',
      'make_apple (stacks.cpp:40)',
      'new_cherry',
      '(unknown site)',
    ]);
    store.apply(0, batch(1, [], [site(50, 1, 'other')]));
    const second = groupSites(t, store.siteSource(t));
    expect(second).not.toBe(first);
    store.apply(0, batch(2, [], [site(9, 1, 'late')]));
    expect(labels(store)).toEqual(['make_banana (stacks.cpp:48)', 'make_apple (stacks.cpp:40)', 'new_cherry', '(unknown site)', 'late']);
    const known = groupSites(t, store.siteSource(t));
    store.apply(0, batch(3, [], [site(60, 1, 'after')]));
    expect(groupSites(t, store.siteSource(t))).toBe(known);
  });
});
