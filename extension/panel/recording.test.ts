// Export and import of a recording: a file is untrusted input. A valid one
// round-trips exactly; every malformed one is refused with a clear error and
// the panel keeps showing what it showed.
import { describe, it, expect } from 'vitest';
import { toRecording, parseRecording, RECORDING_FORMAT, MAX_RECORDING_BYTES, type Recording } from './recording';
import { Store } from './store';
import { Controller } from './controller';
import {
  comparedStore,
  liveStore,
  stacksStore,
  hello,
  moduleMsg,
  batch,
  sample,
  diffMsg,
  leaksMsg,
  group,
  DIFF_ROWS,
  START,
  stateOf,
  F,
} from './page-messages.test-helper';
import { ProtocolError, type PanelToPage } from '../../src/protocol';

/** comparedStore, with a second frame and Snapshot C, as a recording's text. */
function recordedStore(): Store {
  const store = comparedStore();
  store.setSnapshot('C', { time: START + 350, liveCount: 2, liveBytes: 1040 });
  store.apply(4, hello(START + 20, 'https://frame.test/'));
  store.apply(4, moduleMsg(1, START + 30));
  store.apply(4, batch(0, [sample(1, 120, { liveCount: 2, liveBytes: 20 })]));
  return store;
}
const text = (r: unknown) => JSON.stringify(r);
const exported = (store: Store) => JSON.parse(text(toRecording(store))) as Recording;

describe('recording round trip', () => {
  it('export → import shows exactly what was exported, and exports the same file again', () => {
    const store = recordedStore();
    const file = toRecording(store);
    expect([file.format, file.version, file.protocol, file.lastTime]).toEqual([RECORDING_FORMAT, 2, 1, START + 200]);
    expect(file.wrappers).toEqual([]);
    expect(file.frames.map((f) => [f.frame, f.modules.length, f.comparisons.length])).toEqual([
      [0, 1, 1],
      [4, 1, 0],
    ]);
    const imported = parseRecording(text(file));
    expect(stateOf(imported)).toEqual({ ...stateOf(store), notices: [] });
    expect({ ...toRecording(imported), exportedAt: 0 }).toEqual({ ...file, exportedAt: 0 });
  });

  it("the user's allocator-wrapper marks travel with the file (per module name and size) and regroup the imported sites", () => {
    const store = stacksStore();
    store.setWrapper('0:1', F.apple, true);
    store.setWrapper('0:1', F.xmalloc, false);
    const file = exported(store);
    expect(file.wrappers).toEqual([
      { module: 'https://example.test/m1.wasm', size: 1001, func: 5, name: 'make_apple', alloc: true },
      { module: 'https://example.test/m1.wasm', size: 1001, func: 4, name: 'xmalloc', alloc: false },
    ]);
    const imported = parseRecording(text(file));
    expect(stateOf(imported)).toEqual({ ...stateOf(store), notices: [] });
    expect([imported.isFolded('0:1', F.apple), imported.isFolded('0:1', F.xmalloc), imported.isFolded('0:1', F.opNew)]).toEqual([
      true,
      false,
      true,
    ]);
    // Shown in the panel: the import's marks while it is shown, the live page's again after Clear.
    const live = stacksStore();
    live.importRecording(imported, 'rec.json');
    expect(live.isFolded('0:1', F.apple)).toBe(true);
    live.clear();
    stacksStore(live);
    expect(live.isFolded('0:1', F.apple)).toBe(false);
  });

  it('a version 1 recording (before wrapper marks) still imports', () => {
    const file = exported(recordedStore());
    const { wrappers: _w, ...v1 } = { ...file, version: 1 };
    const imported = parseRecording(text(v1));
    expect(stateOf(imported)).toEqual({ ...stateOf(recordedStore()), notices: [] });
  });

  it('samples keep their named columns through the file', () => {
    const store = liveStore();
    const frame = exported(store).frames[0];
    const again = new Store();
    again.apply(0, hello());
    again.apply(0, moduleMsg(1));
    again.apply(0, frame.timeline);
    expect(stateOf(again).series).toEqual(stateOf(store).series);
    expect(again.modules.get('0:1')).toEqual(store.modules.get('0:1'));
  });
});

