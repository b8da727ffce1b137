// The page's relay of its workers' messages (context-relay.ts): workers are
// numbered in the order they first speak, and a worker that ended is said once
// as its context's `ended` message, after its hello when that was still on its way.
import { describe, expect, it } from 'vitest';
import { ContextRelay } from './context-relay';

function relay() {
  const forwarded: [number, unknown][] = [];
  const r = new ContextRelay({ forward: (ctx, msg) => forwarded.push([ctx, msg]), send: () => {}, unreached: () => {} });
  return { r, forwarded };
}
const hello = { t: 'hello', v: 1, url: 'https://example.test/w.js', start: 1 };

describe('ContextRelay: workers that ended', () => {
  it('a terminated worker that spoke: its context says ended once, whoever says it again', () => {
    const { r, forwarded } = relay();
    r.receive({ from: 'a', msg: hello });
    r.receive({ from: 'b', msg: hello });
    r.ended('b', 'terminated', 1000);
    r.receive({ from: 'b', ended: { how: 'closed', time: 1001 } });
    r.ended('b', 'terminated', 1002);
    expect(forwarded).toEqual([
      [1, hello],
      [2, hello],
      [2, { t: 'ended', how: 'terminated', time: 1000 }],
    ]);
  });

  it('a worker that ended before its hello arrived: said after the hello; a worker that never speaks is never numbered', () => {
    const { r, forwarded } = relay();
    r.ended('late', 'terminated', 1000);
    r.ended('silent', 'terminated', 1000);
    r.receive({ from: 'late', msg: hello });
    r.receive({ from: 'late', msg: { t: 'module' } });
    expect(forwarded).toEqual([
      [1, hello],
      [1, { t: 'ended', how: 'terminated', time: 1000 }],
      [1, { t: 'module' }],
    ]);
    expect(r.contexts).toBe(1);
  });

  it('on the channel: a worker closing itself, or a worker saying one it started was terminated; anything malformed is dropped', () => {
    const { r, forwarded } = relay();
    r.receive({ from: 'w', msg: hello });
    for (const bad of [
      { from: 'w', ended: { how: 'crashed', time: 5 } },
      { from: 'w', ended: { how: 'closed', time: Number.NaN } },
      { from: 'w', ended: { how: 'closed', time: -5 } },
      { from: 'w', ended: { how: 'closed' } },
      { from: 'x'.repeat(65), ended: { how: 'closed', time: 5 } },
      { from: '', ended: { how: 'closed', time: 5 } },
    ])
      r.receive(bad);
    expect(forwarded).toEqual([[1, hello]]);
    r.receive({ from: 'w', ended: { how: 'closed', time: 5 } });
    expect(forwarded.at(-1)).toEqual([1, { t: 'ended', how: 'closed', time: 5 }]);
    // (a nested worker: the worker that started it says it terminated it)
    r.receive({ from: 'n', msg: hello });
    r.receive({ from: 'n', ended: { how: 'terminated-by-worker', time: 6 } });
    expect(forwarded.at(-1)).toEqual([2, { t: 'ended', how: 'terminated-by-worker', time: 6 }]);
    // (only the router says 'unloaded', to the panel)
    r.receive({ from: 'm', msg: hello });
    r.receive({ from: 'm', ended: { how: 'unloaded', time: 7 } });
    expect(forwarded.at(-1)).toEqual([3, hello]);
  });
});
