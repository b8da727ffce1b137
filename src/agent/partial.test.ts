// Never half-hook: a module whose malloc is found but not its free is
// instrumented as "partial: frees unseen". The panel is told so (the module
// message keeps instrumented = true, with the reason), allocations are still
// counted, and no misuse is reported: each reuse of a block freed unseen
// would otherwise be a false alloc-over-live.
import { describe, it, expect } from 'vitest';
import { instrument } from '../wasm';
import type { PageToPanel } from '../protocol';
import { fixture } from '../test-support/fixtures';
import { TestPage } from '../test-support/test-page';
import type { Tracker } from '../tracker';

describe('partial module (malloc found, free unseen): e2e/fixtures/src/malloc-only.wat', () => {
  it('the rewriter says partial and why', () => {
    const r = instrument(fixture('malloc-only.wasm'));
    expect(r.allocators.map((a) => [a.role, a.name, a.foundBy])).toEqual([['malloc', 'malloc', 'export']]);
    expect(r.reason).toBeUndefined();
    expect(r.partial).toMatch(/^partial: frees unseen \(malloc found, no matching free\)/);
  });

  it('the page counts allocations, reports the module as partial, and reports no error', async () => {
    const { wa, agent, sent } = new TestPage('test://partial');
    const { instance } = await wa.instantiate(fixture('malloc-only.wasm'));
    const x = instance.exports as { use_and_drop(n: number): void; keep(n: number): number };
    for (let i = 0; i < 10; i++) x.use_and_drop(100);
    x.keep(40);
    agent.flush();
    const mods = sent.filter((m) => m.t === 'module');
    expect(mods).toHaveLength(1);
    const mod = mods[0];
    expect(mod.t === 'module' && [mod.instrumented, mod.reason.slice(0, 21)]).toEqual([true, 'partial: frees unseen']);
    const t = agent.records[0].tracker as Tracker;
    // 11 allocations at one address: the 10 reuses count as the unseen frees
    // they imply (the sums stay true); live = 1 block, the last one.
    expect([t.totalAllocs, t.totalFrees, t.liveCount, t.liveBytes]).toEqual([11, 10, 1, 40]);
    expect(t.errors).toEqual([]);
    expect(t.errorsMuted).toBe(10);
    expect(sent.flatMap((m) => (m.t === 'batch' ? m.errors : []))).toEqual([]);
  });

  it('a complete module still reports misuse', () => {
    const r = instrument(fixture('leak-wasi-O2.wasm'));
    expect(r.partial).toBeUndefined();
  });
});

describe('discovery contradicted at runtime reaches the panel', () => {
  it('a tracker on probation that loses trust: the module message is sent again, once, with why', async () => {
    const { wa, agent, sent } = new TestPage('test://distrust');
    await wa.instantiate(fixture('leak-wasi-O2.wasm'));
    const t = agent.records[0].tracker as Tracker;
    // What a wrong heuristic discovery looks like: frees of blocks never seen allocated.
    t.probation = true;
    for (let i = 0; i < 8; i++) t.free(0x10000 + 16 * i, 0);
    agent.flush();
    agent.flush();
    const mods = sent.filter((m): m is Extract<PageToPanel, { t: 'module' }> => m.t === 'module');
    expect(mods).toHaveLength(2);
    expect(mods[1].instrumented).toBe(true);
    expect(mods[1].reason).toMatch(/^allocator discovery contradicted at runtime: 8 misuse reports \(invalid-free\)/);
  });
});
