import { describe, expect, it } from 'vitest';
import { RecordTable } from './record-table';
import { radixSortOrder } from './radix-sort';
import { rng } from '../test-support/rng';

describe('RecordTable', () => {
  for (const [name, keyOf] of [
    ['random keys', (r: () => number) => r() || 1],
    ['heap-like keys (8-aligned, clustered)', (r: () => number) => 65_536 + (r() % 400_000) * 8],
    ['keys near the top of the address space', (r: () => number) => 0xffffffff - (r() % 100_000) * 16],
  ] as const) {
    it(`agrees with a Map over 300,000 random inserts and deletes (${name})`, () => {
      const r = rng(12345);
      const t = new RecordTable(3, { initialCapacity: 16 });
      const model = new Map<number, number>();
      const keys: number[] = [];
      for (let step = 0; step < 300_000; step++) {
        // Grow for the first half, then shrink: exercises resize both ways.
        const insert = model.size === 0 || r() % 100 < (step < 150_000 ? 65 : 30);
        if (insert) {
          const k = keyOf(r);
          const slot = t.insert(k);
          if (t.existed !== model.has(k)) throw new Error(`existed wrong for ${k} at step ${step}`);
          if (!model.has(k)) keys.push(k);
          t.words[slot + 1] = step;
          t.words[slot + 2] = k ^ 0x5555;
          model.set(k, step);
        } else {
          const i = r() % keys.length;
          const k = keys[i];
          keys[i] = keys[keys.length - 1];
          keys.pop();
          const slot = t.find(k);
          if (slot < 0) throw new Error(`${k} not found at step ${step}`);
          t.removeAt(slot);
          model.delete(k);
        }
        if (step % 50_000 === 0 || step === 299_999) {
          expect(t.count).toBe(model.size);
          for (const [k, v] of model) {
            const slot = t.find(k);
            if (slot < 0 || t.words[slot + 1] !== v || t.words[slot + 2] !== (k ^ 0x5555) >>> 0) {
              throw new Error(`record of ${k} lost or damaged at step ${step}`);
            }
          }
        }
      }
      expect(t.find(3)).toBe(model.has(3) ? t.find(3) : -1);
    });
  }

  it('stays above 80 % load at its growth point and shrinks when emptied', () => {
    const t = new RecordTable(5, { initialCapacity: 1024 });
    for (let i = 1; i <= 100_000; i++) t.insert(i * 16);
    expect(t.count / t.capacity).toBeGreaterThan(0.65);
    for (let i = 1; i <= 99_000; i++) t.removeAt(t.find(i * 16));
    expect(t.capacity).toBeLessThan(10_000);
    for (let i = 99_001; i <= 100_000; i++) expect(t.find(i * 16)).toBeGreaterThanOrEqual(0);
  });
});

describe('radixSortOrder', () => {
  it('sorts u32 keys stably, without touching them', () => {
    const r = rng(7);
    const keys = new Uint32Array(50_000);
    for (let i = 0; i < keys.length; i++) keys[i] = i % 3 === 0 ? r() : r() % 1000;
    const copy = keys.slice();
    const order = radixSortOrder(keys);
    expect(keys).toEqual(copy);
    const expected = Array.from(keys.keys()).sort((a, b) => keys[a] - keys[b] || a - b);
    expect(Array.from(order)).toEqual(expected);
  });
});
