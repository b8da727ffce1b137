import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSymbolizer, formatLocation, type SourceLocation } from './index';
import { layout } from './module';
import { fixture as load } from '../test-support/fixtures';
const LEAK_C = '/work/main/e2e/fixtures/src/leak.c';

/** Innermost-first frames of a location, as [function, file, line, column]. */
function frames(loc: SourceLocation | null): [string, string, number, number][] {
  const out: [string, string, number, number][] = [];
  for (let l = loc; l; l = l.inlinedInto ?? null) out.push([l.function, l.file, l.line, l.column]);
  return out;
}

describe('DWARF: the leak in process_data', () => {
  // Offsets of `call malloc` (wasm-objdump -d): module-relative, as V8 reports them.
  it('wasi-O0: process_data calls malloc at 0x1f2 -> leak.c:19', () => {
    const s = createSymbolizer(load('leak-wasi-O0.wasm'));
    const loc = s.lookup(2, 0x1f2);
    expect(loc).toEqual({ function: 'process_data', file: LEAK_C, line: 19, column: 26 });
    expect(formatLocation(loc!)).toBe('process_data (leak.c:19)');
    expect(s.problems).toEqual([]);
    expect(s.sources.dwarf).toBe(true);
  });

  it('wasi-O2: out-of-line process_data, malloc at 0x1bf -> leak.c:19', () => {
    const s = createSymbolizer(load('leak-wasi-O2.wasm'));
    expect(s.lookup(2, 0x1bf)).toEqual({ function: 'process_data', file: LEAK_C, line: 19, column: 26 });
  });

  it.each(['leak-wasi-O2.wasm', 'leak-wasi-dwarf5.wasm'])('%s: process_data inlined into simulate_memory_leak (leak.c:27)', (f) => {
    const bytes = load(f);
    const s = createSymbolizer(bytes);
    // the only `call malloc` in simulate_memory_leak (func 3): 0x2be in both builds
    const loc = s.lookup(3, 0x2be);
    expect(frames(loc)).toEqual([
      ['process_data', LEAK_C, 19, 26],
      ['simulate_memory_leak', LEAK_C, 27, 33],
    ]);
    expect(formatLocation(loc!)).toBe('process_data (leak.c:19)');
    expect(formatLocation(loc!.inlinedInto!)).toBe('simulate_memory_leak (leak.c:27)');
    expect(s.problems).toEqual([]);
  });

  it('addresses are relative to the Code section payload', () => {
    expect(layout(load('leak-wasi-O0.wasm')).codeStart).toBe(0x1aa);
    expect(layout(load('leak-wasi-O2.wasm')).codeStart).toBe(0x1a9);
  });
});

interface Expected {
  codeStart: number;
  files: string[];
  cases: [number, number, [string, number, number, number][]][];
}

describe('agrees with llvm-symbolizer-14 (testdata/*.symbolizer.json, made by testdata/generate.py)', () => {
  it.each(['leak-wasi-O0', 'leak-wasi-O2', 'leak-wasi-dwarf5', 'leak-cpp-O0', 'leak-cpp-O2'])('%s', (name) => {
    const exp = JSON.parse(readFileSync(new URL(`./testdata/${name}.symbolizer.json`, import.meta.url), 'utf8')) as Expected;
    const bytes = load(`${name}.wasm`);
    expect(layout(bytes).codeStart).toBe(exp.codeStart);
    const s = createSymbolizer(bytes);
    const mismatches: string[] = [];
    for (const [off, func, want] of exp.cases) {
      const got = frames(s.lookup(func, off));
      const w = want.map(([fn, file, line, col]) => [fn, exp.files[file], line, col]);
      if (JSON.stringify(got) !== JSON.stringify(w))
        mismatches.push(`0x${off.toString(16)}: got ${JSON.stringify(got)} want ${JSON.stringify(w)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(exp.cases.length).toBeGreaterThan(150);
    expect(s.problems).toEqual([]);
  });
});

describe('C++ (clang++ -g, mangled names)', () => {
  it('O0: operator new inside leaks::Pool<leaks::Widget>::make', () => {
    const s = createSymbolizer(load('leak-cpp-O0.wasm'));
    expect(s.functionName(7)).toBe('leaks::Pool<leaks::Widget>::make(int)');
    expect(s.functionName(10)).toBe('int* leaks::make_array<int>(int)');
    expect(s.functionName(2)).toBe('operator new(unsigned long)');
    const loc = s.lookup(7, 0x237); // call 2 <operator new(unsigned long)>
    expect(loc?.function).toBe('leaks::Pool<leaks::Widget>::make(int)');
    expect(loc?.file.endsWith('src/leak.cpp')).toBe(true);
    expect(loc?.line).toBe(22);
  });
});

describe('without DWARF', () => {
  it('emcc -g2: names only', () => {
    const s = createSymbolizer(load('leak-emcc-O0.wasm'));
    expect(s.functionName(3)).toBe('process_data');
    expect(s.lookup(3, 0x300)).toEqual({ function: 'process_data', file: '', line: 0, column: 0 });
    expect(s.sources).toEqual({ dwarf: false, sourceMap: false, names: true });
  });

  it('rust: demangled names pass through', () => {
    const s = createSymbolizer(load('leak-rust.wasm'));
    expect(s.functionName(5)).toBe('__rust_alloc');
    const all = [...Array(119).keys()].map((i) => s.functionName(i)).filter((n): n is string => !!n);
    expect(all.some((n) => n.includes('::'))).toBe(true);
    expect(all.filter((n) => n.startsWith('_ZN') || n.startsWith('_R'))).toEqual([]);
  });
});

describe('never throws', () => {
  it('garbage, truncated and corrupted modules give null / names, and problems', () => {
    expect(createSymbolizer(new Uint8Array([1, 2, 3])).lookup(0, 10)).toBeNull();
    const bytes = load('leak-wasi-O2.wasm');
    const cut = createSymbolizer(bytes.subarray(0, 0x5000));
    expect(cut.lookup(3, 0x2be)).toBeNull();
    expect(cut.problems.length).toBeGreaterThan(0);
    // Scribble over .debug_info and .debug_line: lookups still answer, problems are listed.
    const m = layout(bytes);
    for (const name of ['.debug_info', '.debug_line', '.debug_abbrev']) {
      const bad = bytes.slice();
      const sec = m.customs.get(name)!;
      const at = sec.byteOffset - bytes.byteOffset;
      for (let i = 0; i < sec.length; i += 7) bad[at + i] = (bad[at + i] * 31 + i) & 0xff;
      const s = createSymbolizer(bad);
      expect(() => s.lookup(3, 0x2be)).not.toThrow();
      expect(s.functionName(3)).toBe('simulate_memory_leak');
      expect(s.problems.length).toBeGreaterThan(0);
    }
  });

  it('offsets outside the code section give the function name only', () => {
    const s = createSymbolizer(load('leak-wasi-O0.wasm'));
    expect(s.lookup(2, 5)).toEqual({ function: 'process_data', file: '', line: 0, column: 0 });
    expect(s.lookup(999, 5)).toBeNull();
  });
});
