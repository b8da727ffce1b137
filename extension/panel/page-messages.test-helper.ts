// Page messages built by hand for the panel's unit tests: small, exact, and
// valid for parsePageMsg unless a test breaks them on purpose.
import {
  PROTOCOL_VERSION,
  BR,
  BLOCK_FIELDS,
  BLOCK_NO_SITE,
  encodeF64,
  encodeU32,
  bytesToBase64,
  pushSample,
  type HelloMsg,
  type ModuleMsg,
  type BatchMsg,
  type DiffMsg,
  type LeaksMsg,
  type SnapshotMsg,
  type SiteMsg,
  type ErrorMsg,
  type SiteGroupMsg,
  type SampleValues,
  type BlockField,
  type SnapshotName,
  type FrameMsg,
} from '../../src/protocol';
import { Store, type BlockTable } from './store';

export const START = 1_700_000_000_000;

export function hello(start = START, url = 'https://example.test/'): HelloMsg {
  return { t: 'hello', v: PROTOCOL_VERSION, url, start };
}

export function moduleMsg(id: number, time = START + 5): ModuleMsg {
  return {
    t: 'module',
    id,
    name: `https://example.test/m${id}.wasm`,
    size: 1000 + id,
    instrumented: true,
    reason: '',
    allocators: [{ role: 'malloc', name: 'malloc', foundBy: 'export', confidence: 'high' }],
    wrappedExports: ['malloc'],
    time,
  };
}

/** A sample row of module `module` at START + dt ms. */
export function sample(module: number, dt: number, v: Partial<SampleValues> = {}): SampleValues {
  return { time: START + dt, module, memoryBytes: 65536, liveCount: 0, liveBytes: 0, allocs: 0, frees: 0, ...v };
}

export function batch(seq: number, samples: SampleValues[], sites: SiteMsg[] = [], errors: ErrorMsg[] = []): BatchMsg {
  const rows: number[] = [];
  for (const s of samples) pushSample(rows, s);
  return { t: 'batch', seq, samples: encodeF64(new Float64Array(rows)), sites, errors };
}

export function site(id: number, module: number, name: string, line = 0): SiteMsg {
  return { id, module, frames: [{ name, func: 10 + id, offset: 100 + id, file: line ? 'src/leak.c' : '', line }] };
}

export type BlockRow = Record<BlockField, number>;

/** Block rows as on the wire (BR order). */
export function blockRows(rows: BlockRow[]): Uint32Array {
  const out = new Uint32Array(rows.length * BR.width);
  rows.forEach((r, i) => {
    for (const f of BLOCK_FIELDS) out[i * BR.width + BR[f]] = r[f];
  });
  return out;
}

export function group(site: number, g: Partial<SiteGroupMsg> = {}): SiteGroupMsg {
  return { site, newCount: 0, newBytes: 0, freedCount: 0, freedBytes: 0, liveCount: 0, liveBytes: 0, ...g };
}

/** A comparison's block table as the store holds it: module 1 of frame 0, `rows` new, nothing freed, no groups or kinds, unless `fields` say. */
export function diffTable(rows: BlockRow[], fields: Partial<BlockTable> = {}): BlockTable {
  return {
    id: 1,
    kind: 'diff',
    moduleKey: '0:1',
    frame: 0,
    module: 1,
    newCount: rows.length,
    newBytes: rows.reduce((n, r) => n + r.size, 0),
    freedCount: 0,
    freedBytes: 0,
    groups: [],
    blocks: blockRows(rows),
    truncated: false,
    leaks: null,
    ...fields,
  };
}

export function diffMsg(req: number, module: number, rows: BlockRow[], groups: SiteGroupMsg[], final: SnapshotName | null = null): DiffMsg {
  return {
    t: 'diff',
    req,
    module,
    from: 'A',
    to: 'B',
    final,
    newCount: rows.length,
    newBytes: rows.reduce((n, r) => n + r.size, 0),
    freedCount: 1,
    freedBytes: 8,
    groups,
    blocks: encodeU32(blockRows(rows)),
    truncated: false,
  };
}

export function leaksMsg(req: number, module: number, kinds: number[]): LeaksMsg {
  return {
    t: 'leaks',
    req,
    module,
    kinds: bytesToBase64(Uint8Array.from(kinds)),
    counts: [0, 0, 0, 0],
    bytes: [0, 0, 0, 0],
    scanned: 4096,
  };
}

