// The panel's model in Node: what each page message makes of it, and each of
// its rules (a new Snapshot A drops the comparison, Stop freezes, module
// selection, Clear, an import is read-only), as exact states.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { Store, snapshotInfo } from './store';
import {
  START,
  hello,
  moduleMsg,
  sample,
  batch,
  site,
  liveStore,
  comparedStore,
  diffMsg,
  leaksMsg,
  group,
  snapshotMsg,
  DIFF_ROWS,
  stateOf,
} from './page-messages.test-helper';
import { encodeF64, type ErrorMsg, type RangeMsg } from '../../src/protocol';

const A = { time: START + 150, liveCount: 1, liveBytes: 16 };
const B = { time: START + 250, liveCount: 3, liveBytes: 2064 };
const C = { time: START + 350, liveCount: 2, liveBytes: 1040 };

afterEach(() => vi.useRealTimers());

describe('Store: page messages', () => {
  it('hello, module and batches build the module, its series and counters, the sites (demangled) and the errors', () => {
    const store = liveStore();
    expect(store.pageUrl).toBe('https://example.test/');
    expect(store.recordingStart).toBe(START);
    expect(store.lastTime).toBe(START + 200);
    expect([...store.frameStart]).toEqual([[0, START]]);
    expect([...store.modules.keys()]).toEqual(['0:1']);
    expect(store.modules.get('0:1')).toEqual({
      ...moduleMsg(1),
      key: '0:1',
      frame: 0,
      memoryBytes: 131072,
      liveCount: 3,
      liveBytes: 2064,
      allocs: 4,
      frees: 1,
    });
    const s = store.series.get('0:1')!;
    expect([s.time, s.memory, s.liveCount, s.live, s.allocs, s.frees]).toEqual([
      [START + 100, START + 200],
      [65536, 131072],
      [1, 3],
      [16, 2064],
      [1, 4],
      [0, 1],
    ]);
    expect(store.site(0, 1)?.frames[0].name).toBe('process_data');
    expect(store.site(0, 2)?.frames[0].name).toBe('leak()');
    expect(store.errors).toEqual([
      {
        module: 1,
        kind: 'double-free',
        ptr: 0x3000,
        site: 2,
        otherSite: 1,
        message: 'double-free of a 16-byte block',
        time: START + 150,
        frame: 0,
      },
    ]);
    expect(store.totals()).toEqual({ memoryBytes: 131072, liveCount: 3, liveBytes: 2064 });
  });

  it('Stop freezes the counters and the timeline; sites and errors still land; Record resumes', () => {
    const store = liveStore();
    store.setRecording(false);
    const err: ErrorMsg = { module: 1, kind: 'invalid-free', ptr: 8, site: 0, otherSite: 0, message: 'invalid-free', time: START + 300 };
    store.apply(0, batch(2, [sample(1, 300, { liveCount: 9, liveBytes: 900 })], [site(3, 1, 'other')], [err]));
    expect(store.modules.get('0:1')!.liveCount).toBe(3);
    expect(store.series.get('0:1')!.length).toBe(2);
    expect(store.lastTime).toBe(START + 200);
    expect(store.site(0, 3)?.frames[0].name).toBe('other');
    expect(store.errors).toHaveLength(2);
    store.setRecording(true);
    store.apply(0, batch(3, [sample(1, 400, { liveCount: 10, liveBytes: 1000 })]));
    expect(store.modules.get('0:1')!.liveCount).toBe(10);
    expect(store.series.get('0:1')!.time).toEqual([START + 100, START + 200, START + 400]);
  });

  it('a gap in batch numbers asks for a resync and says so', () => {
    const store = liveStore();
    expect(store.apply(0, batch(2, []))).toEqual({ resync: false });
    expect(store.apply(0, batch(5, []))).toEqual({ resync: true });
    expect(store.notices).toEqual(['Lost 2 update(s) from the page; resynchronising.']);
  });

  it('a page of another protocol version is fatal', () => {
    const store = new Store();
    store.apply(0, { ...hello(), v: 99 });
    expect(store.fatal).toMatch(/^The page runs WASM Leaks protocol 99, this panel speaks 1\./);
    expect(store.modules.size).toBe(0);
  });

  it('a second hello from a frame (it reloaded) drops its modules, series, sites and comparison; other frames stay', () => {
    const store = comparedStore();
    store.apply(3, hello(START + 50, 'https://frame.test/'));
    store.apply(3, moduleMsg(1));
    store.apply(0, hello(START + 1000));
    expect([...store.modules.keys()]).toEqual(['3:1']);
    expect(store.series.size).toBe(0);
    expect(store.sites.size).toBe(0);
    expect(store.diffs).toEqual([]);
    expect([...store.frameStart]).toEqual([
      [0, START + 1000],
      [3, START + 50],
    ]);
    expect(store.pageUrl).toBe('https://example.test/');
    expect(store.recordingStart).toBe(START);
  });

  it('keeps 1000 errors and counts the rest', () => {
    const store = liveStore();
    const e: ErrorMsg = { module: 1, kind: 'double-free', ptr: 1, site: 0, otherSite: 0, message: 'x', time: START };
    store.apply(0, batch(2, [], [], Array(1200).fill(e)));
    expect(store.errors).toHaveLength(1000);
    expect(store.droppedErrors).toBe(201);
  });

  it('receive() refuses malformed envelopes and messages with a notice, never throws', () => {
    const store = liveStore();
    const before = stateOf(store);
    expect(store.receive(null)).toEqual({ resync: false, hello: false });
    expect(store.receive({ frame: 0, msg: { t: 'module', id: -1 } })).toEqual({ resync: false, hello: false });
    expect(store.receive({ frame: 0, msg: { ...batch(2, []), samples: encodeF64(new Float64Array(8)) } })).toEqual({
      resync: false,
      hello: false,
    });
    expect(store.notices).toEqual([
      'Ignored a message from the page: message without a frame id',
      'Ignored a message from the page: field id: expected a number in [0, 4294967295]',
      'Ignored a message from the page: samples: ragged rows',
    ]);
    expect({ ...stateOf(store), notices: [] }).toEqual(before);
    expect(store.receive({ frame: 0, msg: hello(START + 5) })).toEqual({ resync: false, hello: true });
  });
});

