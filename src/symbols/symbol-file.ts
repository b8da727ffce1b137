/**
 * Symbols the user loads for a module that shipped without them (issue 9
 * item 4): the unstripped .wasm or a .debug.wasm (DWARF and/or name
 * section), an emscripten `--emit-symbol-map` file (`index:name` lines,
 * imported functions included), or a source map. Read, matched to the module
 * (refused with the reason when it is another build), then asked like a
 * symbolizer: (function index, module-relative offset in the ORIGINAL
 * module) -> location. Pure; the panel runs it on the user's file.
 */
import { codeFingerprint, type CodeFingerprint } from './fingerprint';
import { parseSourceMap } from './sourcemap';
import { createSymbolizer, type SourceLocation, type Symbolizer } from './symbolizer';

/** What the panel knows of the module (ModuleMsg: size and code). */
export interface ModuleFacts {
  size: number;
  code?: CodeFingerprint;
}

export type SymbolFileKind = 'wasm' | 'symbol-map' | 'source-map';

export interface LoadedSymbols {
  kind: SymbolFileKind;
  /** How the file was matched to the module, said in the panel ("code section hash 1a2b…, 12,345 B"). */
  matched: string;
  /** Location of (func, offset) with its inlined-into chain, or null when the file says nothing about it. */
  lookup(func: number, offset: number): SourceLocation | null;
}

export type SymbolFileResult = { ok: true; symbols: LoadedSymbols } | { ok: false; reason: string };

/** Largest file read: a .debug.wasm of a big C++ module is tens of MB. */
export const MAX_SYMBOL_FILE_BYTES = 256 * 1024 * 1024;
/** Symbol-map lines kept (one per function). */
const MAX_SYMBOL_MAP_LINES = 2_000_000;
const MAX_NAME_CHARS = 4096;

const fmt = (n: number) => n.toLocaleString('en-US');

function isWasm(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;
}

/**
 * Reads `bytes` (a file the user picked, named `fileName`) as symbols for
 * `module`. `demangle` names C++/Rust functions as the panel shows them.
 */
export function loadSymbolFile(
  bytes: Uint8Array,
  fileName: string,
  module: ModuleFacts,
  demangle: (name: string) => string = (n) => n,
): SymbolFileResult {
  if (bytes.length > MAX_SYMBOL_FILE_BYTES) return { ok: false, reason: `${fileName} is larger than ${fmt(MAX_SYMBOL_FILE_BYTES)} bytes` };
  if (isWasm(bytes)) return wasmFile(bytes, fileName, module, demangle);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: `${fileName} is neither a wasm module nor text (a symbol map or a source map)` };
  }
  if (/^\s*\{/.test(text)) return sourceMapFile(text, fileName, module, demangle);
  return symbolMapFile(text, fileName, module, demangle);
}

function wasmFile(bytes: Uint8Array, fileName: string, module: ModuleFacts, demangle: (name: string) => string): SymbolFileResult {
  const code = module.code;
  if (!code) return { ok: false, reason: 'the page did not describe this module’s code, so no file can be matched to it' };
  const fp = codeFingerprint(bytes);
  if (!fp) return { ok: false, reason: `${fileName}: malformed wasm (its sections could not be read)` };
  let matched: string;
  if (code.buildId && fp.buildId) {
    if (code.buildId !== fp.buildId)
      return { ok: false, reason: `${fileName} is another build: build id ${fp.buildId}, the module’s is ${code.buildId}` };
    matched = `build id ${fp.buildId}`;
  } else {
    if (fp.size !== code.size)
      return { ok: false, reason: `${fileName} is another build: code section ${fmt(fp.size)} B, the module’s is ${fmt(code.size)} B` };
    if (fp.hash !== code.hash)
      return {
        ok: false,
        reason: `${fileName} is another build: same code size (${fmt(fp.size)} B) but other code bytes (hash ${fp.hash}, the module’s ${code.hash})`,
      };
    matched = `code section ${fmt(code.size)} B, hash ${code.hash}`;
  }
  const sym: Symbolizer = createSymbolizer(bytes, { demangle, code: { start: code.start, size: code.size } });
  // Something to add: DWARF or a name section. Probe once so a file with neither is refused now.
  sym.lookup(-1, -1);
  if (!sym.sources.dwarf && !sym.sources.names)
    return { ok: false, reason: `${fileName} matches the module but has no DWARF and no name section: nothing to add` };
  const what = [sym.sources.dwarf ? 'DWARF' : '', sym.sources.names ? 'names' : ''].filter(Boolean).join(' and ');
  return { ok: true, symbols: { kind: 'wasm', matched: `${what}; matched by ${matched}`, lookup: (f, o) => sym.lookup(f, o) } };
}

