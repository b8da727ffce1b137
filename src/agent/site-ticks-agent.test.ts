// Issue 12 on the page side in Node: the growth.c fixture (e2e/site/wasm),
// the real rewriter and tracker, the agent's site samples and its Peak answer
// decoded as the panel would.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { PageAgent } from './page-agent';
import { instrument } from '../wasm';
import { decodeF64, decodeU32, parsePageMsg, SSR, SR, HSR, HEAP_SOURCE, BR, type PageToPanel } from '../protocol';
import { fixture as wasm } from '../test-support/fixtures';
import { freshWebAssembly } from '../test-support/page-messages';

type Exports = Record<string, (...a: number[]) => number>;

let wa: typeof WebAssembly;
let agent: PageAgent;
let sent: PageToPanel[];
let clock = 1_000_000;

beforeEach(() => {
  wa = freshWebAssembly();
  sent = [];
  agent = new PageAgent(wa, {
    post: (m) => sent.push(parsePageMsg(JSON.parse(JSON.stringify(m)))),
    now: () => clock,
    url: 'test://page',
    instrument,
    setTimer: () => 0,
  });
});
afterEach(() => agent.hooks.uninstall());

/** Site sample rows of every batch so far: [time, site, bytes]. */
function siteRows(): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const m of sent) {
    if (m.t !== 'batch' || !m.siteSamples) continue;
    const r = decodeF64(m.siteSamples);
    for (let i = 0; i < r.length; i += SSR.width) out.push([r[i + SSR.time] - 1_000_000, r[i + SSR.site], r[i + SSR.liveBytes]]);
  }
  return out;
}
/** The name of the first frame of a site id. */
function siteName(id: number): string {
  for (const m of sent) if (m.t === 'batch') for (const s of m.sites) if (s.id === id) return s.frames[0]?.name ?? '';
  return '';
}

describe('page agent: live bytes by site and the peak (growth.c)', () => {
  it('sends only the sites that changed at each tick, and Peak lists the spike though it was freed', async () => {
    const { instance } = (await wa.instantiate(wasm('growth-wasi-O2.wasm'), {})) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    const e = instance.exports as unknown as Exports;
    e._initialize();
    const tick = () => {
      clock += 500;
      agent.flush();
    };
    e.churn(32);
    tick(); // B: 32 × 256
    e.grow_cache(4);
    e.churn(32);
    tick(); // A: 4 KiB; B unchanged (not sent)
    e.spike_start();
    tick(); // C: 80 × 64 KiB
    e.spike_end();
    e.grow_cache(4);
    tick(); // C freed, A 8 KiB
    tick(); // nothing moved: no rows
    const named = siteRows().map(([t, site, bytes]) => [t, siteName(site), bytes]);
    expect(named).toEqual([
      [500, 'churn_step', 8192],
      [1000, 'cache_add', 4096],
      [1500, 'spike_alloc', 5_242_880],
      [2000, 'cache_add', 8192],
      [2000, 'spike_alloc', 0],
    ]);

    agent.handle({ t: 'peak', req: 7 });
    const [peak] = sent.filter((m) => m.t === 'range');
    if (peak?.t !== 'range') throw new Error('no peak reply');
    expect(peak).toMatchObject({
      req: 7,
      peak: true,
      from: 1_001_500,
      to: 1_001_500,
      count: 116,
      bytes: 5_242_880 + 4096 + 8192,
      truncated: false,
    });
    expect(peak.groups.map((g) => [siteName(g.site), g.newCount, g.newBytes])).toEqual([
      ['spike_alloc', 80, 5_242_880],
      ['churn_step', 32, 8192],
      ['cache_add', 4, 4096],
    ]);
    const blocks = decodeU32(peak.blocks);
    expect(blocks.length / BR.width).toBe(116);

    // Any instant: the blocks live at the last tick at or before it, freed since or not.
    let req = 100;
    const at = (time: number) => {
      agent.handle({ t: 'at', req: ++req, time: 1_000_000 + time });
      const [m] = sent.filter((x) => x.t === 'range' && x.req === req);
      if (m?.t !== 'range') throw new Error('no reply');
      return [m.from - 1_000_000, m.instant, m.complete, m.count, m.bytes, m.groups.map((g) => [siteName(g.site), g.newCount])];
    };
    expect(at(1700)).toEqual([
      1500,
      true,
      true,
      116,
      5_255_168,
      [
        ['spike_alloc', 80],
        ['churn_step', 32],
        ['cache_add', 4],
      ],
    ]);
    expect(at(2000)).toEqual([
      2000,
      true,
      true,
      40,
      16_384,
      [
        ['churn_step', 32],
        ['cache_add', 8],
      ],
    ]);
    expect(at(700)).toEqual([500, true, true, 32, 8192, [['churn_step', 32]]]);
    expect(at(100)[3]).toBe(0);
  });
});

