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
