// A leak finder must not leak (issue "never break the page"): instances the
// page drops are released with everything the hooks attached to them.
import { describe, it, expect } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fixture } from '../test-support/fixtures';
import { TestPage } from '../test-support/test-page';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const turn = () => new Promise((r) => setTimeout(r, 0));

describe('never break: instances are held weakly', () => {
  it('3,000 instances created, used and dropped: all succeed, the agent keeps none of them, the heap returns to its baseline', async () => {
    const { wa, agent, sent } = new TestPage('test://gc');
    const module = new wa.Module(fixture('leak-wasi-O2.wasm'));
    const heap = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    let ok = 0;
    const round = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const x = new wa.Instance(module, {}).exports as Record<string, (...a: number[]) => number>;
        x._initialize();
        x.process_data(4096); // a block the tracker holds until the instance goes
        ok++;
      }
      agent.flush();
      await turn();
    };
    await round(500); // warm-up: the agent's own tables reach their working size
    await turn();
    const baseline = heap();
    for (let r = 0; r < 5; r++) await round(500);
    await turn();
    gc();
    await turn();
    agent.flush();
    expect(ok).toBe(3000);
    expect(agent.records.length).toBeLessThan(10);
    const released = sent.filter((m) => m.t === 'module' && m.reason.includes('released by the page'));
    expect(released.length).toBeGreaterThan(2990);
    // 2,500 instances of 2 × 64 KiB pages each would be ≥ 320 MB if kept.
    expect(heap() - baseline).toBeLessThan(24 * 1024 * 1024);
  }, 120_000);
});

describe('never break: modules compiled here instantiate anywhere', () => {
  for (const how of ['new Module', 'compile', 'instantiate'] as const) {
    it(`${how}: the page gets the original module; a realm without the hook (a worker) instantiates it natively, this realm tracks it`, async () => {
      const { wa, agent } = new TestPage('test://realm');
      const bytes = fixture('leak-wasi-O2.wasm');
      const module =
        how === 'new Module'
          ? new wa.Module(bytes)
          : how === 'compile'
            ? await wa.compile(bytes)
            : (await wa.instantiate(bytes, {})).module;
      // Another realm's WebAssembly (no hook): the rewritten module would need our import there.
      expect(WebAssembly.Module.imports(module)).toEqual(WebAssembly.Module.imports(new WebAssembly.Module(bytes)));
      const there = new WebAssembly.Instance(module, {}).exports as Record<string, (...a: number[]) => number>;
      there._initialize();
      expect(there.process_data(64)).toBeTypeOf('undefined');
      // This realm: instrumented.
      const here = new wa.Instance(module, {}).exports as Record<string, (...a: number[]) => number>;
      here._initialize();
      here.process_data(64);
      const recs = agent.records;
      expect(recs.map((r) => r.instrumented)).toEqual(how === 'instantiate' ? [true, true] : [true]);
      expect(recs[recs.length - 1].tracker.liveBytes).toBeGreaterThanOrEqual(64);
    });
  }
});
