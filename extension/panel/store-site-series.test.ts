// Live bytes by site in the panel: BatchMsg.siteSamples into each module's
// SiteSeries, bounded and checked like the other rows, and carried by export.
import { describe, it, expect } from 'vitest';
import { encodeF64, ProtocolError } from '../../src/protocol';
import { batch, liveStore, START } from './page-messages.test-helper';
import { toRecording, parseRecording } from './recording';
import { siteGrowth } from './site-growth';

/** Rows (time offset, module, site, bytes) as the page sends them. */
function siteSamples(rows: [number, number, number, number][]): string {
  return encodeF64(new Float64Array(rows.flatMap(([dt, m, s, b]) => [START + dt, m, s, b])));
}

describe('Store: live bytes by site', () => {
  it('groups rows into one column per (module, tick), ignores unknown modules, exports and imports them', () => {
    const store = liveStore();
    store.apply(0, {
      ...batch(2, []),
      siteSamples: siteSamples([
        [300, 1, 1, 16],
        [300, 1, 2, 2048],
        [300, 9, 1, 5],
        [400, 1, 1, 4096],
      ]),
    });
    const s = store.siteSeries.get('0:1')!;
    expect(s.times).toEqual([START + 300, START + 400]);
    expect(s.entries).toBe(3);
    expect(store.siteSeries.has('0:9')).toBe(false);
    const g = siteGrowth(s, (stack) => ({ key: String(stack), label: `stack ${stack}` }), -Infinity, Infinity);
    // (4,096 − 16) B over 0.1 s.
    expect(g.ranking.map((r) => [r.key, Math.round(r.slope), r.end])).toEqual([
      ['1', 40_800, 4096],
      ['2', 0, 2048],
    ]);

    const imported = parseRecording(JSON.stringify(toRecording(store)));
    const t = imported.siteSeries.get('0:1')!;
    expect(t.times).toEqual(s.times);
    expect(t.sites.map((c) => Array.from(c))).toEqual([[1, 2], [1]]);
    expect(t.bytes.map((c) => Array.from(c))).toEqual([[16, 2048], [4096]]);
  });

  it('rejects ragged rows like the other binary payloads', () => {
    const store = liveStore();
    const bad = encodeF64(new Float64Array([START, 1, 1]));
    expect(() => store.apply(0, { ...batch(2, []), siteSamples: bad })).toThrow(ProtocolError);
  });
});
