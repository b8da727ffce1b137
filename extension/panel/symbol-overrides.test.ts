// "Load symbols…" (issue 9 item 4) in the panel's model, on a real release
// module: the seed leak built by emcc -O3 without -g (no name section, export
// names minified to one letter) runs under a PageAgent in Node; its messages
// go to a Store; the emitted symbol map is loaded for the module.
import { afterEach, describe, expect, it } from 'vitest';
import { PageAgent } from '../../src/agent/page-agent';
import { freshWebAssembly } from '../../src/test-support/page-messages';
import { fixture, fixtureText } from '../../src/test-support/fixtures';
import { instrument } from '../../src/wasm';
import { parsePageMsg, type PageToPanel } from '../../src/protocol';
import { Store } from './store';
import { MAX_KEPT, evictions, memorySymbolStorage, symbolKey } from './symbol-overrides';

type Exports = Record<string, (...a: number[]) => number>;
const agents: PageAgent[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) a.hooks.uninstall();
});

/** Runs `file` under a page agent, calls `act` on its exports, returns the store that received everything. */
async function record(file: string, act: (x: Exports) => void): Promise<Store> {
  const wa = freshWebAssembly();
  const store = new Store();
  const agent = new PageAgent(wa, {
    post: (m: PageToPanel) => store.receive({ frame: 0, msg: parsePageMsg(JSON.parse(JSON.stringify(m))) }),
    now: () => Date.now(),
    setTimer: () => 0,
    instrument,
    url: 'https://example.test/',
  });
  agents.push(agent);
  const bytes = fixture(file);
  const imports: Record<string, Record<string, () => number>> = {};
  for (const imp of WebAssembly.Module.imports(new WebAssembly.Module(bytes)))
    if (imp.kind === 'function') (imports[imp.module] ??= {})[imp.name] = () => 0;
  const { instance } = (await wa.instantiate(bytes, imports)) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
  const x = instance.exports as unknown as Exports;
  act(x);
  agent.flush();
  return store;
}

/** Each stack of the module as "name@func:offset" of its wasm frames, innermost first. */
function stacks(store: Store): string[][] {
  return [...store.sites.values()].map((s) =>
    s.frames.filter((f) => f.func >= 0).map((f) => `${f.name}@${f.func}:0x${f.offset.toString(16)}`),
  );
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('a symbol map loaded for a stripped module', () => {
  // -O3: simulate_memory_leak (func 11, export "g") calls malloc itself (process_data inlined);
  // process_data (func 13, export "e") called from JS is its own stack.
  const act = (x: Exports) => {
    x.g(); // simulate_memory_leak: 100 × 1,024 B
    for (let i = 0; i < 3; i++) x.e(512); // process_data(512)
  };

  it('names every frame already recorded, and the stacks that arrive later', async () => {
    const store = await record('leak-emcc-O3-stripped.wasm', act);
    const [key] = store.modules.keys();
    const m = store.modules.get(key)!;
    expect(m.instrumented).toBe(true);
    expect([m.liveCount, m.liveBytes]).toEqual([103, 103_936]);
    expect(stacks(store)).toEqual([['g@11:0x2669'], ['e@13:0x2809']]);
    const status = store.loadSymbols(key, 'leak-emcc-O3-stripped.js.symbols', enc(fixtureText('leak-emcc-O3-stripped.js.symbols')));
    expect(status).toEqual({
      fileName: 'leak-emcc-O3-stripped.js.symbols',
      ok: true,
      message: '24 function names; matched by function count only (a symbol map carries no hash)',
      kind: 'symbol-map',
      remembered: false,
    });
    expect(stacks(store)).toEqual([['simulate_memory_leak@11:0x2669'], ['process_data@13:0x2809']]);
    expect(store.symbolStatus(key)).toEqual({ applied: status });
    // another build's file next: refused, the names stay
    const debug = store.loadSymbols(key, 'leak-emcc-sepdwarf.debug.wasm', fixture('leak-emcc-sepdwarf.debug.wasm'));
    expect(debug?.message).toBe('leak-emcc-sepdwarf.debug.wasm is another build: code section 13,021 B, the module’s is 12,680 B');
    expect(store.symbolStatus(key)).toEqual({ applied: status, refused: debug });
    expect(stacks(store)).toEqual([['simulate_memory_leak@11:0x2669'], ['process_data@13:0x2809']]);
  });

  it('is refused for another build, with the reason, and changes nothing', async () => {
    const store = await record('leak-emcc-sepdwarf.wasm', (x) => x.simulate_memory_leak());
    const [key] = store.modules.keys();
    const before = stacks(store);
    expect(before).toEqual([['simulate_memory_leak@4:0x331']]);
    const status = store.loadSymbols(key, 'leak-emcc-O3-stripped.js.symbols', enc(fixtureText('leak-emcc-O3-stripped.js.symbols')));
    expect(status).toEqual({
      fileName: 'leak-emcc-O3-stripped.js.symbols',
      ok: false,
      message: 'leak-emcc-O3-stripped.js.symbols is for another build: it names 24 functions (indices up to 23), the module has 36',
      remembered: false,
    });
    expect(stacks(store)).toEqual(before);
  });

  it('a .debug.wasm loaded from the panel gives source lines and the inlined frame', async () => {
    const store = await record('leak-emcc-sepdwarf.wasm', (x) => x.simulate_memory_leak());
    const [key] = store.modules.keys();
    const status = store.loadSymbols(key, 'leak-emcc-sepdwarf.debug.wasm', fixture('leak-emcc-sepdwarf.debug.wasm'));
    expect(status?.ok).toBe(true);
    const [site] = store.sites.values();
    expect(site.frames.filter((f) => f.func >= 0).map((f) => [f.name, f.func, f.offset, f.file, f.line])).toEqual([
      ['process_data', 4, 0x331, './e2e/fixtures/src/leak.c', 19],
      ['simulate_memory_leak', 4, 0x331, './e2e/fixtures/src/leak.c', 27],
    ]);
  });
});

describe('remembered symbol files', () => {
  it('keyed by module name, size and code hash', () => {
    expect(symbolKey({ name: 'https://x.test/a.wasm', size: 12_877, code: { start: 0xba, size: 12_680, funcs: 24, hash: 'ab' } })).toBe(
      'https://x.test/a.wasm#12877#ab',
    );
  });
  it(`at most ${MAX_KEPT} files and 512 MiB, oldest dropped first`, async () => {
    const entries = Array.from({ length: 18 }, (_, i) => ({ key: `k${i}`, size: 1000, time: i }));
    expect(evictions(entries)).toEqual(['k1', 'k0']);
    expect(
      evictions([
        { key: 'new', size: 300 * 2 ** 20, time: 2 },
        { key: 'old', size: 300 * 2 ** 20, time: 1 },
      ]),
    ).toEqual(['old']);
    const storage = memorySymbolStorage();
    await storage.save('a', { fileName: 'a.symbols', bytes: new Uint8Array(3), time: 1 });
    expect((await storage.load('a'))?.fileName).toBe('a.symbols');
  });
});
