import { describe, expect, it } from 'vitest';
import { MemoryHistory, MemoryWatcher, MEMORY_CAUSES } from './memory-history';
import { loadLeakModule } from './leak-module.test-helper';

const PAGE = 65_536;
const causes = (c: Uint8Array) => Array.from(c, (i) => MEMORY_CAUSES[i]);

describe('MemoryWatcher on the real module', () => {
  it('sees growth from JavaScript (Memory.grow) and from wasm (memory.grow instruction)', async () => {
    const e = await loadLeakModule('O2');
    const h = new MemoryHistory();
    const w = new MemoryWatcher(h, 0, e.memory, 0);
    expect(w.byteLength).toBe(2 * PAGE);
    expect(w.check(1)).toBe(false);

    e.memory.grow(2);
    expect(w.noteJsGrow(2)).toBe(true);

    expect(e.grow_memory(3)).toBe(4); // the instruction returns the old size in pages
    expect(w.check(3)).toBe(true); // the cached buffer was detached
    expect(w.check(4)).toBe(false);
    expect(w.check(5, 'poll')).toBe(false);

    // dlmalloc's sbrk grows memory itself for a large malloc.
    const p = e.malloc(1_000_000);
    expect(p).not.toBe(0);
    expect(w.check(6)).toBe(true);

    const s = h.seriesOf(0);
    expect(Array.from(s.bytes)).toEqual([2 * PAGE, 4 * PAGE, 7 * PAGE, e.memory.buffer.byteLength]);
    expect(Array.from(s.time)).toEqual([0, 2, 3, 6]);
    expect(causes(s.cause)).toEqual(['initial', 'js-grow', 'wasm-grow', 'wasm-grow']);
    expect(s.lastTime).toBe(6);
    expect(s.shared).toBe(false);
  });

  it('reads a shared memory through memory.buffer (its old buffer keeps its length)', () => {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 10, shared: true });
    const h = new MemoryHistory();
    const w = new MemoryWatcher(h, 3, m, 0);
    m.grow(1);
    expect(w.check(1, 'poll')).toBe(true);
    const s = h.seriesOf(3);
    expect(s.shared).toBe(true);
    expect(Array.from(s.bytes)).toEqual([PAGE, 2 * PAGE]);
    expect(causes(s.cause)).toEqual(['initial', 'poll']);
  });
});

describe('MemoryHistory', () => {
  it('keeps at most maxPoints per memory, thinning the older half, keeping the first and the latest', () => {
    const h = new MemoryHistory(16);
    for (let i = 0; i < 1000; i++) h.noteMemorySize(1, (i + 1) * PAGE, i, i === 0 ? 'initial' : 'wasm-grow');
    const s = h.seriesOf(1);
    expect(s.bytes.length).toBeLessThanOrEqual(16);
    expect(s.bytes[0]).toBe(PAGE);
    expect(s.bytes[s.bytes.length - 1]).toBe(1000 * PAGE);
    expect(s.dropped + s.bytes.length).toBe(1000);
    // Still a step series: sizes and times ascend.
    for (let i = 1; i < s.bytes.length; i++) expect(s.time[i]).toBeGreaterThan(s.time[i - 1]);
    expect(h.current(1)).toBe(1000 * PAGE);
    expect(h.current(2)).toBe(-1);
    expect(h.memories()).toEqual([1]);
  });

  it('stores a poll only when the size changed', () => {
    const h = new MemoryHistory();
    h.noteMemorySize(0, PAGE, 0, 'initial');
    expect(h.noteMemorySize(0, PAGE, 10, 'poll')).toBe(false);
    expect(h.seriesOf(0).bytes.length).toBe(1);
    expect(h.seriesOf(0).lastTime).toBe(10);
  });
});
