// The panel's model under page traffic (issue 15), in Node: Store.receive of
// each message as the port delivers it (validation included).
// - sites of a real-looking page: 20,000 stacks of 24 frames drawn from 3,000
//   C++ functions, in 10 batches: the store (frames and strings interned,
//   each name demangled once) ÷ what it did before (a copy of every frame of
//   every stack, every name demangled), both measured here side by side;
// - the flood: 1 M forged sites in 10 batches, then 20,000 small
//   batches: the slowest message, the total, and the heap the store keeps;
// - one batch of 15,000 new stacks of 35 frames over 3,000 distinct frames, as
//   wasm-vips' first resize sends it (195,000 frames, 2,600 distinct, in 10,000
//   stacks there): the frame budget's interning (frames found by a number and
//   two string compares) ÷ what it did before (each frame's name and file looked
//   up by text, then a key string built and looked up), side by side; and what
//   the rest of the batch costs (JSON.parse, validation, Store.receive);
// - a comparison naming those 15,000 stacks shown while 5 batches of 2,000 new
//   stacks arrive (as the page now splits a burst): the grouping by site made
//   at each render (groupSites with Store.siteSource) ÷ what it was before (the
//   source's version changed with every batch: all stacks regrouped), side by side.
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Store } from '../extension/panel/store';
import { FrameBudget } from '../extension/panel/frame-budget';
import { groupSites } from '../extension/panel/site-index';
import { BR, encodeU32, parseFrames, parsePageMsg, PROTOCOL_VERSION, type FrameMsg, type PageToPanel, type SiteMsg } from '../src/protocol';
import { diffMsg, moduleMsg, newSiteGroup } from '../src/test-support/made-messages';
import { demangle } from '../src/symbols/demangle';
import { median } from './timing';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMB = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

const hello = { t: 'hello', v: PROTOCOL_VERSION, url: 'https://bench.test/', start: 1 };
const batch = (seq: number, sites: SiteMsg[]) => ({ t: 'batch', seq, samples: '', sites, errors: [] });

/** 20,000 stacks of 24 frames over 3,000 mangled C++ functions, as 10 batches (JSON text, as a port carries it). */
function realSites(): string[] {
  const fn = (k: number) => `_ZN5app${k % 7}9Component${k}6updateERKNSt3__16vectorIiNS1_9allocatorIiEEEE`;
  const out: string[] = [];
  let x = 12345;
  const rnd = () => (x = (x * 1103515245 + 12345) >>> 0) % 3000;
  for (let b = 0; b < 10; b++) {
    const sites: SiteMsg[] = [];
    for (let i = 0; i < 2000; i++) {
      const frames = Array.from({ length: 24 }, (_, d) => {
        const k = d < 4 ? d : rnd();
        return { name: fn(k), func: k, offset: 1000 + k * 40, file: `src/component${k % 200}.cpp`, line: 10 + (k % 90) };
      });
      sites.push({ id: 1 + b * 2000 + i, module: 1, frames });
    }
    out.push(JSON.stringify(batch(b, sites)));
  }
  return out;
}

/** What the store did before: every frame copied, every name demangled. */
function before(texts: string[]): Map<string, SiteMsg> {
  const sites = new Map<string, SiteMsg>();
  for (const t of texts) {
    const msg = parsePageMsg(JSON.parse(t));
    if (msg.t !== 'batch') continue;
    for (const s of msg.sites) sites.set(`0:${s.id}`, { ...s, frames: s.frames.map((f) => ({ ...f, name: demangle(f.name) })) });
  }
  return sites;
}

function now(texts: string[]): Store {
  const store = new Store();
  store.receive({ frame: 0, msg: hello });
  for (const t of texts) store.receive({ frame: 0, msg: JSON.parse(t) });
  return store;
}