describe('recording import refuses', () => {
  const good = () => exported(recordedStore());
  type Case = [what: string, make: () => string, error: string];
  const cases: Case[] = [
    ['text that is not JSON', () => '{"format":', 'not JSON: '],
    ['JSON that is not an object', () => '[1]', 'recording: not an object'],
    ['another format', () => text({ ...good(), format: 'x' }), 'format is not "wasm-leaks-recording"'],
    ['another version', () => text({ ...good(), version: 3 }), 'version 3 is not 1 or 2'],
    ['version 2 without wrapper marks', () => text({ ...good(), wrappers: undefined }), 'field wrappers: expected an array'],
    [
      'a wrapper mark without alloc',
      () => text({ ...good(), wrappers: [{ module: 'm.wasm', size: 1, func: 3, name: 'f' }] }),
      'wrappers[0]: field alloc: expected a boolean',
    ],
    [
      'a wrapper mark of a JS frame',
      () => text({ ...good(), wrappers: [{ module: 'm.wasm', size: 1, func: -1, name: 'f', alloc: true }] }),
      'wrappers[0]: field func: expected a number in [0, 4294967295]',
    ],
    ['another protocol', () => text({ ...good(), protocol: 7 }), 'protocol 7 is not 1'],
    ['frames that are not a list', () => text({ ...good(), frames: {} }), 'field frames: expected an array'],
    ['more than 1000 frames', () => text({ ...good(), frames: Array(1001).fill(0) }), 'field frames: more than 1000 items'],
    [
      'a frame id twice',
      () => {
        const r = good();
        r.frames[1].frame = 0;
        return text(r);
      },
      'frames[1]: frame 0 is not unique',
    ],
    [
      'a negative frame id',
      () => {
        const r = good();
        r.frames[1].frame = -4;
        return text(r);
      },
      'frames[1]: field frame: expected a number in [0, 9007199254740992]',
    ],
    [
      'a hello of another type',
      () => {
        const r = good();
        (r.frames[0] as { hello: unknown }).hello = moduleMsg(1);
        return text(r);
      },
      'frames[0]: hello: expected a hello message, found module',
    ],
    [
      'a hello of another protocol',
      () => {
        const r = good();
        r.frames[0].hello.v = 2;
        return text(r);
      },
      'frames[0]: The page runs WASM Leaks protocol 2',
    ],
    [
      'a bad module',
      () => {
        const r = good();
        r.frames[0].modules[0].id = -1;
        return text(r);
      },
      'frames[0]: modules: field id: expected a number in [0, 4294967295]',
    ],
    [
      'samples of ragged rows',
      () => {
        const r = good();
        r.frames[0].timeline.samples = 'AAAAAAAAAAA=';
        return text(r);
      },
      'frames[0]: timeline: samples: ragged rows',
    ],
    [
      'a comparison of a module not in the file',
      () => {
        const r = good();
        r.frames[0].comparisons[0].diff.module = 9;
        return text(r);
      },
      'frames[0]: comparisons[0]: module 9 is not in the recording',
    ],
    [
      'ragged block rows',
      () => {
        const r = good();
        r.frames[0].comparisons[0].diff.blocks = 'AAAAAA==';
        return text(r);
      },
      'frames[0]: comparisons[0]: diff blocks: ragged rows',
    ],
    [
      'leak kinds of another module',
      () => {
        const r = good();
        r.frames[0].comparisons[0].leaks!.module = 2;
        return text(r);
      },
      'frames[0]: comparisons[0]: leak kinds of another module',
    ],
    [
      'leak kinds of the wrong length',
      () => {
        const r = good();
        r.frames[0].comparisons[0].leaks = leaksMsg(1, 1, [3]);
        return text(r);
      },
      'frames[0]: comparisons[0]: leak kinds: one byte per block expected',
    ],
    [
      'an unknown snapshot',
      () => text({ ...good(), snapshots: { D: { time: 1, liveCount: 0, liveBytes: 0 } } }),
      'snapshots: unknown snapshot D',
    ],
    [
      'a snapshot with a negative time',
      () => text({ ...good(), snapshots: { A: { time: -1, liveCount: 0, liveBytes: 0 } } }),
      'snapshot A: field time: expected a number in [0, Infinity]',
    ],
    ['no lastTime', () => text({ ...good(), lastTime: undefined }), 'field lastTime: expected a number in [0, Infinity]'],
  ];
  for (const [what, make, error] of cases) {
    it(what, () => {
      const t = make();
      let thrown: unknown;
      try {
        parseRecording(t);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProtocolError);
      expect((thrown as Error).message.startsWith(error)).toBe(true);
    });
  }

  it('a text longer than the limit, before parsing it', () => {
    expect(() => parseRecording(text(good()), 100)).toThrow(new ProtocolError('file too large (more than 100 characters)'));
    expect(MAX_RECORDING_BYTES).toBe(256 * 1024 * 1024);
  });
});

describe('Import in the panel', () => {
  function panel() {
    const store = comparedStore();
    const sent: PanelToPage[] = [];
    const ctl = new Controller(store, { send: (m) => void sent.push(m), reloadTab: () => {} });
    return { store, ctl, sent };
  }
  const file = (name: string, body: string, size = body.length) => ({ name, size, text: async () => body }) as unknown as File;

  it('a malformed file: a red banner naming it, and what was shown is unchanged', async () => {
    const { store, ctl } = panel();
    const before = stateOf(store);
    await ctl.importFile(
      file('bad.json', text({ format: RECORDING_FORMAT, version: 1, protocol: 1, frames: [{ frame: 0, hello: { t: 'nope' } }] })),
    );
    expect(store.error).toBe(
      'Import failed: bad.json is not a WASM Leaks recording (snapshots: not an object). What was shown is unchanged.',
    );
    expect({ ...stateOf(store), error: null }).toEqual(before);
  });

  it('an oversized file is refused before it is read', async () => {
    const { store, ctl } = panel();
    const before = stateOf(store);
    await ctl.importFile({
      name: 'big.json',
      size: MAX_RECORDING_BYTES + 1,
      text: () => {
        throw new Error('read');
      },
    } as unknown as File);
    expect(store.error).toBe('Import failed: big.json is 268,435,457 B, more than the 268,435,456 B a recording may have.');
    expect({ ...stateOf(store), error: null }).toEqual(before);
  });

  it('a valid file replaces what is shown, read-only; Clear returns to the live page without clearing it', async () => {
    const { store, ctl, sent } = panel();
    const rec = recordedStore();
    await ctl.importFile(file('rec.json', text(toRecording(rec))));
    expect(stateOf(store)).toEqual({ ...stateOf(rec), notices: [], readOnly: 'rec.json' });
    ctl.clear();
    expect(store.readOnly).toBe(null);
    expect(sent).toEqual([{ t: 'hello', v: 1 }]);
  });

  it('a comparison in a recording keeps its diff as received', () => {
    const store = new Store();
    store.apply(0, hello());
    store.apply(0, moduleMsg(1));
    const d = diffMsg(3, 1, DIFF_ROWS, [group(1)]);
    store.setDiff({ ...d, frame: 0 });
    expect(exported(store).frames[0].comparisons).toEqual([{ diff: d, leaks: null }]);
  });
});
