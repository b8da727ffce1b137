/**
 * Symbolization of wasm code locations: (function index, module-relative
 * byte offset of an instruction in the ORIGINAL module) -> function, file,
 * line, column and the chain of inlined calls. Sources, in order: DWARF in
 * custom sections (.debug_line, .debug_info), a source map given by the
 * caller (emscripten -gsource-map), the name section. Names are demangled
 * when a demangler is given (src/symbols/index.ts gives the full one).
 * Pure and lazy: nothing is parsed until the first lookup, and nothing throws.
 */
import { parseNameSection } from '../wasm/names';
import { utf8 } from '../wasm/cursor';
import { layout, type ModuleLayout } from './module';
import { buildLineTable, findRow, type LineTable } from './line';
import { type DebugInfo, dieName, parseDebugInfo, type Scope, scopesAt } from './info';
import { parseSourceMap, type SourceMapLookup } from './sourcemap';
export type { SourceMapLookup, SourceMapLocation } from './sourcemap';

export interface SourceLocation {
  function: string;
  /** Path as the compiler recorded it ('' when only the function is known). */
  file: string;
  /** 1-based; 0 = unknown (no line info, or compiler-generated code). */
  line: number;
  /** 1-based; 0 = unknown. */
  column: number;
  /** When this location is inside an inlined call: the call site in the function it was inlined into. */
  inlinedInto?: SourceLocation;
}

export interface Symbolizer {
  /** Location of the instruction at `offset` (module-relative) in function `funcIndex`, or null if nothing is known. */
  lookup(funcIndex: number, offset: number): SourceLocation | null;
  /** Demangled name-section name (or DWARF name) of a function index. */
  functionName(funcIndex: number): string | undefined;
  /** What could not be parsed (malformed or unsupported debug info); grows as sections are parsed. */
  readonly problems: string[];
  /** Which source answered: filled on first use. */
  readonly sources: { dwarf: boolean; sourceMap: boolean; names: boolean };
  /** URL in the `sourceMappingURL` custom section, if any (the page fetches it, then calls `setSourceMap`). */
  sourceMappingURL(): string | undefined;
  /** Attaches a source map (JSON text or object); used when the module has no DWARF line info. */
  setSourceMap(map: string | object | SourceMapLookup): void;
  /**
   * File in the `external_debug_info` custom section, if any (emscripten
   * -gseparate-dwarf: a .debug.wasm holding the DWARF; the page fetches it,
   * then calls `setDebugFile`).
   */
  externalDebugInfoURL(): string | undefined;
  /**
   * Takes DWARF (and names, when the module has none) from another build
   * output of the same code: a .debug.wasm or the unstripped module. Its
   * addresses count from the code section, so the MODULE's code start still
   * maps offsets (the two files may encode section sizes at other widths).
   */
  setDebugFile(bytes: Uint8Array): void;
}

export interface SymbolizerOptions {
  sourceMap?: string | object | SourceMapLookup;
  /**
   * How names are demangled. The page script passes none (names stay as the
   * module has them, the panel demangles for display): the demangler is 12 KB
   * that every page would otherwise compile at load.
   */
  demangle?: (name: string) => string;
  /**
   * The code section (payload start and size) of the module whose offsets
   * will be looked up, when `moduleBytes` is not that module but a file with
   * its debug info (a .debug.wasm or unstripped build loaded in the panel).
   */
  code?: { start: number; size: number };
}

/** "process_data (leak.c:19)" — basename of the file, no column. */
export function formatLocation(loc: SourceLocation): string {
  if (!loc.file) return loc.function;
  const base = loc.file.slice(loc.file.lastIndexOf('/') + 1);
  return `${loc.function} (${base}${loc.line ? ':' + loc.line : ''})`;
}

