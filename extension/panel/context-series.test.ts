// The timeline's per-context live heap and its one line per shared memory, on
// a store fed the messages a page, a worker and pthread workers send.
import { describe, expect, it } from 'vitest';
import { Store } from './store';
import { contextLines, memoryLines, stepSum } from './context-series';
import { perSecond } from './series';
import { batch, hello, moduleMsg, sample, START } from './page-messages.test-helper';
import { parseRecording, toRecording } from './recording';

const WORKER = 2 ** 32; // frame 0, context 1 (src/protocol/router.ts)
const WORKER2 = 2 * 2 ** 32;

describe('context series', () => {
  it('stepSum: at each time of any part, the sum of each part’s last value (0 before its first point)', () => {
    expect(
      stepSum([
        { time: [10, 30, 40], values: [5, 7, 0] },
        { time: [20, 30], values: [100, 200] },
      ]),
    ).toEqual({ time: [10, 20, 30, 40], values: [5, 105, 207, 200] });
    // Two points at one time: the last one holds.
    expect(stepSum([{ time: [1, 1, 2], values: [3, 4, 5] }])).toEqual({ time: [1, 2], values: [4, 5] });
    expect(stepSum([])).toEqual({ time: [], values: [] });
  });

  it('one live-heap line per context, summing its modules, named as the module list names the context', () => {
    const store = new Store();
    store.apply(0, hello());
    store.apply(0, moduleMsg(1));
    store.apply(0, moduleMsg(2));
    store.apply(WORKER, { ...hello(START, 'https://example.test/w/seed.js?v=1'), context: { kind: 'worker', name: 'seed' } });
    store.apply(WORKER, moduleMsg(1));
    store.apply(0, batch(0, [sample(1, 100, { liveBytes: 1024, allocs: 1 }), sample(2, 100, { liveBytes: 16, allocs: 2, frees: 1 })]));
    store.apply(0, batch(1, [sample(1, 600, { liveBytes: 102_400, allocs: 101 })]));
    store.apply(WORKER, batch(0, [sample(1, 300, { liveBytes: 102_400, allocs: 100 })]));
    const lines = contextLines(store.modules, store.series, (s) => store.sourceLabel(s));
    expect(lines.map((l) => [l.label, l.first, l.time.map((t) => t - START), l.live, l.allocs, l.frees])).toEqual([
      ['page', '0:1', [100, 600], [1040, 102_416], [3, 103], [1, 1]],
      ['worker seed.js “seed”', `${WORKER}:1`, [300], [102_400], [100], [0]],
    ]);
    // The context's allocation rate: 100 allocations in the 500 ms between its two points.
    expect(perSecond(lines[0].time, lines[0].allocs)).toEqual([0, 200]);
    // A frame that is not the top one is named by its document.
    store.apply(7, hello(START, 'https://example.test/frames/child.html'));
    expect(store.sourceLabel(7)).toBe('frame child.html');
  });

  it('instances on one shared memory (pthreads): one linear-memory line named for the module and its threads; only the counting instance has a live heap', () => {
    const store = new Store();
    const shared = (thread: number, counted: boolean) => ({
      ...moduleMsg(1),
      name: 'https://example.test/threads/threads.wasm',
      shared: { heap: START + 0.25, thread, counted },
    });
    store.apply(0, hello());
    store.apply(0, shared(0, true));
    for (const [source, thread] of [
      [WORKER, 1],
      [WORKER2, 2],
    ]) {
      store.apply(source, {
        ...hello(START, 'https://example.test/threads/threads.worker.js'),
        context: { kind: 'worker', name: `em-pthread-${thread}` },
      });
      store.apply(source, shared(thread, false));
      store.apply(source, batch(0, [sample(1, 200, { memoryBytes: 16_777_216 })]));
    }
    // A side module on the same memory in the second worker (untracked there: counts nothing): the same line, the
    // same thread.
    store.apply(WORKER2, { ...shared(2, false), id: 3, name: 'https://example.test/threads/side.wasm' });
    store.apply(WORKER2, batch(2, [sample(3, 200, { memoryBytes: 16_777_216 })]));
    // A module of its own in the second worker: not on the shared memory.
    store.apply(WORKER2, moduleMsg(2));
    store.apply(WORKER2, batch(1, [sample(2, 200, { liveBytes: 8 })]));
    store.apply(0, batch(0, [sample(1, 200, { memoryBytes: 16_777_216, liveBytes: 4096 })]));
    const lines = memoryLines(store.modules, store.series.keys());
    expect([...lines]).toEqual([
      [`${WORKER}:1`, { name: 'threads.wasm (shared by 3 threads)', threads: 3 }],
      [`${WORKER2}:1`, null],
      [`${WORKER2}:3`, null],
      [`${WORKER2}:2`, { name: 'm2.wasm (worker threads.worker.js “em-pthread-2”)', threads: 1 }],
      ['0:1', null],
    ]);
    // The threads' live heap is the counting instance's: the workers' contexts have none of their own from it.
    expect(contextLines(store.modules, store.series, (s) => store.sourceLabel(s)).map((l) => [l.label, l.live])).toEqual([
      ['page', [4096]],
      ['worker threads.worker.js “em-pthread-2”', [8]],
    ]);
    // The toolbar's total counts that memory once: 16 MiB + the second worker's own module (65,536 B).
    expect(store.totals()).toEqual({ memoryBytes: 16_777_216 + 65_536, liveCount: 0, liveBytes: 4096 + 8 });
    // Another tab frame's heap with the same name is another memory.
    store.apply(9, hello());
    store.apply(9, shared(0, true));
    store.apply(9, batch(0, [sample(1, 300, { memoryBytes: 65_536 })]));
    expect(memoryLines(store.modules, store.series.keys()).get('9:1')).toEqual({ name: 'threads.wasm (shared by 1 thread)', threads: 1 });
  });

  it('an exported recording keeps what names the contexts and which memory they share', () => {
    const store = new Store();
    store.apply(0, hello());
    store.apply(0, { ...moduleMsg(1), shared: { heap: START + 0.5, thread: 0, counted: true } });
    store.apply(0, batch(0, [sample(1, 100, { memoryBytes: 65_536, liveBytes: 64 })]));
    store.apply(WORKER, { ...hello(START, 'https://example.test/w/t.js'), context: { kind: 'worker', name: 'em-pthread' } });
    store.apply(WORKER, { ...moduleMsg(1), shared: { heap: START + 0.5, thread: 1, counted: false } });
    store.apply(WORKER, batch(0, [sample(1, 100, { memoryBytes: 65_536 })]));
    store.apply(5, hello(START, 'https://example.test/frames/child.html'));
    store.apply(5, moduleMsg(2));
    store.apply(5, batch(0, [sample(2, 100, { liveBytes: 8 })]));
    const imported = new Store();
    imported.importRecording(parseRecording(JSON.stringify(toRecording(store))), 'r.json');
    const view = (s: Store) => ({
      labels: [0, 5, WORKER].map((source) => s.sourceLabel(source)),
      memory: [...memoryLines(s.modules, s.series.keys()).values()],
      heaps: contextLines(s.modules, s.series, (x) => s.sourceLabel(x)).map((l) => [l.label, l.live]),
    });
    expect(view(imported)).toEqual(view(store));
    expect(view(imported).labels).toEqual(['page', 'frame child.html', 'worker t.js “em-pthread”']);
    expect(view(imported).memory[0]).toEqual({ name: 'm1.wasm (shared by 2 threads)', threads: 2 });
  });
});
