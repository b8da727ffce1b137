// The page side end to end in Node: real modules built from C, the real
// rewriter and tracker, the agent's messages decoded as the panel would.
import { describe, it, expect, beforeEach } from 'vitest';
import type { AgentOptions, PageAgent } from './page-agent';
import { instrument } from '../wasm';
import { base64ToBytes, type PageToPanel, type DiffMsg, type SiteMsg, type SampleValues } from '../protocol';
import { fixture as wasm } from '../test-support/fixtures';
import { lastSample as lastSampleIn, blockList } from '../test-support/page-messages';
import { TestPage } from '../test-support/test-page';

type Exports = Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };

let wa: typeof WebAssembly;
let agent: PageAgent;
let sent: PageToPanel[];

/** A fresh page for the test (its agent is uninstalled when the test ends). */
function openPage(options: Partial<AgentOptions> = {}): void {
  ({ wa, agent, sent } = new TestPage('test://page', options));
}
beforeEach(() => openPage());

function lastSample(): SampleValues {
  agent.flush();
  return lastSampleIn(sent);
}
const sites = (): SiteMsg[] => sent.flatMap((m) => (m.t === 'batch' ? m.sites : []));
const reply = <T extends PageToPanel['t']>(t: T) => sent.filter((m) => m.t === t) as Extract<PageToPanel, { t: T }>[];

async function loadWasi(name: string): Promise<Exports> {
  const { instance } = (await wa.instantiate(wasm(name), {})) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
  const e = instance.exports as unknown as Exports;
  e._initialize();
  return e;
}

