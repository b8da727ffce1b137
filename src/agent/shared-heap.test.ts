// A module on a shared memory through the real hooks in Node: the rewriter
// keeps it on the call path and reports a realloc before it runs; the page
// orders its events through the heap's log (thread-heaps.ts), drained before
// a snapshot reads the tracker.
import { describe, expect, it } from 'vitest';
import { TestPage } from '../test-support/test-page';
import { fixture } from '../test-support/fixtures';
import { instrument } from '../wasm';
import { Tracker } from '../tracker';
import { EV } from './types';
import { ThreadLink } from './shared-heap';
import { SiteTable } from './site-table';

describe('a module on a shared memory', () => {
  it('stays on the call path, and each realloc is reported before it runs (EV.reallocBegin) and after', () => {
    const out = instrument(fixture('shared-realloc.wasm'), { eventPath: 'table' });
    expect(out.shared).toBe(true);
    expect(out.table).toBeNull();
    // work's call sites and the exports' own (JS calls)
    expect(out.sites.map((s) => s.role).sort()).toEqual(['free', 'free', 'malloc', 'malloc', 'realloc', 'realloc']);
  });

  it('work(10): 10 mallocs, 10 reallocs that move, 9 frees: 1 block of 32 B left, no misuse, through the log', async () => {
    const page = new TestPage('test://threads/');
    const memory = new page.wa.Memory({ initial: 1, maximum: 16, shared: true });
    const r = (await page.wa.instantiate(fixture('shared-realloc.wasm'), {
      env: { memory },
    })) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    const work = r.instance.exports.work as (n: number) => number;
    const rec = page.agent.hooks.records[0];
    expect(rec.thread?.thread).toBe(0);
    expect(rec.threadLabel).toBe('thread 0');
    // What the instance reports, in order: each realloc is announced before it runs.
    const link = rec.thread!;
    const kinds: number[] = [];
    const event = link.event.bind(link);
    link.event = (kind, a, b, c, site) => {
      kinds.push(kind);
      event(kind, a, b, c, site);
    };
    const d = page.compare(() => work(10));
    expect(kinds.slice(0, 4)).toEqual([EV.malloc, EV.reallocBegin, EV.realloc, EV.free]);
    expect(kinds.filter((k) => k === EV.reallocBegin)).toHaveLength(10);
    expect([d.newCount, d.newBytes]).toEqual([1, 32]);
    const t = rec.tracker as Tracker;
    expect(t.errors).toEqual([]);
    expect([t.totalAllocs, t.totalFrees, t.reallocs, t.liveCount, t.liveBytes]).toEqual([20, 19, 10, 1, 32]);
    // Every new block's site names the thread that allocated it.
    expect(page.newBlocks(d).map((b) => b.site.thread)).toEqual(['thread 0']);
  });

  it('events another thread could not log (the ring stayed full) are counted and said in an error, once', async () => {
    const page = new TestPage('test://threads/');
    const memory = new page.wa.Memory({ initial: 1, maximum: 16, shared: true });
    await page.wa.instantiate(fixture('shared-realloc.wasm'), { env: { memory } });
    const log = page.agent.hooks.records[0].thread!.log;
    // A writer that may not wait, and nobody draining: 2^19 records fit, 5 more are lost.
    const other = new ThreadLink(log, log.join(), new SiteTable(10), () => Date.now(), false);
    for (let i = 0; i < (1 << 19) + 5; i++) other.event(EV.malloc, 0x10000 + i * 16, 8, 0, 0);
    expect(log.lost).toBe(5);
    page.agent.flush();
    page.agent.flush();
    const said = page.reply('batch').flatMap((b) => b.errors.map((e) => e.message));
    expect(said).toEqual([
      "5 allocation events of other threads were lost (5 in all): the shared log stayed full while this page did not drain it (its main thread was busy); this heap's figures are approximate from here",
    ]);
    expect((page.agent.hooks.records[0].tracker as Tracker).liveCount).toBe(1 << 19);
  });

  it('Tracker: a block moved by a realloc on one thread while another thread is given its old address', () => {
    const t = new Tracker({ clock: () => 0 });
    t.malloc(0x100, 16, 1);
    t.reallocBegin(0x100); // thread 1: realloc(0x100, 64) starts, moves, frees 0x100
    t.malloc(0x100, 16, 2); // thread 2 gets 0x100 before thread 1's realloc returns
    t.realloc(0x200, 0x100, 64, 1); // thread 1's realloc returns 0x200
    expect(t.errors).toEqual([]);
    expect([t.liveCount, t.liveBytes, t.totalAllocs, t.totalFrees, t.reallocs]).toEqual([2, 80, 3, 1, 1]);
    const s = t.snapshot();
    expect(Array.from(s.ptr).sort()).toEqual([0x100, 0x200]);
    // Without the report before the realloc, the same order is misread.
    const u = new Tracker({ clock: () => 0 });
    u.malloc(0x100, 16, 1);
    u.malloc(0x100, 16, 2);
    u.realloc(0x200, 0x100, 64, 1);
    expect(u.errors.map((e) => e.kind)).toEqual(['alloc-over-live']);
    // A realloc that stays in place, or fails, puts the block back.
    const v = new Tracker({ clock: () => 0 });
    v.malloc(0x100, 16, 1);
    v.reallocBegin(0x100);
    v.realloc(0, 0x100, 1 << 30, 1);
    v.reallocBegin(0x100);
    v.realloc(0x100, 0x100, 24, 1);
    expect(v.errors).toEqual([]);
    expect([v.liveCount, v.liveBytes, v.failures]).toEqual([1, 24, 1]);
    expect(EV.reallocBegin).toBe(12);
  });
});
