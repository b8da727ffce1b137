// The panel's actions against a fake connection: the commands sent, and the
// replies folded into the store by its own rules.
import { describe, it, expect } from 'vitest';
import { Controller } from './controller';
import type { Store } from './store';
import { liveStore, snapshotMsg, diffMsg, group, hello, moduleMsg, DIFF_ROWS, START } from './page-messages.test-helper';
import type { PageToPanel, PanelToPage } from '../../src/protocol';

function panel(store: Store = liveStore()) {
  const sent: PanelToPage[] = [];
  /** The source each command was addressed to (undefined: every context). */
  const to: (number | undefined)[] = [];
  let reloads = 0;
  /** The snapshot waits (SNAPSHOT_WAIT_MS) not yet over: a test ends them with wait(). */
  const waits: (() => void)[] = [];
  const ctl = new Controller(
    store,
    {
      send: (m, frame) => {
        sent.push(m);
        to.push(frame);
      },
      reloadTab: () => void reloads++,
    },
    (fn) => void waits.push(fn),
  );
  const reply = (msg: PageToPanel, frame = 0) => store.receive({ frame, msg });
  const wait = () => {
    for (const fn of waits.splice(0)) fn();
  };
  return { store, ctl, sent, to, reply, wait, reloads: () => reloads };
}

