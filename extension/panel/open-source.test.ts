// Where a stack frame opens in DevTools, for the frame shapes the page sends:
// JS frames with a script URL, wasm frames with a DWARF path (relative or
// absolute), a source-map URL, or no source, in a module with or without a URL.
import { describe, expect, it } from 'vitest';
import { frameTargets, moduleUrl, openFrame } from './open-source';

const MODULE = 'http://127.0.0.1:8080/wasm/leak-wasi-O0.wasm';
const wasm = (file: string, line: number) => ({ name: 'process_data', func: 2, offset: 0x1f2, file, line });

describe('frameTargets', () => {
  it('a JS frame: its script at the line (0-based)', () => {
    expect(frameTargets({ name: 'Object.leak', func: -1, offset: -1, file: 'http://127.0.0.1:8080/app.js', line: 45 }, MODULE)).toEqual([
      { url: 'http://127.0.0.1:8080/app.js', line: 44, column: 0, what: 'script' },
    ]);
    // eval'd code has no script to open
    expect(frameTargets({ name: 'eval', func: -1, offset: -1, file: '<anonymous>', line: 1 }, MODULE)).toEqual([]);
  });

  it('a wasm frame with an absolute DWARF path: resolved against the module URL, as a file: URL, then the module at the offset', () => {
    expect(frameTargets(wasm('/work/main/e2e/fixtures/src/leak.c', 19), MODULE)).toEqual([
      { url: 'http://127.0.0.1:8080/work/main/e2e/fixtures/src/leak.c', line: 18, column: 0, what: 'source' },
      { url: 'file:///work/main/e2e/fixtures/src/leak.c', line: 18, column: 0, what: 'source' },
      { url: MODULE, line: 0, column: 0x1f2, what: 'module' },
    ]);
  });

  it('a relative DWARF path resolves next to the module; a source-map URL is used as it is', () => {
    expect(frameTargets(wasm('../src/leak.c', 19), MODULE).map((t) => t.url)).toEqual(['http://127.0.0.1:8080/src/leak.c', MODULE]);
    expect(frameTargets(wasm('https://cdn.example/src/lib.rs', 7), MODULE).map((t) => t.url)).toEqual([
      'https://cdn.example/src/lib.rs',
      MODULE,
    ]);
  });

  it('a module passed as bytes has no URL: only an absolute source path is left', () => {
    expect(moduleUrl('(bytes)')).toBeNull();
    expect(moduleUrl(MODULE)).toBe(MODULE);
    expect(frameTargets(wasm('/src/leak.c', 19), null).map((t) => t.url)).toEqual(['file:///src/leak.c']);
    expect(frameTargets(wasm('', 0), null)).toEqual([]);
  });
});

describe('openFrame without DevTools', () => {
  it('says why nothing opens', async () => {
    expect(await openFrame(wasm('', 0), null, null)).toEqual({
      message: 'Cannot open process_data: no source file is known and the module was passed as bytes, so it has no URL.',
    });
    expect(await openFrame(wasm('leak.c', 19), MODULE, null)).toEqual({
      message: 'Opening leak.c:19 in Sources needs the panel inside DevTools (it is open as a tab).',
    });
  });
});