/** 15,000 stacks of 35 frames like wasm-vips' (wasm frames without lines, named or not; JS frames of the glue). */
function vipsBatch(first = 1, count = 15_000, seq = 0): string {
  const wasm = (k: number): FrameMsg => ({
    name: k % 3 === 0 ? `vips_operation_${k}_build` : `wasm-function[${k}]`,
    func: k,
    offset: 40_000 + k * 377,
    file: 'wasm://wasm/01b9201a',
    line: 0,
  });
  const js = (k: number): FrameMsg => ({
    name: `Image.op${k} (eval at Ng`,
    func: -1,
    offset: -1,
    file: `http://127.0.0.1:45205/node_modules/wasm-vips/lib/vips-es6.js:${k}:4), <anonymous>`,
    line: 6 + (k % 40),
  });
  let x = 777;
  const rnd = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const sites: SiteMsg[] = [];
  for (let i = 0; i < count; i++) {
    const frames: FrameMsg[] = [{ ...wasm(146), alloc: true }];
    for (let d = 1; d < 35; d++) frames.push(d < 29 ? wasm(200 + rnd(2700)) : js(rnd(300)));
    sites.push({ id: first + i, module: 1, frames, thread: `thread ${1 + (i % 6)}` });
  }
  return JSON.stringify(batch(seq, sites));
}

/** What FrameBudget's interning did per frame before: name and file looked up by text, then a `func:offset:line` key. */
function keyedByText(sites: readonly SiteMsg[]): number {
  const names = new Map<string, string>();
  const texts = new Map<string, string>();
  const index = new Map<string, FrameMsg[]>();
  let kept = 0;
  for (const s of sites) {
    for (const f of s.frames) {
      let name = names.get(f.name);
      if (name === undefined) names.set(f.name, (name = demangle(f.name)));
      let file = texts.get(f.file);
      if (file === undefined) texts.set(f.file, (file = f.file));
      const key = `${f.func}:${f.offset}:${f.line}`;
      let same = index.get(key);
      if (!same) index.set(key, (same = []));
      if (same.some((g) => g.name === name && g.file === file && g.alloc === f.alloc)) continue;
      same.push({ name, func: f.func, offset: f.offset, file, line: f.line, alloc: f.alloc });
      kept++;
    }
  }
  return kept;
}

