import { describe, expect, it } from 'vitest';
import { createSymbolizer, parseSourceMap } from './index';
import { fixture, fixtureText } from '../test-support/fixtures';

describe('source maps (emcc -gsource-map)', () => {
  const bytes = fixture('leak-emcc-srcmap.wasm');
  const json = fixtureText('leak-emcc-srcmap.wasm.map');

  it('columns are module-relative offsets: process_data calls malloc at 0x305 -> leak.c:19:26', () => {
    const s = createSymbolizer(bytes);
    expect(s.sourceMappingURL()).toBe('./leak-emcc-srcmap.wasm.map');
    expect(s.lookup(3, 0x305)).toEqual({ function: 'process_data', file: '', line: 0, column: 0 }); // map not attached yet
    s.setSourceMap(json);
    expect(s.lookup(3, 0x305)).toEqual({ function: 'process_data', file: '../../work/main/e2e/fixtures/src/leak.c', line: 19, column: 26 });
    expect(s.sources.sourceMap).toBe(true);
    expect(s.problems).toEqual([]);
  });

  it('parseSourceMap alone', () => {
    const m = parseSourceMap(JSON.parse(json));
    expect(m.sources[0]).toBe('../../work/main/e2e/fixtures/src/leak.c');
    expect(m.segments).toBeGreaterThan(500);
    expect(m.lookup(0x320)).toMatchObject({ line: 20, column: 14 });
    expect(m.lookup(0)).toBeNull();
  });

  it('hand-made map: VLQ, sourceRoot, names, unmapped segments', () => {
    // segments: [10: a.c 1:1 name0], [20: b.c 3:5], [30: unmapped], [40: b.c 4:...]
    const m = parseSourceMap({ version: 3, sourceRoot: 'src', sources: ['a.c', 'b.c'], names: ['f'], mappings: 'UAAAA,UCEI,U,UAClC' });
    expect(m.lookup(9)).toBeNull();
    expect(m.lookup(15)).toEqual({ file: 'src/a.c', line: 1, column: 1, name: 'f' });
    expect(m.lookup(25)).toEqual({ file: 'src/b.c', line: 3, column: 5 });
    expect(m.lookup(35)).toBeNull();
    expect(m.lookup(45)).toMatchObject({ file: 'src/b.c', line: 4 });
  });

  it('bad maps are problems, not exceptions', () => {
    expect(() => parseSourceMap('{"version":3}')).toThrow();
    const s = createSymbolizer(bytes, { sourceMap: '{not json' });
    expect(s.problems.length).toBe(1);
    expect(s.lookup(3, 0x305)?.function).toBe('process_data');
  });
});