export function snapshotMsg(
  req: number,
  name: SnapshotName,
  dt: number,
  modules: [module: number, liveCount: number, liveBytes: number][],
): SnapshotMsg {
  return {
    t: 'snapshot',
    req,
    name,
    time: START + dt,
    modules: modules.map(([module, liveCount, liveBytes]) => ({ module, liveCount, liveBytes })),
  };
}

/** The blocks of `liveStore`'s comparison: two at site 1, one at site 2. */
export const DIFF_ROWS: BlockRow[] = [
  { ptr: 0x1000, size: 1024, site: 1, seq: 5, time: 1000 },
  { ptr: 0x2000, size: 16, site: 2, seq: 6, time: 1500 },
  { ptr: 0x1400, size: 1024, site: 1, seq: 7, time: 2000 },
];

/** The error liveStore's second batch carries. */
export const DOUBLE_FREE: ErrorMsg = {
  module: 1,
  kind: 'double-free',
  ptr: 0x3000,
  site: 2,
  otherSite: 1,
  message: 'double-free of a 16-byte block',
  time: START + 150,
};

/**
 * A live page as the router would deliver it: frame 0 with module 1, two
 * batches (samples at +100 and +200 ms, two sites, one error).
 */
export function liveStore(): Store {
  const store = new Store();
  store.apply(0, hello());
  store.apply(0, moduleMsg(1));
  store.apply(
    0,
    batch(0, [sample(1, 100, { liveCount: 1, liveBytes: 16, allocs: 1 })], [site(1, 1, 'process_data', 19), site(2, 1, '_Z4leakv')]),
  );
  store.apply(
    0,
    batch(1, [sample(1, 200, { memoryBytes: 131072, liveCount: 3, liveBytes: 2064, allocs: 4, frees: 1 })], [], [DOUBLE_FREE]),
  );
  return store;
}

/** liveStore with Snapshot A and B taken and their comparison (with leak kinds) received. */
export function comparedStore(): Store {
  const store = liveStore();
  store.setSnapshot('A', { time: START + 150, liveCount: 1, liveBytes: 16 });
  store.setSnapshot('B', { time: START + 250, liveCount: 3, liveBytes: 2064 });
  store.setDiff({
    ...diffMsg(7, 1, DIFF_ROWS, [group(1, { newCount: 2, newBytes: 2048 }), group(2, { newCount: 1, newBytes: 16 })]),
    frame: 0,
  });
  store.setLeaks({ ...leaksMsg(8, 1, [3, 255, 2]), frame: 0 });
  return store;
}

/** Everything a store shows, as plain data: two stores showing the same thing are deep-equal. */
export function stateOf(store: Store) {
  return {
    connected: store.connected,
    frameNotices: store.frameNotices,
    notices: [...store.notices],
    error: store.error,
    busy: store.busy,
    recording: store.recording,
    fullStacks: store.fullStacks,
    readOnly: store.readOnly,
    moduleFilter: store.moduleFilter,
    pageUrl: store.pageUrl,
    recordingStart: store.recordingStart,
    lastTime: store.lastTime,
    frameStart: [...store.frameStart],
    modules: [...store.modules].map(([k, m]) => [k, { ...m }]),
    series: [...store.series].map(([k, s]) => [
      k,
      {
        time: [...s.time],
        memory: [...s.memory],
        liveCount: [...s.liveCount],
        live: [...s.live],
        allocs: [...s.allocs],
        frees: [...s.frees],
      },
    ]),
    sites: [...store.sites],
    marks: [...store.modules.values()].map((m) => [m.key, store.marks.marksOf(m)]),
    errors: [...store.errors],
    droppedErrors: store.droppedErrors,
    snapshots: { ...store.snapshots },
    diffs: store.diffs.map(({ id: _id, ...d }) => ({
      ...d,
      blocks: Array.from(d.blocks),
      leaks: d.leaks && { msg: d.leaks.msg, kinds: Array.from(d.leaks.kinds) },
    })),
    range: store.range,
    selected: store.selected,
    memoryView: store.memoryView,
  };
}

