// The row layouts of the binary payloads: names and offsets declared once,
// the field lists derived from them, and the helpers that read rows.
import { describe, it, expect } from 'vitest';
import { rowFields } from './row-layout';
import { SR, SAMPLE_FIELDS, SAMPLE_STRIDE, pushSample } from './sample-row';
import { BR, BLOCK_FIELDS, BLOCK_STRIDE, BLOCK_NO_SITE, blockSite, blockTime } from './block-row';

describe('row layouts', () => {
  it('list the columns in wire order, as docs/recording-format.md does', () => {
    expect(SAMPLE_FIELDS).toEqual(['time', 'module', 'memoryBytes', 'liveCount', 'liveBytes', 'allocs', 'frees']);
    expect(SAMPLE_STRIDE).toBe(7);
    expect(BLOCK_FIELDS).toEqual(['ptr', 'size', 'site', 'seq', 'time']);
    expect(BLOCK_STRIDE).toBe(5);
    for (const [i, f] of SAMPLE_FIELDS.entries()) expect(SR[f]).toBe(i);
    for (const [i, f] of BLOCK_FIELDS.entries()) expect(BR[f]).toBe(i);
  });

  it('refuse offsets with a gap, a repeat or a wrong width', () => {
    expect(rowFields({ b: 1, a: 0, width: 2 })).toEqual(['a', 'b']);
    expect(() => rowFields({ a: 0, b: 2, width: 2 })).toThrow('offsets must be 0');
    expect(() => rowFields({ a: 0, b: 0, width: 2 })).toThrow('offsets must be 0');
    expect(() => rowFields({ a: 0, b: 1, width: 3 })).toThrow('offsets must be 0');
  });

  it('pushSample writes a row in SR order', () => {
    const out = [9];
    pushSample(out, { frees: 7, allocs: 6, liveBytes: 5, liveCount: 4, memoryBytes: 3, module: 2, time: 1 });
    expect(out).toEqual([9, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('blockSite names an unknown site 0, as site groups do; blockTime counts 0.1 ms from the frame start', () => {
    const rows = Uint32Array.from([0x10, 32, 7, 1, 25, 0x20, 64, BLOCK_NO_SITE, 2, 10_000]);
    expect([blockSite(rows, 0), blockSite(rows, 1)]).toEqual([7, 0]);
    expect([blockTime(rows, 0, 1000), blockTime(rows, 1, 1000)]).toEqual([1002.5, 2000]);
  });
});
