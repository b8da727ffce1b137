// PendingMsg (the modules a page's rewrite worker has): what the bridge and the
// panel accept of it. The page can post anything with our tag.
import { describe, expect, it } from 'vitest';
import { LIMITS, ProtocolError, parsePageMsg } from './index';

const modules = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `https://example.test/m${i}.wasm`, size: 1_048_576 + i }));

describe('pending message', () => {
  it('keeps the names and sizes, nothing else', () => {
    expect(parsePageMsg({ t: 'pending', modules: [{ name: 'a.wasm', size: 12_345_678, extra: '<b>' }], more: 1 })).toEqual({
      t: 'pending',
      modules: [{ name: 'a.wasm', size: 12_345_678 }],
    });
    expect(parsePageMsg({ t: 'pending', modules: [] })).toEqual({ t: 'pending', modules: [] });
  });

  it(`refuses more than ${LIMITS.maxPending} modules, names over ${LIMITS.maxStringChars} characters and sizes that are not byte counts`, () => {
    expect(parsePageMsg({ t: 'pending', modules: modules(LIMITS.maxPending) }).t).toBe('pending');
    for (const bad of [
      { t: 'pending', modules: modules(LIMITS.maxPending + 1) },
      { t: 'pending', modules: [{ name: 'x'.repeat(LIMITS.maxStringChars + 1), size: 1 }] },
      { t: 'pending', modules: [{ name: 'a', size: -1 }] },
      { t: 'pending', modules: [{ name: 'a', size: 1.5 }] },
      { t: 'pending', modules: [{ name: 'a', size: '1' }] },
      { t: 'pending', modules: 'a' },
      { t: 'pending' },
    ])
      expect(() => parsePageMsg(bad)).toThrow(ProtocolError);
  });
});
