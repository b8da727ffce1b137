// The panel's actions against a fake connection: the commands sent, and the
// replies folded into the store by its own rules.
import { describe, it, expect } from 'vitest';
import { Controller } from './controller';
import type { Store } from './store';
import { liveStore, snapshotMsg, diffMsg, group, DIFF_ROWS, START } from './page-messages.test-helper';
import type { PageToPanel, PanelToPage } from '../../src/protocol';

function panel(store: Store = liveStore()) {
  const sent: PanelToPage[] = [];
  let reloads = 0;
  const ctl = new Controller(store, { send: (m) => void sent.push(m), reloadTab: () => void reloads++ });
  const reply = (msg: PageToPanel, frame = 0) => store.receive({ frame, msg });
  return { store, ctl, sent, reply, reloads: () => reloads };
}

describe('Controller', () => {
  it('Snapshot A, B: the replies set the snapshots, B starts the comparison, its reply fills it', () => {
    const { store, ctl, sent, reply } = panel();
    ctl.snapshot('A');
    expect(sent).toEqual([{ t: 'snapshot', req: 1, name: 'A' }]);
    reply(snapshotMsg(1, 'A', 150, [[1, 1, 16]]));
    expect(store.snapshots).toEqual({ A: { time: START + 150, liveCount: 1, liveBytes: 16 } });
    ctl.snapshot('B');
    reply(snapshotMsg(2, 'B', 250, [[1, 3, 2064]]));
    expect(sent.slice(1)).toEqual([
      { t: 'snapshot', req: 2, name: 'B' },
      { t: 'diff', req: 3, from: 'A', to: 'B', final: null },
    ]);
    expect(store.busy).toEqual({ label: 'Comparing…', req: 3 });
    reply(diffMsg(3, 1, DIFF_ROWS, [group(1)]));
    expect(store.busy).toBe(null);
    expect(store.diffs.map((d) => [d.moduleKey, d.newCount])).toEqual([['0:1', 3]]);
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
