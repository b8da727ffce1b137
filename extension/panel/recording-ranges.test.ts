// The range view open at export (Peak, an instant, a time range) travels with
// the recording and opens with the import; a file's range answers are checked
// like live traffic.
import { describe, it, expect } from 'vitest';
import { encodeU32, ProtocolError, type RangeMsg } from '../../src/protocol';
import { liveStore, blockRows, group, START } from './page-messages.test-helper';
import { toRecording, parseRecording } from './recording';
import { Store } from './store';

/** The page's answer to `peak` for module 1: two blocks of stack 1, freed since or not. */
function peakMsg(module = 1): RangeMsg {
  const rows = [
    { ptr: 0x2000, size: 65_536, site: 1, seq: 3, time: 40 },
    { ptr: 0x12000, size: 65_536, site: 1, seq: 4, time: 41 },
  ];
  return {
    t: 'range',
    req: 9,
    module,
    from: START + 200,
    to: START + 200,
    peak: true,
    count: 2,
    bytes: 131_072,
    groups: [group(1, { newCount: 2, newBytes: 131_072 })],
    blocks: encodeU32(blockRows(rows)),
    truncated: false,
  };
}

describe('recording: the open range view', () => {
  it('Peak at export is open after the import, with its blocks', () => {
    const store = liveStore();
    store.openRange(0, 0, true);
    store.setRange({ ...peakMsg(), frame: 0 });
    const rec = toRecording(store);
    expect(rec.frames[0].ranges).toHaveLength(1);
    const shown = new Store();
    shown.importRecording(parseRecording(JSON.stringify(rec)), 'peak.json');
    expect(shown.range).toMatchObject({ from: START + 200, to: START + 200, peak: true });
    expect(shown.range?.tables.map((t) => [t.moduleKey, t.newCount, t.newBytes, t.blocks.length])).toEqual([['0:1', 2, 131_072, 10]]);
  });

  it('no view open: no ranges in the file, none after the import', () => {
    const rec = toRecording(liveStore());
    expect(rec.frames[0].ranges).toBeUndefined();
    expect(parseRecording(JSON.stringify(rec)).range).toBeNull();
  });

  it('refuses a range of a module the recording does not have, or of another view than the others', () => {
    const store = liveStore();
    store.openRange(0, 0, true);
    store.setRange({ ...peakMsg(), frame: 0 });
    const rec = JSON.parse(JSON.stringify(toRecording(store)));
    rec.frames[0].ranges[0].module = 7;
    expect(() => parseRecording(JSON.stringify(rec))).toThrow(ProtocolError);
    rec.frames[0].ranges = [peakMsg(), { ...peakMsg(), peak: false }];
    expect(() => parseRecording(JSON.stringify(rec))).toThrow(/not the same view/);
    rec.frames[0].ranges = [{ ...peakMsg(), blocks: 'not base64!' }];
    expect(() => parseRecording(JSON.stringify(rec))).toThrow(ProtocolError);
  });
});
