// The modules a page is still rewriting in its rewrite worker (PendingMsg):
// each frame's latest list, gone with an empty list, the frame's next hello or Clear.
import { describe, expect, it } from 'vitest';
import { Store } from './store';
import { hello } from './page-messages.test-helper';

const pending = (...names: string[]) => ({ t: 'pending' as const, modules: names.map((name, i) => ({ name, size: 1_000_000 * (i + 1) })) });

describe('store: pending modules', () => {
  it("keeps each frame's latest list until it is empty, the frame says hello again, or Clear", () => {
    const store = new Store();
    store.apply(0, hello());
    store.apply(7, hello());
    store.apply(0, pending('a.wasm', 'b.wasm'));
    store.apply(7, pending('c.wasm'));
    store.apply(0, pending('b.wasm')); // a.wasm done
    expect(store.pending).toEqual([
      { frame: 0, name: 'b.wasm', size: 1_000_000 },
      { frame: 7, name: 'c.wasm', size: 1_000_000 },
    ]);
    store.apply(0, pending());
    expect(store.pending.map((p) => p.name)).toEqual(['c.wasm']);
    store.apply(7, hello()); // the frame reloaded
    expect(store.pending).toEqual([]);
    store.apply(7, pending('d.wasm'));
    store.clear();
    expect(store.pending).toEqual([]);
  });

  it('lists at most 64 frames at once', () => {
    const store = new Store();
    for (let f = 0; f < 100; f++) store.apply(f, pending(`m${f}.wasm`));
    expect(store.pending.length).toBe(64);
    store.apply(3, pending('again.wasm')); // a frame already listed may still change its list
    expect(store.pending.find((p) => p.frame === 3)?.name).toBe('again.wasm');
  });
});