export function oneBigBatch(): void {
  const text = vipsBatch();
  const t = {
    parse: [] as number[],
    validate: [] as number[],
    validateEach: [] as number[],
    before: [] as number[],
    now: [] as number[],
    store: [] as number[],
  };
  let kept = 0;
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    const raw = JSON.parse(text);
    t.parse.push(performance.now() - t0);
    // validation: the batch (equal frames validated once per message) vs each frame validated and copied (before)
    let parsed: PageToPanel | null = null;
    const validations = [
      () => {
        parsed = parsePageMsg(raw);
      },
      () => {
        for (const s of raw.sites as { frames: unknown }[]) parseFrames(s.frames);
      },
    ];
    for (const w of r % 2 === 0 ? [0, 1] : [1, 0]) {
      t0 = performance.now();
      validations[w]();
      (w === 0 ? t.validate : t.validateEach).push(performance.now() - t0);
    }
    const msg = parsed as PageToPanel | null;
    if (msg?.t !== 'batch') throw new Error('not a batch');
    // the two orders alternate: neither always runs on a heap the other filled
    const ways = [
      () => keyedByText(msg.sites),
      () => {
        const budget = new FrameBudget();
        for (const s of msg.sites) budget.admitSite(s);
        return budget.held.frames;
      },
    ];
    for (const w of r % 2 === 0 ? [0, 1] : [1, 0]) {
      t0 = performance.now();
      kept = ways[w]();
      (w === 0 ? t.before : t.now).push(performance.now() - t0);
    }
    const store = new Store();
    store.receive({ frame: 0, msg: hello });
    const fresh = JSON.parse(text);
    t0 = performance.now();
    store.receive({ frame: 0, msg: fresh });
    t.store.push(performance.now() - t0);
    if (store.sites.size !== 15_000) throw new Error(`kept ${store.sites.size} sites`);
  }
  // What the panel does per port message (read it, then Store.receive): the burst as one message, or as the page
  // now sends it (batches of 2,000): the longest message is what the user waits for before the next render.
  const split = Array.from({ length: 8 }, (_, b) => vipsBatch(1 + b * 2000, Math.min(2000, 15_000 - b * 2000), b));
  const perMessage = (texts: string[]) => {
    const store = new Store();
    store.receive({ frame: 0, msg: hello });
    const took = texts.map((text) => {
      const t0 = performance.now();
      store.receive({ frame: 0, msg: JSON.parse(text) });
      return performance.now() - t0;
    });
    return { longest: Math.max(...took), all: took.reduce((x, y) => x + y, 0) };
  };
  const whole = perMessage([text]);
  const parts = perMessage(split);
  const m = (k: keyof typeof t) => median(t[k]).toFixed(0);
  console.log(
    `one batch of 15,000 new stacks × 35 frames (${kept.toLocaleString('en-US')} distinct frames, ${(text.length / 1e6).toFixed(1)} MB of JSON):`,
  );
  console.log(
    `  interning: frame budget ${m('now')} ms (admitSite, all), before ${m('before')} ms (lookups by text only) → ${(median(t.now) / median(t.before)).toFixed(2)}×`,
  );
  console.log(
    `  validation: ${m('validate')} ms, before (each frame validated and copied) ${m('validateEach')} ms → ${(median(t.validate) / median(t.validateEach)).toFixed(2)}×`,
  );
  console.log(`  Store.receive ${m('store')} ms (validation and interning included); JSON.parse of the message ${m('parse')} ms`);
  console.log(
    `  per message (JSON.parse + Store.receive): as 8 batches of ≤ 2,000 the longest ${parts.longest.toFixed(0)} ms (all ${parts.all.toFixed(0)} ms), ` +
      `as one batch ${whole.longest.toFixed(0)} ms → ${(parts.longest / whole.longest).toFixed(2)}×`,
  );
}