describe('page agent on the seed program', () => {
  it('reports the module as instrumented, with its allocators', async () => {
    await loadWasi('leak-wasi-O0.wasm');
    const mod = reply('module')[0];
    expect(mod.instrumented).toBe(true);
    expect(mod.allocators.map((a) => a.name)).toContain('malloc');
    expect(mod.wrappedExports).toEqual(['malloc', 'free', 'calloc', 'realloc', 'aligned_alloc', 'posix_memalign']);
  });

  for (const build of ['leak-wasi-O0.wasm', 'leak-wasi-O2.wasm']) {
    it(`${build}: simulate_memory_leak() → 100 live blocks, 102,400 bytes, A→B lists exactly them`, async () => {
      const e = await loadWasi(build);
      agent.handle({ t: 'snapshot', req: 1, name: 'A' });
      e.simulate_memory_leak();
      expect(lastSample()).toMatchObject({ liveCount: 100, liveBytes: 102_400 });
      agent.handle({ t: 'snapshot', req: 2, name: 'B' });
      agent.handle({ t: 'diff', req: 3, from: 'A', to: 'B', final: null });
      const d: DiffMsg = reply('diff')[0];
      expect([d.newCount, d.newBytes, d.freedCount]).toEqual([100, 102_400, 0]);
      expect(d.groups).toHaveLength(1);
      expect([d.groups[0].newCount, d.groups[0].newBytes]).toEqual([100, 102_400]);
      const blocks = blockList(d);
      expect(blocks).toHaveLength(100);
      for (const b of blocks) expect(b.size).toBe(1024);
      const site = sites().find((s) => s.id === d.groups[0].site)!;
      // DWARF gives the source line; at -O2 process_data is inlined into
      // simulate_memory_leak and shows as its own frame at the same offset.
      expect(site.frames.slice(0, 2).map((f) => [f.name, f.file.split('/').pop(), f.line])).toEqual([
        ['process_data', 'leak.c', 19],
        ['simulate_memory_leak', 'leak.c', 27],
      ]);
      // The bytes process_data wrote: i % 256.
      agent.handle({ t: 'read', req: 4, module: d.module, ptr: blocks[0].ptr, len: 16 });
      expect(Array.from(base64ToBytes(reply('bytes')[0].data))).toEqual([...Array(16).keys()]);
    });
  }

  it("a double free inside wasm is reported with both frees' sites (frees are reported before they run)", async () => {
    const e = await loadWasi('leak-wasi-O0.wasm');
    const p = e.do_calloc(4, 8);
    e.do_free(p);
    let trapped = '';
    try {
      e.do_free(p);
    } catch (error) {
      trapped = (error as Error).constructor.name;
    }
    agent.flush();
    const errors = sent.flatMap((m) => (m.t === 'batch' ? m.errors : []));
    expect(errors.map((x) => [x.kind, x.ptr])).toEqual([['double-free', p >>> 0]]);
    // Both frees are the same call site in do_free; the error names it.
    const site = sites().find((s) => s.id === errors[0].site)!;
    expect(site.frames[0].name).toBe('do_free');
    expect(errors[0].otherSite).toBe(errors[0].site);
    // What the allocator did with it is the page's own behaviour, unchanged.
    // wasi-libc's dlmalloc lets this one pass silently (its heap is now
    // corrupt); where an allocator traps instead, the free was already reported.
    expect(trapped).toBe('');
  });

  it('process_data_fixed leaves nothing alive; JS malloc/free through exports are counted', async () => {
    const e = await loadWasi('leak-wasi-O0.wasm');
    e.process_data_fixed(4096);
    expect(lastSample()).toMatchObject({ liveCount: 0, liveBytes: 0, allocs: 1, frees: 1 });
    const ptrs = Array.from({ length: 100 }, () => e.malloc(1024));
    expect(lastSample()).toMatchObject({ liveCount: 100, liveBytes: 102_400 });
    for (const p of ptrs) e.free(p);
    expect(lastSample()).toMatchObject({ liveCount: 0, liveBytes: 0 });
  });

  it('whole stacks by default: one malloc call site reached from two callers splits into two stacks, each its own', async () => {
    const e = await loadWasi('leak-wasi-O0.wasm');
    const groupsAfter = (req: number, act: () => void) => {
      agent.handle({ t: 'snapshot', req, name: 'A' });
      act();
      agent.handle({ t: 'snapshot', req: req + 1, name: 'B' });
      agent.handle({ t: 'diff', req: req + 2, from: 'A', to: 'B', final: null });
      const d = reply('diff').find((m) => m.req === req + 2)!;
      return d.groups.map((g) => [
        g.newCount,
        sites()
          .find((s) => s.id === g.site)!
          .frames.slice(0, 2)
          .map((f) => f.name),
      ]);
    };
    const both = () => {
      e.simulate_memory_leak();
      for (let i = 0; i < 3; i++) e.process_data(1024);
    };
    // process_data's malloc, reached from simulate_memory_leak (×100) and from JS (×3).
    const site = groupsAfter(10, both);
    expect(site).toHaveLength(2);
    expect(site[0]).toEqual([100, ['process_data', 'simulate_memory_leak']]);
    expect(site[1][0]).toBe(3);
    expect((site[1][1] as string[])[0]).toBe('process_data');
    expect((site[1][1] as string[])[1]).not.toBe('simulate_memory_leak'); // the JS caller
    // Full stacks (a V8 capture per allocation) give the same split (the JS
    // frames differ from the first round's: round one's groups stay, with 0 new).
    agent.handle({ t: 'stacks', full: true });
    const full = groupsAfter(20, both).filter((g) => g[0] !== 0);
    expect(full.map((g) => g[0])).toEqual([100, 3]);
    expect(full[0][1]).toEqual(['process_data', 'simulate_memory_leak']);
  });

  for (const build of ['leak-wasi-O0.wasm', 'leak-wasi-O2.wasm'])
    it(`${build}: leak kinds: a dropped list is 1 definitely + 9 indirectly lost; a kept one is reachable`, async () => {
      // At -O0 the dropped head pointer stays in make_list's dead stack frame.
      const e = await loadWasi(build);
      agent.handle({ t: 'snapshot', req: 1, name: 'A' });
      e.make_list(10, 0);
      e.make_list(5, 1);
      agent.handle({ t: 'snapshot', req: 2, name: 'B' });
      agent.handle({ t: 'diff', req: 3, from: 'A', to: 'B', final: null });
      agent.handle({ t: 'leaks', req: 4 });
      const leaks = reply('leaks')[0];
      // counts in LEAK_KIND_NAMES order: reachable, possibly, indirectly, definitely lost.
      expect(leaks.counts).toEqual([5, 0, 9, 1]);
      expect(leaks.bytes).toEqual([5 * 32, 0, 9 * 32, 32]);
    });

  it('a time range returns the blocks alive now that were allocated in it', async () => {
    let now = 1_000_000;
    agent.hooks.uninstall();
    openPage({ now: () => now });
    const e = await loadWasi('leak-wasi-O0.wasm');
    // The tracker's clock advances at timer ticks (flush), not per event.
    const tick = () => {
      now += 1000;
      agent.flush();
    };
    tick();
    e.process_data(100);
    tick();
    e.process_data(200);
    e.process_data(300);
    tick();
    e.process_data(400);
    agent.handle({ t: 'range', req: 1, from: 1_001_500, to: 1_002_500 });
    const r = reply('range')[0];
    expect([r.count, r.bytes]).toEqual([2, 500]);
  });

  it('memory.grow from JS and inside wasm shows in the samples', async () => {
    const e = await loadWasi('leak-wasi-O0.wasm');
    const before = lastSample().memoryBytes;
    e.memory.grow(1);
    expect(lastSample().memoryBytes).toBe(before + 65536);
    e.grow_memory(2);
    expect(lastSample().memoryBytes).toBe(before + 3 * 65536);
  });
});