/** Heap sample rows of every batch so far: [time, base, top, source]. */
function heapRows(): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (const m of sent) {
    if (m.t !== 'batch' || !m.heapSamples) continue;
    const r = decodeF64(m.heapSamples);
    for (let i = 0; i < r.length; i += HSR.width) out.push([r[i + HSR.time], r[i + HSR.base], r[i + HSR.top], r[i + HSR.source]]);
  }
  return out;
}
/** The last batch's sample row: [memoryBytes, liveCount, liveBytes]. */
function lastSample(): [number, number, number] {
  const m = [...sent].reverse().find((x) => x.t === 'batch' && x.samples !== '');
  if (m?.t !== 'batch') throw new Error('no samples');
  const r = decodeF64(m.samples);
  return [r[SR.memoryBytes], r[SR.liveCount], r[SR.liveBytes]];
}

describe('page agent: the live heap extent (growth.c, fragmentation on purpose)', () => {
  it('1,000 × 1 KiB then every other one freed: 512,000 B live, 528,000 B free between them, the extent unchanged', async () => {
    const { instance } = (await wa.instantiate(wasm('growth-wasi-O2.wasm'), {})) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    const e = instance.exports as unknown as Exports;
    e._initialize();
    const heapBase = (instance.exports.__heap_base as WebAssembly.Global).value as number;
    const t0 = clock;
    const tick = () => {
      clock += 500;
      agent.flush();
    };
    e.frag_fill();
    tick();
    expect(lastSample()).toEqual([1_114_112, 1000, 1_024_000]);
    e.frag_free_every_other();
    tick();
    expect(lastSample()).toEqual([1_114_112, 500, 512_000]);
    e.frag_free_all();
    tick();
    tick(); // nothing moved: no row
    // wasi-libc's dlmalloc: 16-byte aligned chunks of 1,040 B per 1 KiB block, the first at __heap_base.
    expect(heapBase).toBe(71_536);
    expect(heapRows().map(([t, ...r]) => [t - t0, ...r])).toEqual([
      [500, 71_536, 71_536 + 1000 * 1040, HEAP_SOURCE.heapBase],
      // Every other block freed: the highest (block 999) is still live, so the extent holds (no row); the panel's
      // breakdown at that sample is below 71,536 · live 512,000 · between 1,111,536 − 71,536 − 512,000 = 528,000
      // (500 free chunks of 1,040 B and 500 live blocks' 16 B headers) · never reached 1,114,112 − 1,111,536 = 2,576.
      [1500, 71_536, 0, HEAP_SOURCE.heapBase],
    ]);
  });

  it('a module without __heap_base (malloc-only.wat, a bump allocator from 1024): the heap starts at its lowest live block', async () => {
    const { instance } = (await wa.instantiate(wasm('malloc-only.wasm'), {})) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    const keep = instance.exports.keep as (n: number) => number;
    const t0 = clock;
    expect([keep(100), keep(100)]).toEqual([1024, 1128]);
    clock += 500;
    agent.flush();
    expect(lastSample()).toEqual([131_072, 2, 200]);
    // Between: the 4 bytes of alignment after the first block; above: the rest of the 2 pages.
    expect(heapRows().map(([t, ...r]) => [t - t0, ...r])).toEqual([[500, 1024, 1228, HEAP_SOURCE.blocks]]);
  });
});
