/**
 * Symbolization of wasm code locations (see symbolizer.ts), with C++ and Rust
 * names demangled. The page script imports symbolizer.ts directly and leaves
 * demangling to the panel.
 */
import { createSymbolizer as create, type Symbolizer, type SymbolizerOptions } from './symbolizer';
import { demangle } from './demangle';

export { demangle } from './demangle';
export { parseSourceMap } from './sourcemap';
export { formatLocation } from './symbolizer';
export type { Symbolizer, SymbolizerOptions, SourceLocation } from './symbolizer';
export type { SourceMapLookup, SourceMapLocation } from './sourcemap';

export function createSymbolizer(moduleBytes: Uint8Array, options: SymbolizerOptions = {}): Symbolizer {
  return create(moduleBytes, { demangle, ...options });
}