/**
 * Whole stacks shaped like e2e/fixtures/src/stacks.cpp (emcc -O2 frame
 * numbers, a line table added): make_apple and make_banana allocate through
 * xmalloc, new_cherry through operator new (both marked `alloc` by the page);
 * make_apple is also reached from churn, so two stacks share its site frame.
 */
export const F = {
  xmalloc: { name: 'xmalloc', func: 4, offset: 380, file: 'stacks.cpp', line: 37, alloc: true },
  opNew: { name: 'operator new(unsigned long)', func: 19, offset: 12861, file: '', line: 0, alloc: true },
  apple: { name: 'make_apple', func: 5, offset: 400, file: '/src/stacks.cpp', line: 40 },
  banana: { name: 'make_banana', func: 6, offset: 469, file: '/src/stacks.cpp', line: 48 },
  cherry: { name: 'new_cherry', func: 7, offset: 570, file: '', line: 0 },
  leakAll1: { name: 'leak_all', func: 9, offset: 835, file: '/src/stacks.cpp', line: 74 },
  leakAll2: { name: 'leak_all', func: 9, offset: 845, file: '/src/stacks.cpp', line: 75 },
  leakAll3: { name: 'leak_all', func: 9, offset: 855, file: '/src/stacks.cpp', line: 76 },
  churn: { name: 'churn', func: 10, offset: 900, file: '/src/stacks.cpp', line: 85 },
  js: { name: 'onClick', func: -1, offset: -1, file: 'https://example.test/stacks.html', line: 47 },
} satisfies Record<string, FrameMsg>;

/** Stack ids 1–4 of module 1 (innermost first); blocks of stack 0 are unknown. */
export const STACK_SITES: SiteMsg[] = [
  { id: 1, module: 1, frames: [F.xmalloc, F.apple, F.leakAll1, F.js] },
  { id: 2, module: 1, frames: [F.xmalloc, F.banana, F.leakAll2, F.js] },
  { id: 3, module: 1, frames: [F.opNew, F.cherry, F.leakAll3, F.js] },
  { id: 4, module: 1, frames: [F.xmalloc, F.apple, F.churn, F.js] },
];

/** Blocks of the stacks, interleaved as the page sends them (allocation order). */
export const STACK_ROWS: BlockRow[] = [
  { ptr: 0x100, size: 24, site: 1, seq: 1, time: 10 },
  { ptr: 0x200, size: 40, site: 2, seq: 2, time: 10 },
  { ptr: 0x300, size: 48, site: 3, seq: 3, time: 10 },
  { ptr: 0x400, size: 24, site: 4, seq: 4, time: 20 },
  { ptr: 0x500, size: 24, site: 1, seq: 5, time: 30 },
  { ptr: 0x600, size: 8, site: BLOCK_NO_SITE, seq: 6, time: 30 },
  { ptr: 0x700, size: 40, site: 2, seq: 7, time: 40 },
];

/** The page's groups of STACK_ROWS, one per stack, largest first, with freed and live figures of their own. */
export const STACK_GROUPS: SiteGroupMsg[] = [
  group(2, { newCount: 2, newBytes: 80, freedCount: 1, freedBytes: 40, liveCount: 3, liveBytes: 120 }),
  group(1, { newCount: 2, newBytes: 48, liveCount: 2, liveBytes: 48 }),
  group(3, { newCount: 1, newBytes: 48, freedCount: 2, freedBytes: 96, liveCount: 1, liveBytes: 48 }),
  group(4, { newCount: 1, newBytes: 24, liveCount: 5, liveBytes: 120 }),
  group(0, { newCount: 1, newBytes: 8, liveCount: 1, liveBytes: 8 }),
];

/** A live store (frame 0, module 1) that received STACK_SITES and a comparison of STACK_ROWS. */
export function stacksStore(store: Store = new Store()): Store {
  store.apply(0, hello());
  store.apply(0, moduleMsg(1));
  store.apply(0, batch(0, [sample(1, 100, { liveCount: 7, liveBytes: 208 })], STACK_SITES));
  store.setSnapshot('A', { time: START + 50, liveCount: 0, liveBytes: 0 });
  store.setSnapshot('B', { time: START + 150, liveCount: 7, liveBytes: 208 });
  store.setDiff({ ...diffMsg(5, 1, STACK_ROWS, STACK_GROUPS), frame: 0 });
  return store;
}