describe('Controller', () => {
  it('Snapshot A, B: the replies set the snapshots, B starts the comparison, its reply fills it', () => {
    const { store, ctl, sent, to, reply } = panel();
    ctl.snapshot('A');
    expect(sent).toEqual([{ t: 'snapshot', req: 1, name: 'A', cut: 1 }]);
    reply({ ...snapshotMsg(1, 'A', 150, [[1, 1, 16]]), cut: 1 });
    expect(store.snapshots).toEqual({ A: { time: START + 150, liveCount: 1, liveBytes: 16 } });
    ctl.snapshot('B');
    reply({ ...snapshotMsg(2, 'B', 250, [[1, 3, 2064]]), cut: 2 });
    // (one context, which answered both: compared at once, no wait)
    expect(sent.slice(1)).toEqual([
      { t: 'snapshot', req: 2, name: 'B', cut: 2 },
      { t: 'diff', req: 3, from: 'A', to: 'B', final: null, cuts: { from: 1, to: 2, final: null } },
    ]);
    expect(to).toEqual([undefined, undefined, 0]);
    expect(store.busy).toEqual({ label: 'Comparing…', req: 3 });
    reply(diffMsg(3, 1, DIFF_ROWS, [group(1)]));
    expect(store.busy).toBe(null);
    expect(store.diffs.map((d) => [d.moduleKey, d.newCount])).toEqual([['0:1', 3]]);
  });

  it('snapshots across contexts: one cut number for all; B waits for every context, then compares those that answered in time and names the others', () => {
    const WORKER = 2 ** 32; // frame 0, context 1 (src/protocol/router.ts)
    const LATE = 2 * 2 ** 32;
    const store = liveStore();
    store.apply(WORKER, { ...hello(START, 'https://example.test/w/busy.js'), context: { kind: 'worker', name: 'busy' } });
    store.apply(WORKER, moduleMsg(1));
    const { ctl, sent, to, reply, wait } = panel(store);
    ctl.snapshot('A');
    expect(store.busy).toEqual({ label: 'Snapshot A in 2 contexts…', req: -2 });
    reply({ ...snapshotMsg(1, 'A', 150, [[1, 1, 16]]), cut: 1 }, 0);
    expect(store.snapshots.A).toEqual({ time: START + 150, liveCount: 1, liveBytes: 16 });
    reply({ ...snapshotMsg(1, 'A', 140, [[1, 100, 102_400]]), cut: 1 }, WORKER);
    // (both answered: the wait is over, A sums both contexts at the first one's time)
    expect([store.busy, store.snapshots.A]).toEqual([null, { time: START + 140, liveCount: 101, liveBytes: 102_416 }]);
    wait();
    // A worker that starts after A: not running at it, so it compares from nothing.
    store.apply(LATE, { ...hello(START, 'https://example.test/w/late.js'), context: { kind: 'worker', name: '' } });
    store.apply(LATE, moduleMsg(1));
    ctl.snapshot('B');
    expect(sent.at(-1)).toEqual({ t: 'snapshot', req: 2, name: 'B', cut: 2 });
    reply({ ...snapshotMsg(2, 'B', 250, [[1, 2, 32]]), cut: 2 }, 0);
    reply({ ...snapshotMsg(2, 'B', 260, [[1, 5, 500]]), cut: 2 }, LATE);
    // An answer to another request (an older cut) counts for nothing.
    reply({ ...snapshotMsg(2, 'B', 270, [[1, 9, 9]]), cut: 1 }, WORKER);
    expect(sent.filter((m) => m.t === 'diff')).toEqual([]);
    // The busy worker never answers in time: after the wait, the others are compared, each with its cuts.
    wait();
    expect(sent.filter((m) => m.t === 'diff')).toEqual([
      { t: 'diff', req: 3, from: 'A', to: 'B', final: null, cuts: { from: 1, to: 2, final: null } },
      { t: 'diff', req: 3, from: 'A', to: 'B', final: null, cuts: { from: 0, to: 2, final: null } },
    ]);
    expect(to.slice(-2)).toEqual([0, LATE]);
    expect(store.snapshots.B).toEqual({ time: START + 250, liveCount: 7, liveBytes: 532 });
    expect(store.comparisonGaps).toEqual([{ source: WORKER, name: 'B', lateBy: null }]);
    expect(store.sourceLabel(WORKER)).toBe('worker busy.js “busy”');
    // It answers at last (another instant): said so, still not compared, and its diff is not taken.
    reply({ ...snapshotMsg(2, 'B', 9000, [[1, 100, 102_400]]), cut: 2 }, WORKER);
    expect(store.comparisonGaps.map((g) => [g.source, g.name, g.lateBy !== null])).toEqual([[WORKER, 'B', true]]);
    expect(store.snapshots.B?.liveCount).toBe(7);
    reply(diffMsg(3, 1, DIFF_ROWS, [group(1)]), WORKER);
    reply(diffMsg(3, 1, DIFF_ROWS, [group(1)]), 0);
    expect(store.diffs.map((d) => d.moduleKey)).toEqual(['0:1']);
  });

  it('the wait for the other contexts starts at the first answer: a page busy for longer than it is still compared', () => {
    const WORKER = 2 ** 32;
    const store = liveStore();
    store.apply(WORKER, { ...hello(START, 'https://example.test/w/pool.js'), context: { kind: 'worker', name: 'em-pthread' } });
    store.apply(WORKER, moduleMsg(1));
    const { ctl, sent, reply, wait } = panel(store);
    ctl.snapshot('A');
    reply({ ...snapshotMsg(1, 'A', 150, [[1, 1, 16]]), cut: 1 }, 0);
    wait();
    ctl.snapshot('B');
    // No answer yet (the page drains its threads' events): nothing times out.
    wait();
    expect(store.cut('B')?.settled).toBe(false);
    reply({ ...snapshotMsg(2, 'B', 9000, [[1, 3, 48]]), cut: 2 }, 0);
    expect(sent.filter((m) => m.t === 'diff')).toEqual([]);
    // The worker (blocked in a futex wait) never answers: the page is compared, the worker named.
    wait();
    expect(sent.filter((m) => m.t === 'diff')).toEqual([
      { t: 'diff', req: 3, from: 'A', to: 'B', final: null, cuts: { from: 1, to: 2, final: null } },
    ]);
    expect(store.comparisonGaps).toEqual([{ source: WORKER, name: 'B', lateBy: null }]);
  });

  it('a failed comparison shows a red banner', () => {
    const { store, ctl, reply } = panel();
    ctl.snapshot('A');
    reply(snapshotMsg(1, 'A', 150, []));
    ctl.snapshot('B');
    reply(snapshotMsg(2, 'B', 250, []));
    reply({ t: 'fail', req: 3, message: 'no memory' });
    expect([store.busy, store.error]).toEqual([null, 'Comparison failed: no memory']);
  });

  it('selectBlock shows the block and reads at most 256 of its bytes', () => {
    const { store, ctl, sent } = panel();
    store.setDiff({ ...diffMsg(1, 1, DIFF_ROWS, [group(1)]), frame: 0 });
    ctl.selectBlock(store.diffs[0], 0);
    ctl.selectBlock(store.diffs[0], 1);
    expect(sent).toEqual([
      { t: 'read', req: 1, module: 1, ptr: 0x1000, len: 256 },
      { t: 'read', req: 2, module: 1, ptr: 0x2000, len: 16 },
    ]);
    expect(store.selected?.ptr).toBe(0x2000);
  });

  it('Full stacks tells the page; Stop and Record only change the panel; Clear tells the page to forget', () => {
    const { store, ctl, sent, reloads } = panel();
    ctl.toggleFullStacks();
    ctl.toggleRecording();
    expect([store.fullStacks, store.recording]).toEqual([true, false]);
    ctl.clear();
    ctl.reloadAndRecord();
    expect(store.recording).toBe(true);
    expect(reloads()).toBe(1);
    expect(sent).toEqual([{ t: 'stacks', full: true }, { t: 'clear' }, { t: 'hello', v: 1 }]);
  });

  it('a timeline selection asks the live page, not an import', () => {
    const { store, ctl, sent } = panel();
    ctl.selectRange(START, START + 50);
    expect(sent).toEqual([{ t: 'range', req: 1, from: START, to: START + 50 }]);
    expect(store.range).toEqual({ from: START, to: START + 50, peak: false, tables: [] });
    ctl.closeRange();
    expect(store.range).toBe(null);
  });
});
