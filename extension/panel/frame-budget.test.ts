// FrameBudget's frame interning: a frame is one kept object per (location, name, file, alloc mark), found
// again by its numbers and the strings as sent; the names shown are demangled once.
import { describe, expect, it } from 'vitest';
import type { FrameMsg, SiteMsg } from '../../src/protocol';
import { frameMsg as f } from '../../src/test-support/made-messages';
import { FrameBudget } from './frame-budget';

/** A site as the validator hands it over: fresh objects and strings for every frame. */
const site = (id: number, frames: FrameMsg[]): SiteMsg => ({ id, module: 1, frames: JSON.parse(JSON.stringify(frames)) });

describe('FrameBudget frames', () => {
  it('equal frames of two stacks are one kept object; a frame differing in name, file, line, func or alloc mark is another', () => {
    const b = new FrameBudget();
    const base = [f('_Z4growv', 7, 100), f('main', 1, 20, 5, 'main.c')];
    const one = b.admitSite(site(1, base))!;
    const two = b.admitSite(site(2, base))!;
    expect(two.frames[0]).toBe(one.frames[0]);
    expect(two.frames[1]).toBe(one.frames[1]);
    expect(one.frames.map((x) => x.name)).toEqual(['grow()', 'main']);
    expect(b.held.frames).toBe(2);
    const others = [
      f('_Z5otherv', 7, 100),
      f('_Z4growv', 7, 100, 0, 'wasm://wasm/ffffffff'),
      f('_Z4growv', 7, 100, 3),
      f('_Z4growv', 8, 100),
      { ...f('_Z4growv', 7, 100), alloc: true },
    ];
    const three = b.admitSite(site(3, others))!;
    expect(new Set([...three.frames, one.frames[0]]).size).toBe(6);
    expect(three.frames[4].alloc).toBe(true);
    expect(b.held.frames).toBe(7);
    // each again: found, nothing added
    const four = b.admitSite(site(4, others))!;
    four.frames.forEach((x, i) => expect(x).toBe(three.frames[i]));
    expect([b.held.sites, b.held.frames]).toEqual([4, 7]);
  });

  it('JS frames (no function index, no offset) are told apart by line, file and name', () => {
    const b = new FrameBudget();
    const js = [f('a', -1, -1, 6, 'x.js'), f('a', -1, -1, 7, 'x.js'), f('a', -1, -1, 6, 'y.js'), f('b', -1, -1, 6, 'x.js')];
    const one = b.admitSite(site(1, js))!;
    expect(new Set(one.frames).size).toBe(4);
    const two = b.admitSite(site(2, [...js].reverse()))!;
    expect(two.frames).toEqual([...one.frames].reverse());
    two.frames.forEach((x, i) => expect(x).toBe(one.frames[3 - i]));
    expect(b.held.frames).toBe(4);
  });

  it('a stack refused at the frames limit leaves no frame behind: the next one with those frames counts them anew', () => {
    const b = new FrameBudget({ sites: 10, frames: 3, chars: 1_000, modules: 1, points: 1, errors: 1 });
    expect(b.admitSite(site(1, [f('a', 1, 1), f('b', 2, 2)]))).not.toBeNull();
    expect(b.admitSite(site(2, [f('c', 3, 3), f('d', 4, 4)]))).toBeNull();
    expect([b.held.frames, b.dropped.frames]).toEqual([2, 1]);
    const three = b.admitSite(site(3, [f('c', 3, 3), f('a', 1, 1)]))!;
    expect(three.frames.map((x) => x.name)).toEqual(['c', 'a']);
    expect([b.held.sites, b.held.frames]).toEqual([2, 3]);
  });
});
