// Symbols loaded for release builds (issue 9 item 4), on the committed
// emscripten builds of the seed leak (e2e/fixtures/build-release-symbols.sh):
// -O3 without -g (no name section, exports minified) with its --emit-symbol-map,
// and -O2 -gseparate-dwarf (the module names its .debug.wasm).
import { describe, expect, it } from 'vitest';
import { fixture, fixtureText } from '../test-support/fixtures';
import { codeFingerprint } from './fingerprint';
import { demangle } from './demangle';
import { createSymbolizer } from './symbolizer';
import { loadSymbolFile } from './symbol-file';

const enc = (s: string) => new TextEncoder().encode(s);
const stripped = fixture('leak-emcc-O3-stripped.wasm');
const strippedFacts = { size: stripped.length, code: codeFingerprint(stripped)! };
const sep = fixture('leak-emcc-sepdwarf.wasm');
const sepFacts = { size: sep.length, code: codeFingerprint(sep)! };

describe('code fingerprint', () => {
  it('the stripped -O3 module: 24 functions (2 imported), code section at 0xba', () => {
    expect(strippedFacts.code).toEqual({ start: 0xba, size: 12_680, funcs: 24, hash: strippedFacts.code.hash });
    expect(strippedFacts.code.hash).toMatch(/^[0-9a-f]{16}$/);
  });
  it('-gseparate-dwarf: the module and its .debug.wasm have one code hash at different code starts', () => {
    const debug = codeFingerprint(fixture('leak-emcc-sepdwarf.debug.wasm'))!;
    expect([sepFacts.code.start, debug.start]).toEqual([0x222, 0x204]);
    expect(debug.size).toBe(sepFacts.code.size);
    expect(debug.hash).toBe(sepFacts.code.hash);
    expect(debug.funcs).toBe(36);
  });
});

describe('an emscripten symbol map on the stripped module', () => {
  const text = fixtureText('leak-emcc-O3-stripped.js.symbols');
  const r = loadSymbolFile(enc(text), 'leak-emcc-O3-stripped.js.symbols', strippedFacts, demangle);

  it('names the frames V8 reports by minified export name or index', () => {
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.symbols.kind).toBe('symbol-map');
    expect(r.symbols.matched).toBe('24 function names; matched by function count only (a symbol map carries no hash)');
    // `call 2` (malloc) in func 11 ("g"): process_data inlined into simulate_memory_leak at -O3
    expect(r.symbols.lookup(11, 0x2669)).toEqual({ function: 'simulate_memory_leak', file: '', line: 0, column: 0 });
    expect(r.symbols.lookup(13, 0x2809)).toEqual({ function: 'process_data', file: '', line: 0, column: 0 });
    expect(r.symbols.lookup(2, 0x2000)?.function).toBe('dlmalloc');
    expect(r.symbols.lookup(24, 0)).toBeNull();
  });

  it('is refused for another build, with the reason', () => {
    const other = loadSymbolFile(enc(text), 'leak-emcc-O3-stripped.js.symbols', sepFacts);
    expect(other).toEqual({
      ok: false,
      reason: 'leak-emcc-O3-stripped.js.symbols is for another build: it names 24 functions (indices up to 23), the module has 36',
    });
  });

  it('refuses text that is not index:name lines', () => {
    expect(loadSymbolFile(enc('0:abort\nhello world\n'), 'notes.txt', strippedFacts)).toEqual({
      ok: false,
      reason: 'notes.txt is not a symbol map: line 2 is not “index:name”',
    });
  });
});

describe('a .debug.wasm (-gseparate-dwarf)', () => {
  const debug = fixture('leak-emcc-sepdwarf.debug.wasm');

  it('loaded for its module: DWARF lines at the module’s own offsets', () => {
    const r = loadSymbolFile(debug, 'leak-emcc-sepdwarf.debug.wasm', sepFacts, demangle);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.symbols.matched).toBe(`DWARF and names; matched by code section 13,021 B, hash ${sepFacts.code.hash}`);
    // `call 23` (dlmalloc) in process_data at 0x238 of the MODULE (0x21a in the debug file)
    // (what llvm-symbolizer-14 says of code address 0x16 in the debug file: leak.c:18:0 at -O2)
    expect(r.symbols.lookup(3, 0x238)).toEqual({ function: 'process_data', file: './e2e/fixtures/src/leak.c', line: 18, column: 0 });
  });

  it('refused for the stripped -O3 module: another build', () => {
    expect(loadSymbolFile(debug, 'leak-emcc-sepdwarf.debug.wasm', strippedFacts)).toEqual({
      ok: false,
      reason: 'leak-emcc-sepdwarf.debug.wasm is another build: code section 13,021 B, the module’s is 12,680 B',
    });
  });

  it('followed from the module’s external_debug_info section (what the page does)', () => {
    const s = createSymbolizer(sep);
    expect(s.externalDebugInfoURL()).toBe('leak-emcc-sepdwarf.debug.wasm');
    expect(s.lookup(3, 0x238)).toEqual({ function: 'process_data', file: '', line: 0, column: 0 });
    s.setDebugFile(debug);
    // llvm-symbolizer-14 --inlining on the debug file, code addresses 0x16 and 0x10f
    expect(s.lookup(3, 0x238)).toEqual({ function: 'process_data', file: './e2e/fixtures/src/leak.c', line: 18, column: 0 });
    expect(s.lookup(4, 0x331)).toEqual({
      function: 'process_data',
      file: './e2e/fixtures/src/leak.c',
      line: 19,
      column: 26,
      inlinedInto: { function: 'simulate_memory_leak', file: './e2e/fixtures/src/leak.c', line: 27, column: 33 },
    });
  });
});

describe('a source map', () => {
  it('of another build (the -O0 srcmap build) is refused for the stripped module: its offsets are outside its code', () => {
    const r = loadSymbolFile(enc(fixtureText('leak-emcc-srcmap.wasm.map')), 'leak-emcc-srcmap.wasm.map', strippedFacts);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.reason).toMatch(
        /^leak-emcc-srcmap\.wasm\.map is for another build: it maps offsets 0x[0-9a-f]+–0x[0-9a-f]+, the module’s code is 0xba–0x3242$/,
      );
  });
  it('of its own module is applied: process_data’s malloc call at leak.c:19', () => {
    const mod = fixture('leak-emcc-srcmap.wasm');
    const facts = { size: mod.length, code: codeFingerprint(mod)! };
    const r = loadSymbolFile(enc(fixtureText('leak-emcc-srcmap.wasm.map')), 'leak-emcc-srcmap.wasm.map', facts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.symbols.matched).toMatch(
      /^[\d,]+ mappings inside the module’s code; matched by offsets only \(a source map carries no hash\)$/,
    );
    // the same answer as the page's own symbolizer with the map attached (sourcemap.test.ts)
    const page = createSymbolizer(mod, { sourceMap: fixtureText('leak-emcc-srcmap.wasm.map') });
    // process_data calls malloc at 0x305 (sourcemap.test.ts); the map has no names
    expect(r.symbols.lookup(3, 0x305)).toEqual({
      function: 'wasm-function[3]',
      file: '../../work/main/e2e/fixtures/src/leak.c',
      line: 19,
      column: 26,
    });
    expect(page.lookup(3, 0x305)).toEqual({ ...r.symbols.lookup(3, 0x305)!, function: 'process_data' });
  });
});
