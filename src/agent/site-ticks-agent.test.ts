// Issue 12 on the page side in Node: the growth.c fixture (e2e/site/wasm),
// the real rewriter and tracker, the agent's site samples and its Peak answer
// decoded as the panel would.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { PageAgent } from './page-agent';
import { instrument } from '../wasm';
import { decodeF64, decodeU32, parsePageMsg, SSR, BR, type PageToPanel } from '../protocol';
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
