// Real npm packages loaded through their OWN JS glue, for tests that run the
// page side (src/agent) or the Node API (src/node) on them. `wa` is the
// WebAssembly namespace the glue must instantiate with: a hooked private copy
// (freshWebAssembly + PageAgent), or null for the global one (untouched, or
// hooked by trackWasm()). Each call loads a fresh copy of the glue.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
export const nodeModule = (p: string): URL => new URL(`../../node_modules/${p}`, import.meta.url);

// ---------------------------------------------------------------- sql.js ---

export interface SqlJsStatement {
  step(): boolean;
  get(): unknown[];
  free(): boolean;
  run(v?: unknown[]): void;
}
export interface SqlJsDatabase {
  run(sql: string, params?: unknown[]): void;
  exec(sql: string): { columns: string[]; values: unknown[][] }[];
  prepare(sql: string): SqlJsStatement;
  export(): Uint8Array;
  close(): void;
}
export type SqlJs = { Database: new () => SqlJsDatabase };

const SQLJS_GLUE = require.resolve('sql.js/dist/sql-wasm.js');
export const SQLJS_WASM = readFileSync(nodeModule('sql.js/dist/sql-wasm.wasm'));

/** sql.js 1.16 (minified emscripten). With `wa`, the glue instantiates through it (`instantiateWasm`). */
export async function loadSqlJs(wa: typeof WebAssembly | null): Promise<SqlJs> {
  delete require.cache[SQLJS_GLUE]; // the glue caches its init promise per module instance
  const initSqlJs = require(SQLJS_GLUE) as (o?: object) => Promise<SqlJs>;
  if (!wa) return initSqlJs();
  return initSqlJs({
    instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
      void wa.instantiate(SQLJS_WASM, imports).then((r) => done(r.instance, r.module));
      return {};
    },
  });
}

// ------------------------------------------------------------ brotli-wasm ---

export type Brotli = { compress(b: Uint8Array): Uint8Array; decompress(b: Uint8Array): Uint8Array };
const BROTLI_GLUE = nodeModule('brotli-wasm/pkg.node/brotli_wasm.js').pathname;

/** Runs `load` with globalThis.WebAssembly swapped for `wa` (wasm-bindgen node glues instantiate at require time). */
function withGlobalWebAssembly<T>(wa: typeof WebAssembly | null, load: () => T): T {
  const g = globalThis as { WebAssembly: typeof WebAssembly };
  const real = g.WebAssembly;
  if (wa) g.WebAssembly = wa;
  try {
    return load();
  } finally {
    g.WebAssembly = real;
  }
}

/**
 * brotli-wasm 3 (Rust + wasm-bindgen): the node glue compiles its .wasm at
 * require time with `new WebAssembly.Module(readFileSync(...))` / `new WebAssembly.Instance`.
 */
export function loadBrotli(wa: typeof WebAssembly | null): Brotli {
  delete require.cache[BROTLI_GLUE];
  return withGlobalWebAssembly(wa, () => require(BROTLI_GLUE) as Brotli);
}

// --------------------------------------------------------------- tiktoken ---

export interface TiktokenEncoder {
  encode(text: string): Uint32Array;
  decode(tokens: Uint32Array): Uint8Array;
  free(): void;
}
export type Tiktoken = { get_encoding(name: string): TiktokenEncoder };
const TIKTOKEN_GLUE = nodeModule('tiktoken/tiktoken.cjs').pathname;
const TIKTOKEN_BG = nodeModule('tiktoken/tiktoken_bg.cjs').pathname;

/** tiktoken 1.0: the wasm-bindgen node glue, its wasm state in tiktoken_bg.cjs; both reloaded. */
export function loadTiktoken(wa: typeof WebAssembly | null): Tiktoken {
  delete require.cache[TIKTOKEN_GLUE];
  delete require.cache[TIKTOKEN_BG];
  return withGlobalWebAssembly(wa, () => require(TIKTOKEN_GLUE) as Tiktoken);
}