describe("hooks keep the page's behaviour", () => {
  for (const [what, broken] of [
    [
      'the rewriter throws',
      () => {
        throw new Error('unknown opcode 0xff');
      },
    ],
    ['the rewritten bytes do not compile', (b: Uint8Array) => ({ ...instrument(b), bytes: b.slice(0, 40) })],
  ] as const) {
    it(`when ${what}, the original module runs and the panel is told why`, async () => {
      agent.hooks.uninstall();
      openPage({ instrument: broken as never });
      for (const make of [
        async () =>
          ((await wa.instantiate(wasm('leak-wasi-O0.wasm'), {})) as unknown as WebAssembly.WebAssemblyInstantiatedSource).instance,
        async () => new wa.Instance(new wa.Module(wasm('leak-wasi-O0.wasm')), {}),
      ]) {
        const e = (await make()).exports as unknown as Exports;
        e._initialize();
        e.process_data(64);
        expect(e.checksum_last(64)).toBe(Array.from({ length: 64 }, (_, i) => i).reduce((s, b) => (s * 31 + b) | 0, 0));
      }
      const mods = reply('module');
      expect(mods.map((m) => m.instrumented)).toEqual([false, false]);
      expect(mods[0].reason).toMatch(
        what.includes('throws')
          ? /rewriter refused it: Error: unknown opcode 0xff/
          : /instrumented module failed, original used: CompileError/,
      );
    });
  }

  it('results are identical with and without instrumentation', async () => {
    const e = await loadWasi('leak-wasi-O2.wasm');
    const plain = (await WebAssembly.instantiate(wasm('leak-wasi-O2.wasm'), {})).instance.exports as unknown as Exports;
    plain._initialize();
    for (const x of [e, plain]) x.process_data(777);
    expect(e.checksum_last(777)).toBe(plain.checksum_last(777));
    expect(e.tree_workload(8, 2)).toBe(plain.tree_workload(8, 2));
    expect(e.pairs_workload(10_000)).toBe(plain.pairs_workload(10_000));
  });

  it('sync Module/Instance keep instanceof and hide the hook import and exports', () => {
    const m = new wa.Module(wasm('leak-wasi-O0.wasm'));
    expect(m).toBeInstanceOf(WebAssembly.Module);
    expect(m instanceof wa.Module).toBe(true);
    expect(wa.Module.imports(m)).toEqual([]);
    expect(wa.Module.exports(m).some((d) => d.name.startsWith('__wasm_leaks'))).toBe(false);
    const inst = new wa.Instance(m, {});
    expect(inst).toBeInstanceOf(WebAssembly.Instance);
    expect(Object.keys(inst.exports).some((k) => k.startsWith('__wasm_leaks'))).toBe(false);
    (inst.exports as unknown as Exports)._initialize();
    (inst.exports as unknown as Exports).simulate_memory_leak();
    expect(lastSample()).toMatchObject({ liveCount: 100, liveBytes: 102_400 });
  });

  it('errors keep their types: CompileError for garbage, LinkError for missing imports, TypeError for a bad source', async () => {
    await expect(wa.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]))).rejects.toBeInstanceOf(WebAssembly.CompileError);
    expect(() => new wa.Module(new Uint8Array([1, 2, 3]))).toThrow(WebAssembly.CompileError);
    const emcc = wasm('leak-emcc-O2.wasm');
    await expect(wa.instantiate(emcc, {})).rejects.toBeInstanceOf(TypeError); // env is missing: a TypeError in V8
    await expect(wa.instantiate(emcc, { env: {} })).rejects.toBeInstanceOf(WebAssembly.LinkError);
    await expect(wa.instantiate('nope' as unknown as BufferSource)).rejects.toBeInstanceOf(TypeError);
  });

  it('instantiateStreaming reads a Response and names the module by its URL', async () => {
    const response = new Response(wasm('leak-wasi-O0.wasm'), { headers: { 'content-type': 'application/wasm' } });
    const { instance } = await wa.instantiateStreaming(response, {});
    (instance.exports as unknown as Exports)._initialize();
    (instance.exports as unknown as Exports).simulate_memory_leak();
    expect(lastSample()).toMatchObject({ liveCount: 100, liveBytes: 102_400 });
    const wrongType = new Response(wasm('leak-wasi-O0.wasm'), { headers: { 'content-type': 'text/plain' } });
    await expect(wa.instantiateStreaming(wrongType, {})).rejects.toBeInstanceOf(TypeError);
  });
});