/** The comparison of the 15,000 stacks (a block or two each), regrouped at each of 5 batches of 2,000 new stacks. */
export function comparisonWhileStacksArrive(): void {
  const store = new Store();
  store.receive({ frame: 0, msg: hello });
  store.receive({ frame: 0, msg: moduleMsg('vips.wasm') });
  store.receive({ frame: 0, msg: JSON.parse(vipsBatch()) });
  const rows: number[] = [];
  for (let id = 1; id <= 15_000; id++) {
    for (let k = 0; k < 1 + (id % 2); k++) rows.push(0x10000 + rows.length * 4, 32, id, rows.length, 0);
  }
  const groups = Array.from({ length: 15_000 }, (_, i) => newSiteGroup(i + 1, 1 + ((i + 1) % 2), 32 * (1 + ((i + 1) % 2))));
  const msg = { ...diffMsg({ groups, blocks: encodeU32(new Uint32Array(rows)) }), frame: 0 };
  store.setDiff(msg);
  const now = store.diffs[0];
  // the same comparison again for the old way (groupSites caches per table: each way its own)
  store.setDiff({ ...msg, module: 1 });
  const old = { ...store.diffs[0], blocks: store.diffs[0].blocks.slice() };
  if (now.blocks.length / BR.width !== rows.length / BR.width) throw new Error('rows');
  const t = { now: [] as number[], before: [] as number[] };
  let rowsShown = 0;
  const render = () => {
    let t0 = performance.now();
    rowsShown = groupSites(now, store.siteSource(now)).rows.length;
    t.now.push(performance.now() - t0);
    t0 = performance.now();
    const src = store.siteSource(old);
    groupSites(old, { ...src, version: `${store.sitesVersion}|${store.marks.version}|${old.moduleKey}` });
    t.before.push(performance.now() - t0);
  };
  render();
  for (let b = 0; b < 5; b++) {
    store.receive({ frame: 0, msg: JSON.parse(vipsBatch(15_001 + b * 2000, 2000, 1 + b)) });
    render();
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  console.log(
    `a comparison of 15,000 stacks (${rowsShown.toLocaleString('en-US')} site rows) shown while 5 batches of 2,000 new stacks arrive:`,
  );
  console.log(
    `  grouping by site, first render + 5 renders: ${sum(t.now).toFixed(0)} ms (first ${t.now[0].toFixed(0)} ms), before ${sum(t.before).toFixed(0)} ms (first ${t.before[0].toFixed(0)} ms) → ${(sum(t.now) / sum(t.before)).toFixed(2)}×`,
  );
}

export async function run(): Promise<void> {
  oneBigBatch();
  comparisonWhileStacksArrive();
  const texts = realSites();
  const mb = texts.reduce((n, t) => n + t.length, 0) / 1e6;
  const tb: number[] = [];
  const tn: number[] = [];
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now();
    before(texts);
    tb.push(performance.now() - t0);
    t0 = performance.now();
    now(texts);
    tn.push(performance.now() - t0);
  }
  const base = heapMB();
  let kept: unknown = before(texts);
  const heapBefore = heapMB() - base;
  kept = now(texts);
  const heapNow = heapMB() - base;
  console.log(`20,000 stacks × 24 frames (3,000 functions, ${mb.toFixed(1)} MB of JSON, 10 batches):`);
  console.log(
    `  receive: store ${median(tn).toFixed(0)} ms, before ${median(tb).toFixed(0)} ms → ${(median(tn) / median(tb)).toFixed(2)}×; ` +
      `heap kept: store ${heapNow.toFixed(1)} MB, before ${heapBefore.toFixed(1)} MB → ${(heapNow / heapBefore).toFixed(2)}×`,
  );
  kept = null;

  // The flood.
  let store: Store | null = new Store();
  store.receive({ frame: 0, msg: hello });
  const site = (id: number): SiteMsg => ({
    id,
    module: 1,
    frames: [{ name: `forged_${id}`, func: id % 4096, offset: id, file: 'forged.c', line: 1 }],
  });
  const big: number[] = [];
  for (let b = 0; b < 10; b++) {
    const msg = JSON.parse(
      JSON.stringify(
        batch(
          b,
          Array.from({ length: 100_000 }, (_, i) => site(1 + b * 100_000 + i)),
        ),
      ),
    );
    const t0 = performance.now();
    store.receive({ frame: 0, msg });
    big.push(performance.now() - t0);
  }
  let worst = 0;
  const t1 = performance.now();
  for (let i = 0; i < 20_000; i++) {
    const msg = JSON.parse(JSON.stringify(batch(10 + i, [site(2_000_000 + i)])));
    const t0 = performance.now();
    store.receive({ frame: 0, msg });
    worst = Math.max(worst, performance.now() - t0);
  }
  const small = performance.now() - t1;
  const { held: h, dropped: d } = store.budget(0)!;
  await new Promise((r) => setTimeout(r, 50));
  const withStore = heapMB();
  store = null;
  // Its render timer (setTimeout in Node) holds it until it fires.
  await new Promise((r) => setTimeout(r, 50));
  const held = withStore - heapMB();
  console.log(`flood: 1 M forged sites in 10 batches, then 20,000 small batches (JSON.parse outside the timings):`);
  console.log(
    `  batches of 100,000: first ${big[0].toFixed(0)} ms (validated and kept), then median ${median(big.slice(1)).toFixed(0)} ms, slowest ${Math.max(...big.slice(1)).toFixed(0)} ms (dropped at the limit); ` +
      `20,000 small: ${small.toFixed(0)} ms in all (incl. JSON), slowest ${worst.toFixed(2)} ms`,
  );
  console.log(
    `  kept ${h.sites.toLocaleString('en-US')} sites, dropped ${d.sites.toLocaleString('en-US')}; heap kept ${held.toFixed(0)} MB`,
  );
  void kept;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