describe('Store: snapshots and the comparison', () => {
  it('snapshotInfo sums the modules of a snapshot reply', () => {
    expect(
      snapshotInfo(
        snapshotMsg(1, 'A', 150, [
          [1, 1, 16],
          [2, 4, 100],
        ]),
      ),
    ).toEqual({ time: START + 150, liveCount: 5, liveBytes: 116 });
  });

  it('B and C add to A; a new Snapshot A drops B, C, the comparison and the selected block (not a timeline selection)', () => {
    const store = comparedStore();
    store.setSnapshot('C', C);
    expect(store.snapshots).toEqual({ A, B, C });
    store.selectBlock(store.diffs[0], 0);
    store.openRange(START, START + 100);
    const A2 = { time: START + 500, liveCount: 3, liveBytes: 2064 };
    store.setSnapshot('A', A2);
    expect(store.snapshots).toEqual({ A: A2 });
    expect(store.diffs).toEqual([]);
    expect(store.selected).toBe(null);
    expect(store.range).toEqual({ from: START, to: START + 100, tables: [] });
  });

  it('beginComparison needs A and B; it drops the last comparison, the timeline selection and the selected block', () => {
    const store = liveStore();
    expect(store.beginComparison()).toBe(null);
    store.setSnapshot('A', A);
    expect(store.beginComparison()).toBe(null);
    store.setSnapshot('B', B);
    store.setDiff({ ...diffMsg(1, 1, DIFF_ROWS, [group(1)]), frame: 0 });
    store.selectBlock(store.diffs[0], 1);
    store.openRange(START, START + 1);
    expect(store.beginComparison()).toEqual({ from: 'A', to: 'B', final: null });
    expect([store.diffs, store.selected, store.range]).toEqual([[], null, null]);
    store.setSnapshot('C', C);
    expect(store.beginComparison()).toEqual({ from: 'A', to: 'B', final: 'C' });
  });

  it("a comparison holds one table per module; a module's new one replaces its old one", () => {
    const store = comparedStore();
    const d = store.diffs[0];
    expect([store.diffs.length, d.moduleKey, d.frame, d.module, d.kind, d.newCount, d.newBytes]).toEqual([1, '0:1', 0, 1, 'diff', 3, 2064]);
    expect(Array.from(d.blocks)).toEqual([0x1000, 1024, 1, 5, 1000, 0x2000, 16, 2, 6, 1500, 0x1400, 1024, 1, 7, 2000]);
    expect(Array.from(d.leaks!.kinds)).toEqual([3, 255, 2]);
    store.setDiff({ ...diffMsg(9, 1, DIFF_ROWS.slice(0, 1), [group(1)]), frame: 0 });
    expect(store.diffs.map((x) => [x.moduleKey, x.newCount, x.leaks])).toEqual([['0:1', 1, null]]);
    expect(store.diffs[0].id).toBeGreaterThan(d.id);
  });

  it('refuses ragged block rows and leak kinds of the wrong length, leaving the comparison as it was', () => {
    const store = comparedStore();
    const before = stateOf(store);
    const bad = { ...diffMsg(9, 1, DIFF_ROWS, [group(1)]), blocks: 'AAAAAA==', frame: 0 };
    expect(() => store.setDiff(bad)).toThrow('diff blocks: ragged rows');
    expect(() => store.setLeaks({ ...leaksMsg(9, 1, [3, 3]), frame: 0 })).toThrow('leak kinds: one byte per block expected');
    store.setLeaks({ ...leaksMsg(9, 2, [3]), frame: 0 }); // no comparison for module 2: ignored
    expect(stateOf(store)).toEqual(before);
  });

  it('selectBlock reads the row by its named columns and drops the last bytes read; deselect closes it', () => {
    const store = comparedStore();
    store.setBytes({ t: 'bytes', req: 1, module: 1, ptr: 0x1000, data: 'AAEC', frame: 0 });
    expect(store.memoryView).toEqual({ moduleKey: '0:1', ptr: 0x1000, data: Uint8Array.from([0, 1, 2]) });
    const table = store.diffs[0];
    expect(store.selectBlock(table, 1)).toEqual({ table, row: 1, moduleKey: '0:1', ptr: 0x2000, size: 16, site: 2, seq: 6, time: 1500 });
    expect(store.selected).toEqual({ table, row: 1, moduleKey: '0:1', ptr: 0x2000, size: 16, site: 2, seq: 6, time: 1500 });
    expect(store.memoryView).toBe(null);
    store.deselect();
    expect(store.selected).toBe(null);
  });

  it('retained allocations land only while a timeline selection is open', () => {
    const store = liveStore();
    const range: RangeMsg & { frame: number } = {
      t: 'range',
      req: 3,
      module: 1,
      from: START,
      to: START + 100,
      count: 3,
      bytes: 2064,
      groups: [group(1)],
      blocks: diffMsg(0, 1, DIFF_ROWS, []).blocks,
      truncated: false,
      frame: 0,
    };
    store.setRange(range);
    expect(store.range).toBe(null);
    store.openRange(START, START + 100);
    store.setRange(range);
    expect(store.range!.tables.map((t) => [t.kind, t.moduleKey, t.newCount, t.newBytes, t.freedCount, t.blocks.length])).toEqual([
      ['range', '0:1', 3, 2064, 0, 15],
    ]);
    store.closeRange();
    expect([store.range, store.selected]).toEqual([null, null]);
  });
});