function symbolMapFile(text: string, fileName: string, module: ModuleFacts, demangle: (name: string) => string): SymbolFileResult {
  const names = new Map<number, string>();
  let max = -1;
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_SYMBOL_MAP_LINES) return { ok: false, reason: `${fileName}: more than ${fmt(MAX_SYMBOL_MAP_LINES)} lines` };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const m = /^(\d{1,9}):(.+)$/.exec(line);
    if (!m) return { ok: false, reason: `${fileName} is not a symbol map: line ${i + 1} is not “index:name”` };
    const index = Number(m[1]);
    if (names.has(index)) return { ok: false, reason: `${fileName}: function ${index} is named twice (line ${i + 1})` };
    names.set(index, m[2].slice(0, MAX_NAME_CHARS));
    if (index > max) max = index;
  }
  if (names.size === 0) return { ok: false, reason: `${fileName} names no function` };
  const code = module.code;
  if (!code) return { ok: false, reason: 'the page did not describe this module’s functions, so no symbol map can be matched to it' };
  // emscripten lists every function, imports included: a symbol map of this
  // build names exactly the module's functions. It carries no hash, so the
  // count is all there is to check.
  if (max + 1 !== code.funcs || names.size !== code.funcs)
    return {
      ok: false,
      reason: `${fileName} is for another build: it names ${fmt(names.size)} functions (indices up to ${fmt(max)}), the module has ${fmt(code.funcs)}`,
    };
  const demangled = new Map<number, string>();
  return {
    ok: true,
    symbols: {
      kind: 'symbol-map',
      matched: `${fmt(names.size)} function names; matched by function count only (a symbol map carries no hash)`,
      lookup(func) {
        let name = demangled.get(func);
        if (name === undefined) {
          const raw = names.get(func);
          if (raw === undefined) return null;
          demangled.set(func, (name = demangle(raw)));
        }
        return { function: name, file: '', line: 0, column: 0 };
      },
    },
  };
}

function sourceMapFile(text: string, fileName: string, module: ModuleFacts, demangle: (name: string) => string): SymbolFileResult {
  let map: ReturnType<typeof parseSourceMap>;
  try {
    map = parseSourceMap(text);
  } catch (e) {
    return { ok: false, reason: `${fileName} is not a source map: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (map.firstOffset < 0) return { ok: false, reason: `${fileName} maps no code` };
  const code = module.code;
  // Offsets are module-relative: they must fall in this module's code section.
  const lo = code ? code.start : 0;
  const hi = code ? code.start + code.size : module.size;
  if (map.firstOffset < lo || map.lastOffset >= hi)
    return {
      ok: false,
      reason: `${fileName} is for another build: it maps offsets 0x${map.firstOffset.toString(16)}–0x${map.lastOffset.toString(16)}, the module’s code is 0x${lo.toString(16)}–0x${hi.toString(16)}`,
    };
  return {
    ok: true,
    symbols: {
      kind: 'source-map',
      matched: `${fmt(map.segments)} mappings inside the module’s code; matched by offsets only (a source map carries no hash)`,
      lookup(func, offset) {
        const s = map.lookup(offset);
        if (!s) return null;
        return { function: s.name ? demangle(s.name) : `wasm-function[${func}]`, file: s.file, line: s.line, column: s.column };
      },
    },
  };
}
