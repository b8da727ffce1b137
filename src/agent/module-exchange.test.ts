// A module compiled in one context, instantiated in another: the mark the
// compiling context appends, and the exchange of its bytes between contexts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModuleExchange, type ForeignModule } from './module-exchange';
import { MARK_SECTION, markOf, withMark } from './module-mark';

const SEED = new Uint8Array(readFileSync('e2e/site/wasm/leak-wasi-O0.wasm'));

describe('module mark', () => {
  it('appends a custom section that the compiled module reports, leaving the module as it was otherwise', () => {
    const marked = withMark(SEED, '0123456789abcdef0123456789abcdef');
    expect(marked.length).toBe(SEED.length + 1 + 1 + 1 + MARK_SECTION.length + 32);
    expect(marked.subarray(0, SEED.length)).toEqual(SEED);
    const module = new WebAssembly.Module(marked);
    expect(markOf(module, WebAssembly.Module.customSections)).toBe('0123456789abcdef0123456789abcdef');
    expect(WebAssembly.Module.exports(module)).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(SEED)));
    expect(markOf(new WebAssembly.Module(SEED), WebAssembly.Module.customSections)).toBeNull();
  });
});

describe('module exchange', () => {
  /** Two contexts on one channel: each hears what the other sends, later (a BroadcastChannel delivers in a task). */
  function pair(lookupA: (id: string) => ForeignModule | null) {
    const timers: (() => void)[] = [];
    const setTimer = (fn: () => void) => timers.push(fn);
    let a: ModuleExchange | null = null;
    let b: ModuleExchange | null = null;
    const heard: unknown[] = [];
    a = new ModuleExchange('A', (d) => queueMicrotask(() => b?.receive(d)), lookupA, setTimer);
    b = new ModuleExchange(
      'B',
      (d) => {
        heard.push(d);
        queueMicrotask(() => a?.receive(d));
      },
      () => null,
      setTimer,
    );
    return { a, b, heard, timeout: () => timers.forEach((fn) => fn()) };
  }

  it('gets the bytes from the context that compiled the module, once for concurrent asks', async () => {
    const { b, heard } = pair((id) => (id === 'm1' ? { bytes: SEED, name: 'https://x/leak.wasm' } : null));
    const [one, two] = await Promise.all([b.request('m1'), b.request('m1')]);
    expect(heard).toEqual([{ from: 'B', want: 'm1' }]);
    expect(one?.name).toBe('https://x/leak.wasm');
    expect(one?.bytes).toEqual(SEED);
    expect(two).toBe(one);
  });

  it("answers a worker it started on that worker's port, with everything at once (the compiled rewrite too); the channel only says so", async () => {
    const module = new WebAssembly.Module(SEED);
    const compiled = { module, wire: { sites: [] } as never };
    const sent: unknown[] = [];
    const onPort: unknown[] = [];
    let b: ModuleExchange | null = null;
    const a = new ModuleExchange(
      'A',
      (d) => {
        sent.push(d);
        queueMicrotask(() => b?.receive(d));
      },
      (id) => (id === 'm3' ? { bytes: SEED, name: 'https://x/leak.wasm', compiled } : null),
      () => 0,
      (token, data) => {
        if (token !== 'B') return false;
        // (a structured clone, as postMessage delivers it)
        onPort.push(data);
        queueMicrotask(() => b?.receivePort(structuredClone(data)));
        return true;
      },
    );
    b = new ModuleExchange(
      'B',
      (d) => queueMicrotask(() => a.receive(d)),
      () => null,
      () => 0,
    );
    // Malformed or unasked-for port messages are ignored.
    b.receivePort({ have: 'm3', bytes: 'x', name: 'y' });
    b.receivePort({ have: 'other', bytes: new ArrayBuffer(4), name: 'y' });
    const found = await b.request('m3');
    expect(sent).toEqual([{ to: 'B', have: 'm3', port: 1 }]);
    expect(onPort).toHaveLength(1);
    expect(found?.name).toBe('https://x/leak.wasm');
    expect(found?.bytes).toEqual(SEED);
    expect(found?.compiled?.module).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(found!.compiled!.module as WebAssembly.Module)).toEqual(WebAssembly.Module.exports(module));
    expect(found?.compiled?.wire).toEqual({ sites: [] });
  });

  it('resolves null when no context answers, and ignores answers meant for others or malformed', async () => {
    const { b, timeout } = pair(() => null);
    const asked = b.request('m2');
    expect(b.receive({ to: 'C', have: 'm2', bytes: new ArrayBuffer(8), name: 'x' })).toBe(true);
    expect(b.receive({ to: 'B', have: 'm2', bytes: 'not bytes', name: 'x' })).toBe(true);
    expect(b.receive({ t: 'batch' })).toBe(false);
    timeout();
    expect(await asked).toBeNull();
  });
});
