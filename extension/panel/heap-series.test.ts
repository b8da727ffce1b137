// The live heap's extent in the panel: BatchMsg.heapSamples into each module's
// HeapSeries (checked, bounded, carried by export and import), the memory
// breakdown the timeline shows, and where linear memory grew.
import { describe, it, expect } from 'vitest';
import { encodeF64, HEAP_SOURCE, ProtocolError, type BatchMsg } from '../../src/protocol';
import { batch, liveStore, sample, START } from './page-messages.test-helper';
import { toRecording, parseRecording } from './recording';
import { HeapSeries, memoryBreakdown } from './heap-series';
import { growths } from './series';
import { breakdownAt, breakdownModule, breakdownTime } from './HeapBreakdown';
import { Store } from './store';

/** Rows (time offset, module, base, top, source) as the page sends them. */
function heapSamples(rows: number[][]): string {
  return encodeF64(new Float64Array(rows.flatMap(([dt, ...r]) => [START + dt, ...r])));
}
/** A batch (seq 2) of sample rows (time offset, module, memory bytes, live bytes), one block live and one alloc each. */
function sampleBatch(rows: [number, number, number, number][]): BatchMsg {
  return batch(
    2,
    rows.map(([dt, module, memoryBytes, liveBytes]) => sample(module, dt, { memoryBytes, liveCount: 1, liveBytes, allocs: 1 })),
  );
}

