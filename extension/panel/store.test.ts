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
  DOUBLE_FREE,
} from './page-messages.test-helper';
import { encodeF64, type ErrorMsg, type RangeMsg, type SiteMsg } from '../../src/protocol';
import { FRAME_LIMITS } from './frame-budget';

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
      context: '',
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
    expect(store.errors).toEqual([{ ...DOUBLE_FREE, frame: 0 }]);
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

describe('Store: one frame cannot take over the panel (issue 15)', () => {
  const MISMATCH = 'The page runs WASM Leaks protocol 999, this panel speaks 1: reload the page after updating the extension.';

  it('a hello in another protocol version is said for that frame only, changes nothing else, and goes with Clear and with its next valid hello', () => {
    const store = liveStore();
    store.apply(3, hello(START + 50, 'https://frame.test/'));
    store.apply(3, moduleMsg(1));
    const before = stateOf(store);
    // As a page would forge it: through receive(), which validates.
    expect(store.receive({ frame: 3, msg: { ...hello(START + 60), v: 999 } })).toEqual({ resync: false, hello: true });
    expect(store.frameNotices).toEqual([{ frame: 3, url: 'https://frame.test/', lines: [MISMATCH] }]);
    expect({ ...stateOf(store), frameNotices: [] }).toEqual(before);
    // The frame's messages are still read.
    store.apply(3, batch(0, [sample(1, 300, { liveCount: 7 })]));
    expect(store.modules.get('3:1')!.liveCount).toBe(7);
    // Its next valid hello (the page reloaded, or answers a resync).
    store.apply(3, hello(START + 70, 'https://frame.test/'));
    expect(store.frameNotices).toEqual([]);
    // Again, in the main frame, before any valid hello of its own: Clear forgets it.
    const fresh = new Store();
    fresh.receive({ frame: 0, msg: { ...hello(), v: 999 } });
    expect(fresh.frameNotices).toEqual([{ frame: 0, url: '', lines: [MISMATCH] }]);
    expect(fresh.pageUrl).toBe('');
    fresh.clear();
    expect(fresh.frameNotices).toEqual([]);
    expect(stateOf(fresh)).toEqual(stateOf(new Store()));
  });

  it('a flood of forged sites (1 M in 10 batches, then 20,000 small messages): the frame keeps exactly 100,000 and counts every other one; other frames are untouched; Clear forgets', () => {
    const store = liveStore();
    store.apply(2, hello(START, 'https://other.test/'));
    store.apply(2, batch(0, [], [site(1, 1, 'other_site')]));
    const f = (id: number): SiteMsg => ({ id, module: 1, frames: [{ name: `forged_${id}`, func: id, offset: id, file: 'x.c', line: 1 }] });
    let seq = 2;
    for (let b = 0; b < 10; b++) {
      const sites = Array.from({ length: 100_000 }, (_, i) => f(1_000 + b * 100_000 + i));
      expect(store.receive({ frame: 0, msg: batch(seq++, [], sites) })).toEqual({ resync: false, hello: false });
    }
    for (let i = 0; i < 20_000; i++) store.receive({ frame: 0, msg: batch(seq++, [], [f(2_000_000 + i)]) });
    const b0 = store.budget(0)!;
    expect(FRAME_LIMITS.sites).toBe(100_000);
    // liveStore's 2 sites, then the first 99,998 forged ones.
    expect([...store.sites.keys()].filter((k) => k.startsWith('0:'))).toHaveLength(100_000);
    expect(b0.held.sites).toBe(100_000);
    expect(b0.dropped.sites).toBe(1_000_000 + 20_000 - 99_998);
    expect(store.site(0, 1_000 + 99_997)?.frames[0].name).toBe('forged_100997');
    expect(store.site(0, 1_000 + 99_998)).toBeUndefined();
    // A site the frame already holds may still be replaced (a source map arrived).
    store.receive({ frame: 0, msg: batch(seq++, [], [site(1, 1, 'process_data', 20)]) });
    expect(store.site(0, 1)?.frames[0].line).toBe(20);
    expect(b0.dropped.sites).toBe(920_002);
    expect(store.frameNotices).toEqual([
      { frame: 0, url: 'https://example.test/', lines: ['stacks: dropped 920,002, limit 100,000 stacks per frame'] },
    ]);
    expect(store.notices).toEqual([]);
    expect(store.site(2, 1)?.frames[0].name).toBe('other_site');
    expect(store.budget(2)!.dropped).toEqual({ sites: 0, frames: 0, chars: 0, modules: 0, points: 0, errors: 0 });
    store.clear();
    expect(store.frameNotices).toEqual([]);
    expect(store.sites.size).toBe(0);
    expect(store.budget(0)).toBeUndefined();
  }, 120_000);

  it('stacks share their frames and strings; a stack that does not fit is dropped whole (250,000 distinct frames, 16 M characters)', () => {
    const store = new Store();
    store.apply(0, hello());
    // 64 distinct frames per stack: 3,906 stacks fit (249,984 frames), the next does not, and leaves nothing behind.
    const deep = (id: number): SiteMsg => ({
      id,
      module: 1,
      frames: Array.from({ length: 64 }, (_, k) => ({ name: 'f', func: id, offset: k, file: 'a.c', line: 1 })),
    });
    store.apply(
      0,
      batch(
        0,
        [],
        Array.from({ length: 3_910 }, (_, i) => deep(i + 1)),
      ),
    );
    const b = store.budget(0)!;
    expect([b.held.sites, b.held.frames, b.dropped.frames]).toEqual([3_906, 249_984, 4]);
    // Frames already held cost nothing: stack 3,907 made of stack 1's frames fits.
    store.apply(0, batch(1, [], [{ ...deep(1), id: 3_907 }]));
    expect([b.held.sites, b.held.frames]).toEqual([3_907, 249_984]);
    expect(store.site(0, 3_907)!.frames[5]).toBe(store.site(0, 1)!.frames[5]);
    // Names: 4,000 characters each, distinct: 3,999 more fit in 16,000,000 with what is held, the rest are dropped.
    const other = new Store();
    other.apply(0, hello());
    const long = (id: number): SiteMsg => ({
      id,
      module: 1,
      frames: [{ name: `${id}`.padEnd(4_000, '.'), func: 1, offset: 1, file: '', line: 0 }],
    });
    other.apply(
      0,
      batch(
        0,
        [],
        Array.from({ length: 4_010 }, (_, i) => long(i + 1)),
      ),
    );
    const c = other.budget(0)!;
    // The URL is not counted; '' (the file) is 0 characters.
    expect([c.held.sites, c.held.chars, c.dropped.chars]).toEqual([4_000, 16_000_000, 10]);
    expect(other.frameNotices[0].lines).toEqual([
      'stacks and modules (their names and text): dropped 10, limit 16,000,000 characters of names and text per frame',
    ]);
    expect(store.frameNotices[0].lines).toEqual(['stacks (their stack frames): dropped 4, limit 250,000 distinct stack frames per frame']);
  });

  it('modules, timeline points and errors: exact limits per frame, counted beyond', () => {
    const store = new Store();
    store.apply(0, hello());
    for (let id = 1; id <= 10_005; id++) store.apply(0, moduleMsg(id));
    const b = store.budget(0)!;
    expect([store.modules.size, b.held.modules, b.dropped.modules]).toEqual([10_000, 10_000, 5]);
    // Each module's name (ids 1-9: 28 characters, … 10,000: 32) is 308,894 characters; their
    // allocator and export lists are one (87 characters of JSON), shared.
    expect(b.held.chars).toBe(308_894 + 87);
    // A module held may say more (released): not a new one.
    store.apply(0, { ...moduleMsg(10_000), reason: 'released' });
    expect(store.modules.get('0:10000')!.reason).toBe('released');
    // 50 modules × 20,000 points (no thinning yet) is the limit of 1,000,000; the next point is dropped, the counters still move.
    for (let k = 0; k < 10; k++) {
      const rows = [];
      for (let m = 1; m <= 50; m++) for (let t = 0; t < 2_000; t++) rows.push(sample(m, k * 2_000 + t, { liveCount: t }));
      store.apply(0, batch(k, rows));
    }
    expect(b.held.points).toBe(1_000_000);
    store.apply(0, batch(10, [sample(51, 30_000, { liveCount: 5 })]));
    expect([b.held.points, b.dropped.points, store.series.has('0:51'), store.modules.get('0:51')!.liveCount]).toEqual([
      1_000_000,
      1,
      false,
      5,
    ]);
    const e: ErrorMsg = { module: 1, kind: 'invalid-free', ptr: 1, site: 0, otherSite: 0, message: 'x', time: START };
    store.apply(0, batch(11, [], [], Array(1_200).fill(e)));
    store.apply(4, hello());
    store.apply(4, batch(0, [], [], [e]));
    expect([store.errors.length, store.droppedErrors]).toEqual([1_001, 200]);
    // A frame's next hello (reload or resync) drops what it sent, not its errors: the page does not send them again.
    store.apply(0, hello(START + 1));
    expect(store.budget(0)!.held).toEqual({ sites: 0, frames: 0, chars: 0, modules: 0, points: 0, errors: 1_000 });
    expect(store.frameNotices).toEqual([
      { frame: 0, url: 'https://example.test/', lines: ['errors: dropped 200, limit 1,000 errors per frame'] },
    ]);
    // (9–13 s alone on this 2-core VM; over 60 s once beside the other test files under load: a bound, not a figure)
  }, 240_000);
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
    expect(store.range).toEqual({ from: START, to: START + 100, peak: false, tables: [] });
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
    // (snapshots set without a request of the live page, as an import does: no context to ask)
    expect(store.beginComparison()).toEqual({ from: 'A', to: 'B', final: null, sources: [] });
    expect([store.diffs, store.selected, store.range]).toEqual([[], null, null]);
    store.setSnapshot('C', C);
    expect(store.beginComparison()).toEqual({ from: 'A', to: 'B', final: 'C', sources: [] });
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