export function createSymbolizer(moduleBytes: Uint8Array, options: SymbolizerOptions = {}): Symbolizer {
  const demangle = options.demangle ?? ((name: string) => name);
  const problems: string[] = [];
  const sources = { dwarf: false, sourceMap: false, names: false };
  let mod: ModuleLayout | null | undefined;
  let names: Map<number, string> | undefined;
  const demangled = new Map<number, string>();
  let lines: LineTable | null | undefined;
  let info: DebugInfo | null | undefined;
  let smap: SourceMapLookup | null = null;
  /** A separate file with the DWARF (setDebugFile): its custom sections, not the module's. */
  let debug: ModuleLayout | null = null;

  const note = (where: string, e: unknown) => problems.push(`${where}: ${e instanceof Error ? e.message : String(e)}`);

  const getLayout = (): ModuleLayout | null => {
    if (mod === undefined) {
      try {
        mod = layout(moduleBytes);
      } catch (e) {
        note('module', e);
        mod = null;
      }
    }
    return mod;
  };

  const getNames = (): Map<number, string> => {
    if (names) return names;
    names = new Map();
    const sec = getLayout()?.customs.get('name') ?? debug?.customs.get('name');
    if (sec) {
      try {
        names = parseNameSection(sec, 0, sec.length).funcNames;
        sources.names = names.size > 0;
      } catch (e) {
        note('name section', e);
      }
    }
    return names;
  };

  const loadDwarf = (): void => {
    if (lines !== undefined) return;
    lines = null;
    info = null;
    const m = debug ?? getLayout();
    if (!m) return;
    const c = m.customs;
    const line = c.get('.debug_line');
    const str = c.get('.debug_str'),
      lineStr = c.get('.debug_line_str');
    const rawInfo = c.get('.debug_info'),
      abbrev = c.get('.debug_abbrev');
    if (rawInfo && abbrev) {
      try {
        info = parseDebugInfo({
          info: rawInfo,
          abbrev,
          str,
          lineStr,
          strOffsets: c.get('.debug_str_offsets'),
          addr: c.get('.debug_addr'),
          ranges: c.get('.debug_ranges'),
          rnglists: c.get('.debug_rnglists'),
        });
        problems.push(...info.problems);
      } catch (e) {
        note('.debug_info', e);
        info = null;
      }
    }
    if (line) {
      try {
        lines = buildLineTable({ line, str, lineStr }, info?.compDirs);
        problems.push(...lines.problems);
      } catch (e) {
        note('.debug_line', e);
        lines = null;
      }
    }
    sources.dwarf = !!(lines && lines.addr.length > 0) || !!(info && info.functions.length > 0);
  };

  const scopeName = (s: Scope): string => {
    const n = info ? dieName(info, s.nameDie) : {};
    if (n.linkage) {
      const d = demangle(n.linkage);
      if (d !== n.linkage) return d;
    }
    return n.name ?? n.linkage ?? '';
  };

  const fileOf = (s: Scope): string => {
    const pf = lines?.programFiles.get(s.stmtList);
    const id = pf ? (pf[s.callFile] ?? -1) : -1;
    return id >= 0 && lines ? lines.files[id] : '';
  };

  /** A custom section whose payload is one wasm name (LEB length + UTF-8): a URL. */
  const customString = (name: string): string | undefined => {
    const sec = getLayout()?.customs.get(name);
    if (!sec) return undefined;
    let len = 0,
      shift = 0,
      p = 0;
    for (; p < sec.length; p++) {
      len |= (sec[p] & 0x7f) << shift;
      shift += 7;
      if (!(sec[p] & 0x80)) {
        p++;
        break;
      }
    }
    return utf8(sec, p, Math.min(sec.length, p + len));
  };

  const self: Symbolizer = {
    problems,
    sources,
    functionName(funcIndex: number): string | undefined {
      const hit = demangled.get(funcIndex);
      if (hit !== undefined) return hit;
      const raw = getNames().get(funcIndex);
      if (raw === undefined) return undefined;
      const d = demangle(raw);
      demangled.set(funcIndex, d);
      return d;
    },
    sourceMappingURL(): string | undefined {
      return customString('sourceMappingURL');
    },
    externalDebugInfoURL(): string | undefined {
      return customString('external_debug_info');
    },
    setDebugFile(bytes: Uint8Array): void {
      try {
        debug = layout(bytes);
      } catch (e) {
        note('debug file', e);
        return;
      }
      lines = undefined;
      info = undefined;
      names = undefined;
      demangled.clear();
    },
    setSourceMap(map: string | object | SourceMapLookup): void {
      try {
        smap =
          map && typeof (map as SourceMapLookup).lookup === 'function' ? (map as SourceMapLookup) : parseSourceMap(map as string | object);
      } catch (e) {
        note('source map', e);
        smap = null;
      }
    },
    lookup(funcIndex: number, offset: number): SourceLocation | null {
      try {
        loadDwarf();
        const m = getLayout();
        const fallbackName = self.functionName(funcIndex) ?? `wasm-function[${funcIndex}]`;
        const codeStart = options.code ? options.code.start : (m?.codeStart ?? -1);
        const codeEnd = options.code ? options.code.start + options.code.size : (m?.codeEnd ?? -1);
        if (codeStart >= 0 && offset >= codeStart && offset < codeEnd) {
          const addr = offset - codeStart;
          const row = lines ? findRow(lines, addr) : -1;
          const chain = info ? scopesAt(info, addr) : [];
          if (row >= 0 || chain.length > 0) {
            const t = lines!;
            const innermost: SourceLocation = {
              function: chain.length ? scopeName(chain[chain.length - 1]) || fallbackName : fallbackName,
              file: row >= 0 ? (t.files[t.file[row]] ?? '') : '',
              line: row >= 0 ? t.line[row] : 0,
              column: row >= 0 ? t.col[row] : 0,
            };
            let cur = innermost;
            for (let i = chain.length - 1; i > 0; i--) {
              const call = chain[i];
              const outer: SourceLocation = {
                function: scopeName(chain[i - 1]) || (i === 1 ? fallbackName : ''),
                file: fileOf(call),
                line: call.callLine,
                column: call.callColumn,
              };
              cur.inlinedInto = outer;
              cur = outer;
            }
            return innermost;
          }
        }
        if (smap) {
          const s = smap.lookup(offset);
          if (s) {
            sources.sourceMap = true;
            return { function: s.name ? demangle(s.name) : fallbackName, file: s.file, line: s.line, column: s.column };
          }
        }
        const name = self.functionName(funcIndex);
        return name === undefined ? null : { function: name, file: '', line: 0, column: 0 };
      } catch (e) {
        note('lookup', e);
        return null;
      }
    },
  };
  if (options.sourceMap !== undefined) self.setSourceMap(options.sourceMap);
  return self;
}
