// Workers that ended (EndedMsg, relayed by src/agent/context-relay.ts): the
// store marks the source ended, its lines stop at that time holding their last
// figures, snapshots stop waiting for it, and a comparison says its blocks
// went with it instead of naming it as silent.
import { describe, expect, it } from 'vitest';
import type { SnapshotMsg, SnapshotName } from '../../src/protocol';
import { parsePageMsg } from '../../src/protocol';
import { Store } from './store';
import { parseRecording, toRecording } from './recording';
import { START, batch, hello, moduleMsg, sample } from './page-messages.test-helper';

const PAGE = 0;
const W1 = 2 ** 32; // top frame, context 1 (src/protocol/router.ts)
const W2 = 2 * 2 ** 32;

function twoWorkers(): Store {
  const store = new Store();
  store.apply(PAGE, hello());
  for (const w of [W1, W2]) {
    store.apply(w, { ...hello(START + 1, 'https://example.test/w.js'), context: { kind: 'worker', name: `w${w / 2 ** 32}` } });
    store.apply(w, moduleMsg(1));
    store.apply(w, batch(1, [sample(1, 100, { liveCount: 100, liveBytes: 102_400, allocs: 100 })]));
  }
  return store;
}

const answer = (name: SnapshotName, cut: number, liveCount: number): SnapshotMsg => ({
  t: 'snapshot',
  req: 1,
  name,
  cut,
  time: START + 500,
  modules: liveCount ? [{ module: 1, liveCount, liveBytes: liveCount * 1024 }] : [],
});

