// A context's end of snapshots across contexts: it records each snapshot
// under the panel's cut number, says it in its answer, and compares only the
// cuts a diff names (a snapshot it missed is refused, never another instant).
import { describe, expect, it } from 'vitest';
import type { PageToPanel } from '../protocol';
import { fixture as wasm } from '../test-support/fixtures';
import { TestPage } from '../test-support/test-page';

type Exports = Record<string, (...a: number[]) => number>;

async function seedPage() {
  const { wa, agent, sent } = new TestPage('test://page', {});
  const { instance } = (await wa.instantiate(wasm('leak-wasi-O0.wasm'), {})) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
  const e = instance.exports as unknown as Exports;
  e._initialize();
  const reply = <T extends PageToPanel['t']>(t: T) => sent.filter((m) => m.t === t) as Extract<PageToPanel, { t: T }>[];
  return { agent, e, reply };
}

describe('snapshots by cut number', () => {
  it('answers with the cut; a diff naming the cuts it has compares them, one naming a cut it missed is refused', async () => {
    const { agent, e, reply } = await seedPage();
    agent.handle({ t: 'snapshot', req: 1, name: 'A', cut: 4 });
    e.simulate_memory_leak();
    agent.handle({ t: 'snapshot', req: 2, name: 'B', cut: 5 });
    expect(reply('snapshot').map((s) => [s.name, s.cut, s.modules[0]?.liveCount])).toEqual([
      ['A', 4, 0],
      ['B', 5, 100],
    ]);
    agent.handle({ t: 'diff', req: 3, from: 'A', to: 'B', final: null, cuts: { from: 4, to: 5, final: null } });
    expect(reply('diff').map((d) => [d.req, d.newCount, d.newBytes])).toEqual([[3, 100, 102_400]]);
    // The panel asked B #6, which never reached this context: it says so rather than compare its B #5.
    agent.handle({ t: 'diff', req: 4, from: 'A', to: 'B', final: null, cuts: { from: 4, to: 6, final: null } });
    expect(reply('fail').map((f) => [f.req, f.message])).toEqual([[4, 'Snapshot B #6 was not taken in this context (it has #5)']]);
    // From cut 0: the context was not running at A, so everything live at B is new (leaked twice now: 200 blocks at B #7).
    e.simulate_memory_leak();
    agent.handle({ t: 'snapshot', req: 5, name: 'B', cut: 7 });
    agent.handle({ t: 'diff', req: 6, from: 'A', to: 'B', final: null, cuts: { from: 0, to: 7, final: null } });
    expect(reply('diff').map((d) => [d.req, d.newCount, d.newBytes])).toEqual([
      [3, 100, 102_400],
      [6, 200, 204_800],
    ]);
    // Without cuts (the CLI, Node): as before.
    agent.handle({ t: 'diff', req: 7, from: 'A', to: 'B', final: null });
    expect(reply('diff').at(-1)?.newCount).toBe(200);
  });
});
