// The rates legend's key of kinds (a line per context): which lines a kind names, and its items.
import { describe, expect, it } from 'vitest';
import { rateKeyItems, rateKind } from './rate-key';

describe('rate key', () => {
  it('names the kind of a rate line by its label, alone or after a context', () => {
    expect(['allocs/s', 'page allocs/s', 'worker worker.js “seed” frees/s', 'page live heap', 'frees/sec'].map(rateKind)).toEqual([
      'allocs/s',
      'allocs/s',
      'frees/s',
      null,
      null,
    ]);
  });

  it('has one item per kind, solid then dashed, crossed out when hidden', () => {
    expect(rateKeyItems(new Set(['frees/s', 'page allocs/s']), '#123').map((i) => [i.text, i.lineDash, i.hidden, i.fontColor])).toEqual([
      ['allocs/s', [], false, '#123'],
      ['frees/s', [2, 2], true, '#123'],
    ]);
  });
});
