// Workers as sources of their own (src/agent/worker-hook.ts): the panel labels
// their modules with the context their hello names, and lists the workers the
// page's hook could not follow, once each, per frame, until the frame reloads
// or Clear.
import { describe, expect, it } from 'vitest';
import { Store, contextLabel } from './store';
import { hello, moduleMsg } from './page-messages.test-helper';

const WORKER = 3 + 2 ** 32; // frame 3, context 1 (src/protocol/router.ts)
const unreached = (url: string) => ({ t: 'unreached' as const, kind: 'shared worker', url, reason: 'shared between tabs' });

describe('store: worker contexts', () => {
  it("labels a worker's modules with its kind, script file and name, a frame's with its document; the page's modules with nothing", () => {
    const store = new Store();
    store.apply(3, hello());
    store.apply(3, moduleMsg(1));
    store.apply(WORKER, { ...hello(undefined, 'https://example.test/w/decoder.js?v=2'), context: { kind: 'module worker', name: 'dec' } });
    store.apply(WORKER, moduleMsg(1));
    // (frame 3 is a frame below the top one, named by its document; the top frame, 0, is the page)
    store.apply(0, hello());
    store.apply(0, moduleMsg(1));
    expect([...store.modules.values()].map((m) => [m.key, m.context])).toEqual([
      ['3:1', 'frame https://example.test/'],
      [`${WORKER}:1`, 'module worker decoder.js “dec”'],
      ['0:1', ''],
    ]);
    expect(contextLabel({ url: 'https://x/y.js', context: { kind: 'worker', name: '' } })).toBe('worker y.js');
  });

  it('keeps each unreached worker once, drops a frame’s list when the frame says hello again, and empties on Clear', () => {
    const store = new Store();
    store.apply(0, hello());
    store.apply(5, hello());
    store.apply(0, unreached('https://example.test/a.js'));
    store.apply(0, unreached('https://example.test/a.js')); // a resync says it again
    store.apply(5, unreached('https://example.test/b.js'));
    expect(store.unreached.map((u) => [u.frame, u.url])).toEqual([
      [0, 'https://example.test/a.js'],
      [5, 'https://example.test/b.js'],
    ]);
    store.apply(0, hello()); // frame 0 reloaded
    expect(store.unreached.map((u) => u.url)).toEqual(['https://example.test/b.js']);
    for (let i = 0; i < 150; i++) store.apply(5, unreached(`https://example.test/${i}.js`));
    expect(store.unreached.length).toBe(100);
    store.clear();
    expect(store.unreached).toEqual([]);
  });
});