describe('Store: module selection, Clear, import', () => {
  it('selectModule shows one module in the views and the totals; null shows all', () => {
    const store = liveStore();
    store.apply(0, moduleMsg(2));
    store.apply(0, batch(2, [sample(2, 300, { memoryBytes: 1000, liveCount: 7, liveBytes: 70 })]));
    expect(store.totals()).toEqual({ memoryBytes: 132072, liveCount: 10, liveBytes: 2134 });
    store.selectModule('0:2');
    expect(store.moduleFilter).toBe('0:2');
    expect([store.shows('0:1'), store.shows('0:2')]).toEqual([false, true]);
    expect(store.totals()).toEqual({ memoryBytes: 1000, liveCount: 7, liveBytes: 70 });
    store.selectModule(null);
    expect([store.shows('0:1'), store.shows('0:2')]).toEqual([true, true]);
  });

  it('clear() forgets everything shown; Record/Stop, Full stacks, the connection and the page URL stay', () => {
    const store = comparedStore();
    store.setConnected(true);
    store.setRecording(false);
    store.setFullStacks(true);
    store.selectModule('0:1');
    store.selectBlock(store.diffs[0], 0);
    store.setError('boom');
    store.startBusy('Comparing…', 4);
    store.clear();
    expect(stateOf(store)).toEqual({
      ...stateOf(new Store()),
      connected: true,
      recording: false,
      fullStacks: true,
      pageUrl: 'https://example.test/',
    });
    // The frame's batch numbering starts again: no resync after Clear.
    expect(store.apply(0, batch(0, []))).toEqual({ resync: false });
  });

  it('importRecording shows another store read-only; live messages wait until clear()', () => {
    const store = liveStore();
    store.startBusy('Importing…', -1);
    const imported = comparedStore();
    store.importRecording(imported, 'rec.json');
    expect(stateOf(store)).toEqual({ ...stateOf(imported), readOnly: 'rec.json' });
    expect(store.busy).toBe(null);
    expect(store.receive({ frame: 0, msg: batch(2, [sample(1, 900, { liveCount: 99 })]) })).toEqual({ resync: false, hello: false });
    expect(store.modules.get('0:1')!.liveCount).toBe(3);
    store.clear();
    expect(store.readOnly).toBe(null);
    expect(store.receive({ frame: 0, msg: hello() })).toEqual({ resync: false, hello: true });
    expect(store.modules.size).toBe(0);
  });

  it('busy: endBusy of another request keeps the spinner; forget() ends it', () => {
    const store = new Store();
    store.startBusy('Comparing…', 4);
    store.endBusy(3);
    expect(store.busy).toEqual({ label: 'Comparing…', req: 4 });
    store.forget(4);
    expect(store.busy).toBe(null);
  });

  it('listeners run once per frame however many changes', () => {
    vi.useFakeTimers();
    const store = new Store();
    const fn = vi.fn();
    store.subscribe(fn);
    const v = store.version;
    store.setConnected(true);
    store.selectModule('0:1');
    store.notice('x');
    expect(store.version).toBe(v + 3);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(20);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