describe('store: workers that ended', () => {
  it('marks a worker source ended once; its series runs to that time with its last figures and stops; a new hello forgets it', () => {
    const store = twoWorkers();
    store.apply(W1, { t: 'ended', how: 'terminated', time: START + 900 });
    store.apply(W1, { t: 'ended', how: 'closed', time: START + 950 }); // (said again: changes nothing)
    expect(store.ended(W1)).toEqual({ how: 'terminated', time: START + 900 });
    expect(store.ended(W2)).toBeUndefined();
    const s = store.series.get(`${W1}:1`)!;
    expect([s.time, s.live, s.liveCount]).toEqual([
      [START + 100, START + 900],
      [102_400, 102_400],
      [100, 100],
    ]);
    expect(store.series.get(`${W2}:1`)!.time).toEqual([START + 100]);
    expect(store.lastTime).toBe(START + 900);
    // A sample that was on its way when it ended goes before the end point, which holds its figures.
    store.apply(W1, batch(2, [sample(1, 400, { liveCount: 101, liveBytes: 103_424, allocs: 101 })]));
    expect([s.time, s.live]).toEqual([
      [START + 100, START + 400, START + 900],
      [102_400, 103_424, 103_424],
    ]);
    expect(store.modules.get(`${W1}:1`)!.liveCount).toBe(101);
    // The same source saying hello again is a new worker.
    store.apply(W1, hello(START + 2000, 'https://example.test/w.js'));
    expect(store.ended(W1)).toBeUndefined();
  });

  it('ignores an ended fact from a frame, or from a source that never said hello; Clear forgets', () => {
    const store = twoWorkers();
    store.apply(PAGE, { t: 'ended', how: 'closed', time: START + 900 });
    store.apply(3 * 2 ** 32, { t: 'ended', how: 'closed', time: START + 900 });
    expect([store.ended(PAGE), store.ended(3 * 2 ** 32)]).toEqual([undefined, undefined]);
    store.apply(W2, { t: 'ended', how: 'closed', time: START + 900 });
    store.clear();
    expect(store.ended(W2)).toBeUndefined();
  });

  it('a snapshot after a worker ended does not wait for it; the comparison says its blocks at A went with it', () => {
    const store = twoWorkers();
    const a = store.beginSnapshot('A', START + 500);
    expect([...a.expected]).toEqual([W1, W2]);
    for (const w of [PAGE, W1, W2]) store.snapshotAnswer(w, answer('A', a.cut, w === PAGE ? 0 : 100), START + 510);
    store.apply(W1, { t: 'ended', how: 'terminated', time: START + 900 });
    const b = store.beginSnapshot('B', START + 1000);
    expect([...b.expected]).toEqual([W2]);
    expect(store.snapshotAnswer(PAGE, answer('B', b.cut, 0), START + 1010)).toBe(false);
    // (the last one it waits for: settled at once)
    expect(store.snapshotAnswer(W2, answer('B', b.cut, 200), START + 1020)).toBe(true);
    expect(store.snapshots.B).toEqual({ time: START + 500, liveCount: 200, liveBytes: 204_800 });
    expect(store.comparisonGaps).toEqual([
      { source: W1, name: 'B', lateBy: null, ended: { how: 'terminated', since: 'A', liveCount: 100, liveBytes: 102_400 } },
    ]);
    expect(store.beginComparison()?.sources).toEqual([{ source: W2, cuts: { from: a.cut, to: b.cut, final: null } }]);
  });

  it('a worker that ends while a snapshot waits for it is no longer waited for, and is named as ended, not silent', () => {
    const store = twoWorkers();
    const a = store.beginSnapshot('A', START + 500);
    for (const w of [PAGE, W1, W2]) store.snapshotAnswer(w, answer('A', a.cut, 100), START + 510);
    const b = store.beginSnapshot('B', START + 1000);
    expect(store.snapshotAnswer(W2, answer('B', b.cut, 100), START + 1010)).toBe(false);
    store.apply(W1, { t: 'ended', how: 'closed', time: START + 1020 });
    expect([...store.cut('B')!.expected]).toEqual([W2]);
    expect(store.snapshotAnswer(PAGE, answer('B', b.cut, 0), START + 1030)).toBe(true);
    expect(store.comparisonGaps.map((g) => [g.source, g.name, g.lateBy, g.ended?.how])).toEqual([[W1, 'B', null, 'closed']]);
  });

  it('without an ended fact, a worker that stays silent is still named as not answering', () => {
    const store = twoWorkers();
    const a = store.beginSnapshot('A', START + 500);
    for (const w of [PAGE, W1, W2]) store.snapshotAnswer(w, answer('A', a.cut, 100), START + 510);
    const b = store.beginSnapshot('B', START + 1000);
    store.snapshotAnswer(PAGE, answer('B', b.cut, 0), START + 1010);
    store.snapshotAnswer(W2, answer('B', b.cut, 100), START + 1010);
    expect(store.settleSnapshot('B', b.cut)).toBe(true);
    expect(store.comparisonGaps).toEqual([{ source: W1, name: 'B', lateBy: null }]);
  });

  it('a snapshot no context answers (its only worker ended, the page has no module) is one of nothing alive once its wait is over', () => {
    const store = twoWorkers();
    const a = store.beginSnapshot('A', START + 500);
    store.snapshotAnswer(W1, answer('A', a.cut, 100), START + 510);
    store.snapshotAnswer(W2, answer('A', a.cut, 100), START + 510);
    store.apply(W1, { t: 'ended', how: 'closed', time: START + 900 });
    store.apply(W2, { t: 'ended', how: 'terminated', time: START + 900 });
    const b = store.beginSnapshot('B', START + 1000);
    expect(b.expected.size).toBe(0);
    expect(store.settleSnapshot('B', b.cut)).toBe(true);
    expect(store.snapshots.B).toEqual({ time: START + 1000, liveCount: 0, liveBytes: 0 });
    expect(store.comparisonGaps.map((g) => [g.source, g.ended?.how, g.ended?.liveCount])).toEqual([
      [W1, 'closed', 100],
      [W2, 'terminated', 100],
    ]);
  });

  it('the protocol: an ended fact is how and a time, nothing else', () => {
    expect(parsePageMsg({ t: 'ended', how: 'closed', time: START, extra: 'x'.repeat(10) })).toEqual({
      t: 'ended',
      how: 'closed',
      time: START,
    });
    expect(() => parsePageMsg({ t: 'ended', how: 'crashed', time: START })).toThrow('field how');
    expect(() => parsePageMsg({ t: 'ended', how: 'terminated', time: -1 })).toThrow('field time');
    expect(() => parsePageMsg({ t: 'ended', how: 'terminated' })).toThrow('field time');
  });
});

describe('recording: workers that ended', () => {
  it('an export keeps how and when a worker ended; the import shows it ended, its line stopping there, and exports the same file', () => {
    const store = twoWorkers();
    store.apply(W1, { t: 'ended', how: 'closed', time: START + 900 });
    const file = toRecording(store);
    expect(file.frames.map((f) => [f.frame, f.ended ?? null])).toEqual([
      [PAGE, null],
      [W1, { t: 'ended', how: 'closed', time: START + 900 }],
      [W2, null],
    ]);
    const imported = parseRecording(JSON.stringify(file));
    expect(imported.ended(W1)).toEqual({ how: 'closed', time: START + 900 });
    expect(imported.ended(W2)).toBeUndefined();
    expect(imported.series.get(`${W1}:1`)!.time).toEqual([START + 100, START + 900]);
    expect({ ...toRecording(imported), exportedAt: 0 }).toEqual({ ...file, exportedAt: 0 });
  });

  it('an ended that is not an EndedMsg is refused, naming where', () => {
    const file = toRecording(twoWorkers());
    (file.frames[1] as unknown as { ended: unknown }).ended = { t: 'ended', how: 'exploded', time: START };
    expect(() => parseRecording(JSON.stringify(file))).toThrow(/frames\[1\]: ended: .*how/);
  });
});