describe('memoryBreakdown', () => {
  const { heapBase, blocks } = HEAP_SOURCE;
  /** The breakdown's parts, in the order the timeline stacks them. */
  const parts = (memory: number, below: number, live: number, between: number, above: number, unreached: number, source: number) => ({
    memory,
    below,
    live,
    between,
    above,
    unreached,
    source,
  });
  it.each([
    [
      'growth.c, 1,000 × 1 KiB with every other one freed (src/agent/site-ticks-agent.test.ts): the holes are fragmentation',
      memoryBreakdown(1_114_112, 512_000, 71_536, 1_111_536, heapBase),
      parts(1_114_112, 71_536, 512_000, 528_000, 0, 2_576, heapBase),
    ],
    [
      'a freed 5 MiB spike: what live blocks reached before is free above (the high-water mark), the rest never reached',
      memoryBreakdown(6_488_064, 0, 71_536, 0, heapBase, 5_400_000),
      parts(6_488_064, 71_536, 0, 0, 5_400_000 - 71_536, 6_488_064 - 5_400_000, heapBase),
    ],
    [
      'nothing live: all of the heap is above the highest live block (the high-water mark)',
      memoryBreakdown(6_488_064, 0, 71_536, 0, heapBase),
      parts(6_488_064, 71_536, 0, 0, 0, 6_416_528, heapBase),
    ],
    [
      'nothing live, no __heap_base: all of the memory is never reached',
      memoryBreakdown(131_072, 0, 0, 0, blocks),
      parts(131_072, 0, 0, 0, 0, 131_072, blocks),
    ],
  ])('%s', (_, breakdown, expected) => {
    expect(breakdown).toEqual(expected);
  });
  it('figures a hostile page could send still add up to the memory size', () => {
    for (const b of [
      memoryBreakdown(65_536, 1_000_000, 70_000, 10, HEAP_SOURCE.blocks, 2 ** 32),
      memoryBreakdown(65_536, 10, 100, 5_000, HEAP_SOURCE.blocks, 20),
    ]) {
      expect(b.below + b.live + b.between + b.above + b.unreached).toBe(65_536);
      expect(Math.min(b.below, b.live, b.between, b.above, b.unreached)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('HeapSeries and growths', () => {
  it('a step series: at() and topsAt() take the last row at or before, repeated rows are ignored', () => {
    const h = new HeapSeries();
    h.add(100, 8, 200, 0);
    h.add(300, 8, 900, 0);
    h.add(300, 8, 5, 0);
    h.add(200, 8, 5, 0);
    expect(h.length).toBe(2);

    expect([h.at(50), h.at(100), h.at(299), h.at(1000)]).toEqual([-1, 0, 0, 1]);
    expect(h.topsAt([50, 100, 250, 300, 400])).toEqual([Number.NaN, 200, 200, 900, 900]);
  });
  it('reach: the highest top so far, kept when the top falls', () => {
    const h = new HeapSeries();
    for (const [t, top] of [
      [100, 200],
      [200, 900],
      [300, 50],
      [400, 0],
    ])
      h.add(t, 8, top, 0);
    expect(h.reach).toEqual([200, 900, 900, 900]);
  });
  it('memory growths: each rise from the previous point', () => {
    expect(growths([0, 1, 2, 3, 4], [0, 65_536, 65_536, 131_072, 196_608])).toEqual([3, 4]);
  });
});

describe('Store: the live heap extent', () => {
  it('keeps valid rows per module, drops rows that are not 32-bit addresses or of an unknown module, and the breakdown reads them', () => {
    const store = liveStore();
    store.apply(0, {
      ...sampleBatch([
        [300, 1, 1_114_112, 1_024_000],
        [800, 1, 1_114_112, 512_000],
      ]),
      heapSamples: heapSamples([
        [300, 1, 71_536, 1_111_536, 1],
        [400, 1, -4, 100, 1],
        [500, 1, 0, 2 ** 40, 0],
        [600, 1, 0, 100, 7],
        [700, 9, 0, 100, 0],
      ]),
    });
    const h = store.heapSeries.get('0:1')!;
    expect([h.time, h.base, h.top, h.source]).toEqual([[START + 300], [71_536], [1_111_536], [1]]);
    expect(store.heapSeries.has('0:9')).toBe(false);
    // Kept rows count as timeline points against the frame's budget (FRAME_LIMITS.points), beside the samples'.
    expect(store.budget(0)!.held.points).toBe(2 + 2 + 1);
    expect(breakdownModule(store)).toBe('0:1');
    expect(breakdownAt(store, '0:1', Number.POSITIVE_INFINITY)).toEqual({
      memory: 1_114_112,
      below: 71_536,
      live: 512_000,
      between: 528_000,
      above: 0,
      unreached: 2_576,
      source: 1,
      time: START + 800,
    });
    expect(breakdownAt(store, '0:1', START + 500)?.between).toBe(16_000);
    // Read at the end of the visible window, else at the instant of an open Peak or live-at view.
    expect(breakdownTime(store)).toBe(Number.POSITIVE_INFINITY);
    store.setTimeWindow({ from: START, to: START + 500 });
    expect(breakdownTime(store)).toBe(START + 500);
    store.openRange(0, 0, true);
    store.setRange({
      t: 'range',
      req: 1,
      module: 1,
      from: START + 300,
      to: START + 300,
      peak: true,
      count: 0,
      bytes: 0,
      groups: [],
      blocks: '',
      truncated: false,
      frame: 0,
    });
    expect(breakdownTime(store)).toBe(START + 300);
  });

  it('rejects ragged rows like the other binary payloads', () => {
    const store = liveStore();
    const bad = encodeF64(new Float64Array([START, 1, 1]));
    expect(() => store.apply(0, { ...batch(2, []), heapSamples: bad })).toThrow(ProtocolError);
  });

  it('export → import (the panel’s own path, importRecording) carries the heap extent and live bytes by site', () => {
    const store = liveStore();
    store.apply(0, {
      ...sampleBatch([[300, 1, 1_114_112, 512_000]]),
      siteSamples: encodeF64(new Float64Array([START + 300, 1, 1, 512_000])),
      heapSamples: heapSamples([[300, 1, 71_536, 1_111_536, 1]]),
    });
    const shown = new Store();
    shown.importRecording(parseRecording(JSON.stringify(toRecording(store))), 'file.json');
    const h = shown.heapSeries.get('0:1')!;
    expect([h.time, h.base, h.top, h.source]).toEqual([[START + 300], [71_536], [1_111_536], [1]]);
    expect(shown.siteSeries.get('0:1')?.times).toEqual([START + 300]);
    expect(breakdownAt(shown, '0:1', Number.POSITIVE_INFINITY)?.between).toBe(528_000);
  });
});
