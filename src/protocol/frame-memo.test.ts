// The validator's frames within one batch: a frame equal to one already validated in the message is that frame
// again (stacks share most frames); anything that differs is validated on its own, and refused when invalid.
import { describe, it, expect } from 'vitest';
import { parsePageMsg, ProtocolError, type BatchMsg } from './index';
import { frameMsg as f } from '../test-support/made-messages';

/** A batch as the port delivers it: every object and string its own copy. */
const batchOf = (stacks: unknown[][]): unknown =>
  JSON.parse(
    JSON.stringify({ t: 'batch', seq: 0, samples: '', sites: stacks.map((frames, i) => ({ id: i + 1, module: 1, frames })), errors: [] }),
  );
const parse = (stacks: unknown[][]) => (parsePageMsg(batchOf(stacks)) as BatchMsg).sites.map((s) => s.frames);

describe('parsePageMsg: frames shared within a batch', () => {
  it('equal frames are one object; a frame differing in name, file, line, func, offset or alloc mark is its own', () => {
    const a = f('grow', 7, 100);
    const others = [
      f('other', 7, 100),
      f('grow', 7, 100, 0, 'x.js'),
      f('grow', 7, 100, 3),
      f('grow', 8, 100),
      f('grow', 7, 101),
      { ...a, alloc: true },
      { ...a, alloc: false },
    ];
    const [one, two, three] = parse([[a, f('main', 1, 20, 5)], [a, f('main', 1, 20, 5)], others]);
    expect(two[0]).toBe(one[0]);
    expect(two[1]).toBe(one[1]);
    expect(one).toEqual([a, f('main', 1, 20, 5)]);
    expect(three).toEqual(others);
    expect(new Set([...three, one[0]]).size).toBe(8);
    // (unknown fields are dropped, as validation always did: the frame is still the same)
    const [x, y] = parse([[a], [{ ...a, extra: 'x' }]]);
    expect(y[0]).toBe(x[0]);
  });

  it('a frame with the numbers of a valid one but a bad field is refused', () => {
    const a = f('grow', 7, 100);
    for (const bad of [
      { ...a, name: 5 },
      { ...a, file: null },
      { ...a, alloc: 'yes' },
      { ...a, func: 7.5 },
      { ...a, name: 'x'.repeat(100_000) },
    ]) {
      expect(() => parse([[a], [bad]])).toThrow(ProtocolError);
    }
    expect(() => parse([[a], [{ ...a, line: Number.NaN }]])).toThrow(ProtocolError);
  });

  it('many frames sharing one location with other names: each validated and kept as sent', () => {
    const forged = Array.from({ length: 40 }, (_, i) => f(`forged_${i}`, 7, 100));
    const [one, two] = parse([forged, forged]);
    expect(one).toEqual(forged);
    expect(two).toEqual(forged);
  });
});
