// Allocator discovery on a corpus of real npm packages (devDependencies,
// pinned): emscripten release builds (minified exports, emmalloc, embind, a
// realloc/free-only API), other C builds, wasm-bindgen crates from several
// wasm-bindgen versions (named __wbindgen_malloc/free, renamed
// __wbindgen_export_N and __wbindgen_exportN, internal frees of (ptr) and
// (ptr, size)), and an AssemblyScript control without an allocator.
//
// For each module: every allocator role found agrees with the package's own
// glue (emscripten: its export map, `_malloc = wasmExports["s"]`; wasm-bindgen:
// the exports it passes to passStringToWasm0 / passArray8ToWasm0 and the one
// it frees returned buffers with), no allocator the glue uses is missed, the
// result is never partial, and the whole list is pinned. Where the package
// runs in Node, a scripted round trip through its own API under the page
// agent (call path) leaves 0 net blocks and reports 0 errors.
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseModule, KIND } from './reader';
import { discover, unpairedReason, type AllocatorInfo } from './discover';
import { instrument } from './index';
import { PageAgent } from '../agent/page-agent';
import { parsePageMsg, type PageToPanel } from '../protocol';
import { freshWebAssembly, lastSample } from '../test-support/page-messages';

const require = createRequire(import.meta.url);
const nm = (p: string) => new URL(`../../node_modules/${p}`, import.meta.url);
const text = (p: string) => readFileSync(nm(p), 'utf8');

type Kind = 'emscripten' | 'wasm-bindgen' | 'c' | 'none';

interface Entry {
  pkg: string;
  wasm: string;
  kind: Kind;
  /** Glue files holding the ground truth (paths under node_modules). */
  glue: string[];
  /** What is special about it. */
  shape: string;
  /** role=name of every allocator found, sorted. */
  found: string;
}

const CORPUS: Entry[] = [
  // ---------------------------------------------------------------- emscripten
  {
    pkg: '@bokuweb/zstd-wasm@0.0.27',
    wasm: '@bokuweb/zstd-wasm/dist/common/zstd.wasm',
    kind: 'emscripten',
    glue: ['@bokuweb/zstd-wasm/dist/common/zstd.js'],
    shape: 'malloc and free reached through separate wrappers, no shared caller: paired by allocator state + chunk header',
    found: 'free=t malloc=s',
  },
  {
    pkg: '@foxglove/wasm-zstd@1.0.1',
    wasm: '@foxglove/wasm-zstd/dist/wasm-zstd.wasm',
    kind: 'emscripten',
    glue: ['@foxglove/wasm-zstd/dist/wasm-zstd.js'],
    shape: 'malloc called from one place only',
    found: 'free=g malloc=f',
  },
  {
    pkg: '@foxglove/wasm-lz4@1.0.2',
    wasm: '@foxglove/wasm-lz4/dist/wasm-lz4.wasm',
    kind: 'emscripten',
    glue: ['@foxglove/wasm-lz4/dist/wasm-lz4.js'],
    shape: 'minified, co-callers',
    found: 'free=f malloc=e',
  },
  {
    pkg: '@foxglove/wasm-bz2@0.3.0',
    wasm: '@foxglove/wasm-bz2/wasm/module.wasm',
    kind: 'emscripten',
    glue: ['@foxglove/wasm-bz2/wasm/module.js'],
    shape: 'name section, embind',
    found: 'free=free malloc=malloc realloc=dlrealloc',
  },
  {
    pkg: '@echogarden/fvad-wasm@0.2.0',
    wasm: '@echogarden/fvad-wasm/fvad.wasm',
    kind: 'emscripten',
    glue: ['@echogarden/fvad-wasm/fvad.js'],
    shape: 'malloc called from one place; an exported fvad_free that calls free',
    found: 'free=i malloc=f',
  },
  {
    pkg: '@echogarden/kissfft-wasm@0.2.0',
    wasm: '@echogarden/kissfft-wasm/kissfft.wasm',
    kind: 'emscripten',
    glue: ['@echogarden/kissfft-wasm/kissfft.js'],
    shape: 'minified, co-callers',
    found: 'free=k malloc=i',
  },
  {
    pkg: '@echogarden/rnnoise-wasm@0.2.0',
    wasm: '@echogarden/rnnoise-wasm/rnnoise.wasm',
    kind: 'emscripten',
    glue: ['@echogarden/rnnoise-wasm/rnnoise.js'],
    shape: 'minified, co-callers',
    found: 'free=j malloc=l',
  },
  {
    pkg: '@echogarden/sonic-wasm@0.2.0',
    wasm: '@echogarden/sonic-wasm/sonic.wasm',
    kind: 'emscripten',
    glue: ['@echogarden/sonic-wasm/sonic.js'],
    shape: 'internal realloc found by structure',
    found: 'free=p malloc=G realloc=func3',
  },
  {
    pkg: '@echogarden/speex-resampler-wasm@0.3.0',
    wasm: '@echogarden/speex-resampler-wasm/wasm/speex-resampler-nonsimd.wasm',
    kind: 'emscripten',
    glue: ['@echogarden/speex-resampler-wasm/wasm/speex-resampler-nonsimd.js'],
    shape: 'internal realloc found by structure',
    found: 'free=h malloc=C realloc=func15',
  },
  {
    pkg: 'argon2-browser@1.18.0',
    wasm: 'argon2-browser/dist/argon2.wasm',
    kind: 'emscripten',
    glue: ['argon2-browser/dist/argon2.js'],
    shape: 'older emscripten (Module["asm"])',
    found: 'free=g malloc=f',
  },
  {
    pkg: '@cornerstonejs/codec-charls@1.2.7',
    wasm: '@cornerstonejs/codec-charls/dist/charlswasm.wasm',
    kind: 'emscripten',
    glue: ['@cornerstonejs/codec-charls/dist/charlswasm.js'],
    shape: 'emmalloc (malloc = memalign(8, size)), embind, malloc never called by the module',
    found: 'free=F malloc=E memalign=func54',
  },
  {
    pkg: 'zxing-wasm@3.1.6',
    wasm: 'zxing-wasm/dist/reader/zxing_reader.wasm',
    kind: 'emscripten',
    glue: ['zxing-wasm/dist/cjs/reader/index.js'],
    shape: 'embind, C++; internal realloc by structure',
    found: 'free=ua malloc=ta realloc=func178',
  },
  {
    pkg: '@wasm-fmt/clang-format@23.1.0',
    wasm: '@wasm-fmt/clang-format/clang-format.wasm',
    kind: 'emscripten',
    glue: ['@wasm-fmt/clang-format/clang-format.js'],
    shape: '2.6 MB C++, embind',
    found: 'free=da malloc=ca',
  },
  {
    pkg: 'markdown-wasm@1.2.0',
    wasm: 'markdown-wasm/dist/markdown.wasm',
    kind: 'emscripten',
    glue: ['markdown-wasm/dist/markdown.node.js'],
    shape: 'exports only wrealloc/wfree: the malloc is internal, reached through realloc',
    found: 'free=e free=func3 malloc=func7 realloc=d realloc=func5',
  },
  // ------------------------------------------------------------------- other C
  {
    pkg: 'harfbuzzjs@1.6.4',
    wasm: 'harfbuzzjs/dist/harfbuzz.wasm',
    kind: 'c',
    glue: ['harfbuzzjs/dist/index.mjs'],
    shape: 'own build, malloc/free exported by name; internal realloc by structure',
    found: 'free=free malloc=malloc realloc=func58',
  },
  // -------------------------------------------------------------- wasm-bindgen
  {
    pkg: 'lz4-wasm-nodejs@0.9.2',
    wasm: 'lz4-wasm-nodejs/lz4_wasm_nodejs_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['lz4-wasm-nodejs/lz4_wasm_nodejs.js'],
    shape: 'older wasm-bindgen: malloc(size), free(ptr, size)',
    found: 'free=func7 rust_alloc=func14 rust_alloc=func71 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc',
  },
  {
    pkg: 'snappy-wasm@0.3.0',
    wasm: 'snappy-wasm/cjs/snappy_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['snappy-wasm/cjs/snappy.js'],
    shape: 'wasm-bindgen with realloc',
    found:
      'free=func6 rust_alloc=func13 rust_alloc=func95 rust_realloc=func9 rust_realloc=func90 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc wbg_realloc=__wbindgen_realloc',
  },
  {
    pkg: 'brotli-dec-wasm@2.3.2',
    wasm: 'brotli-dec-wasm/pkg/brotli_dec_wasm_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['brotli-dec-wasm/pkg/brotli_dec_wasm.js'],
    shape: "exports also call Layout::is_size_align_valid, of the allocator's own type: the allocator is the returned call",
    found:
      'rust_alloc=func122 rust_dealloc=func134 rust_realloc=func114 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc wbg_realloc=__wbindgen_realloc',
  },
  {
    pkg: '@jsquash/png@3.1.1',
    wasm: '@jsquash/png/codec/pkg/squoosh_png_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['@jsquash/png/codec/pkg/squoosh_png.js'],
    shape: 'internal free of type (ptr, size) -> (); malloc/memalign inlined into __wbindgen_malloc',
    found: 'free=func132 malloc=func11 memalign=func44 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc',
  },
  {
    pkg: '@cf-wasm/png@0.4.0',
    wasm: '@cf-wasm/png/dist/lib/png_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['@cf-wasm/png/dist/lib/png.js'],
    shape: 'internal free (ptr, size) -> () reached from __wbindgen_free; free of dlmalloc one call further',
    found: 'free=func28 malloc=func12 memalign=func54 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc',
  },
  {
    pkg: '@oxc-parser/wasm@0.60.0',
    wasm: '@oxc-parser/wasm/node/oxc_parser_wasm_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['@oxc-parser/wasm/node/oxc_parser_wasm.js'],
    shape: 'renamed __wbindgen_export_1/2/3 + is_size_align_valid',
    found:
      'rust_alloc=func757 rust_dealloc=func768 rust_realloc=func730 wbg_free=__wbindgen_export_3 wbg_malloc=__wbindgen_export_1 wbg_realloc=__wbindgen_export_2',
  },
  {
    pkg: '@wasm-fmt/sql_fmt@0.2.2',
    wasm: '@wasm-fmt/sql_fmt/sql_fmt_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['@wasm-fmt/sql_fmt/sql_fmt_bg.js'],
    shape: 'newest naming: __wbindgen_export, __wbindgen_export2, ...',
    found:
      'rust_alloc=func293 rust_dealloc=func274 rust_realloc=func263 wbg_free=__wbindgen_export4 wbg_malloc=__wbindgen_export wbg_realloc=__wbindgen_export2',
  },
  {
    pkg: '@wasm-fmt/ruff_fmt@0.15.20',
    wasm: '@wasm-fmt/ruff_fmt/ruff_fmt_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['@wasm-fmt/ruff_fmt/ruff_fmt_bg.js'],
    shape: 'newest naming, 1.2 MB',
    found:
      'rust_alloc=func2287 rust_dealloc=func2216 rust_realloc=func2135 wbg_free=__wbindgen_export4 wbg_malloc=__wbindgen_export wbg_realloc=__wbindgen_export2',
  },
  {
    pkg: '@wasm-fmt/lua_fmt@0.3.3',
    wasm: '@wasm-fmt/lua_fmt/lua_fmt_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['@wasm-fmt/lua_fmt/lua_fmt_bg.js'],
    shape: 'newest naming, internal free (ptr)',
    found:
      'free=func1280 rust_alloc=func1305 rust_realloc=func1258 wbg_free=__wbindgen_export4 wbg_malloc=__wbindgen_export wbg_realloc=__wbindgen_export2',
  },
  {
    pkg: 'html-rewriter-wasm@0.4.1',
    wasm: 'html-rewriter-wasm/dist/html_rewriter_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['html-rewriter-wasm/dist/html_rewriter.js'],
    shape: 'older wasm-bindgen, asyncify',
    found:
      'free=func143 rust_alloc=func318 rust_alloc=func784 rust_realloc=func200 rust_realloc=func774 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc wbg_realloc=__wbindgen_realloc',
  },
  {
    pkg: 'svg2png-wasm@1.4.1',
    wasm: 'svg2png-wasm/svg2png_wasm_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['svg2png-wasm/dist/index.cjs'],
    shape: '2 MB (resvg)',
    found:
      'free=func283 rust_alloc=func1343 rust_realloc=func1325 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc wbg_realloc=__wbindgen_realloc',
  },
  {
    pkg: '@resvg/resvg-wasm@2.6.2',
    wasm: '@resvg/resvg-wasm/index_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['@resvg/resvg-wasm/index.js'],
    shape: '2.5 MB, dlmalloc malloc/memalign inlined into __wbindgen_malloc',
    found:
      'free=func398 malloc=func102 memalign=func766 rust_realloc=func499 wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc wbg_realloc=__wbindgen_realloc',
  },
  {
    pkg: 'wasm-flate@1.0.2',
    wasm: 'wasm-flate/wasm_flate_bg.wasm',
    kind: 'wasm-bindgen',
    glue: ['wasm-flate/wasm_flate.js'],
    shape: 'name section: __rust_* / __rg_* by name',
    found:
      'rust_alloc=__rg_alloc rust_alloc=__rust_alloc rust_alloc_zeroed=__rg_alloc_zeroed rust_alloc_zeroed=__rust_alloc_zeroed rust_dealloc=__rg_dealloc rust_dealloc=__rust_dealloc rust_realloc=__rg_realloc rust_realloc=__rust_realloc wbg_free=__wbindgen_free wbg_malloc=__wbindgen_malloc wbg_realloc=__wbindgen_realloc',
  },
  // ------------------------------------------------------------------- control
  {
    pkg: '@chainsafe/as-sha256@1.2.5',
    wasm: '@chainsafe/as-sha256/build/optimized.wasm',
    kind: 'none',
    glue: [],
    shape: 'AssemblyScript, stub runtime (no free, nothing exported): no allocator, nothing hooked',
    found: '',
  },
];

/** Emscripten: the glue's own export map, `_malloc = wasmExports["s"]`, `_free=Module["asm"]["g"]`, `_wrealloc=n.asm.d`. */
function emscriptenAllocatorExports(glue: string): Map<string, string> {
  const out = new Map<string, string>();
  // (a lookahead: the text after one assignment may hold the next)
  const re = /(?<![\w$])_(malloc|free|calloc|realloc|wrealloc|wfree|memalign|aligned_alloc)\s*=(?=([^;]{0,240}))/g;
  for (const m of glue.matchAll(re)) {
    // newest, minified: function assignWasmExports(e) { ... a._malloc = e.ta, ...
    const x =
      /^\s*(?!Module\b)[A-Za-z_$][\w$]*\.()([\w$]+)\s*[,;]/.exec(m[2]) ??
      /(?:wasmExports|asm)["']?\]?(?:\[["']([\w$]+)["']\]|\.([\w$]+))/.exec(m[2]);
    if (!x) continue;
    const name = x[1] || x[2];
    if (!out.has(m[1])) out.set(m[1], name);
  }
  return out;
}

/**
 * wasm-bindgen: the exports the glue allocates with (passStringToWasm0(arg,
 * malloc, realloc), passArray8ToWasm0(arg, malloc)) and frees returned
 * buffers with (`wasm.X(r0, r1 * 1)`, `wasm.X(deferred1_0, deferred1_1, 1)`).
 */
function wasmBindgenAllocatorExports(glue: string): { malloc: Set<string>; realloc: Set<string>; free: Set<string> } {
  const malloc = new Set<string>();
  const realloc = new Set<string>();
  const free = new Set<string>();
  for (const m of glue.matchAll(/pass(?:StringToWasm0|Array\w*ToWasm0)\([\w$.]+,\s*wasm\.([\w$]+)(?:,\s*wasm\.([\w$]+))?\)/g)) {
    malloc.add(m[1]);
    if (m[2]) realloc.add(m[2]);
  }
  for (const m of glue.matchAll(
    /wasm\.([\w$]+)\((?:r0|deferred\d+_0|arg0|ret\[0\]),\s*(?:r1|deferred\d+_1|arg1|ret\[1\])(?:\s*\*\s*\d+)?(?:,\s*\d+)?\)/g,
  )) {
    if (m[1].startsWith('__wbg_')) continue; // a struct's own free (ptr, 0)
    free.add(m[1]);
  }
  // A minified glue (brotli-dec-wasm: `r.__wbindgen_free(n[0],n[1]*1,1)`) still names them.
  for (const [set, name] of [
    [malloc, '__wbindgen_malloc'],
    [free, '__wbindgen_free'],
    [realloc, '__wbindgen_realloc'],
  ] as const) {
    if (set.size === 0 && new RegExp(`[\\w$]\\.${name}\\b`).test(glue)) set.add(name);
  }
  return { malloc, realloc, free };
}

const GLUE_ROLE: Record<string, string> = {
  malloc: 'malloc',
  free: 'free',
  calloc: 'calloc',
  realloc: 'realloc',
  wrealloc: 'realloc',
  wfree: 'free',
  memalign: 'memalign',
  aligned_alloc: 'aligned_alloc',
};

interface Discovered {
  entry: Entry;
  found: AllocatorInfo[];
  exportsOf: Map<number, string[]>;
  ms: number;
}

const discovered: Discovered[] = [];

function run(entry: Entry): Discovered {
  const bytes = new Uint8Array(readFileSync(nm(entry.wasm)));
  const m = parseModule(bytes);
  const t0 = performance.now();
  const found = discover(m);
  const ms = performance.now() - t0;
  const exportsOf = new Map<number, string[]>();
  for (const e of m.exports) if (e.kind === KIND.FUNC) exportsOf.set(e.index, [...(exportsOf.get(e.index) ?? []), e.name]);
  const d = { entry, found, exportsOf, ms };
  discovered.push(d);
  return d;
}

const summary = (found: AllocatorInfo[]) =>
  found
    .map((a) => `${a.role}=${a.name}`)
    .sort()
    .join(' ');

describe('discovery corpus: real npm packages', () => {
  it('has at least 20 packages with an allocator, emscripten and wasm-bindgen among them', () => {
    const withAlloc = CORPUS.filter((e) => e.kind !== 'none');
    expect(withAlloc.length).toBeGreaterThanOrEqual(20);
    expect(CORPUS.filter((e) => e.kind === 'emscripten').length).toBeGreaterThanOrEqual(10);
    expect(CORPUS.filter((e) => e.kind === 'wasm-bindgen').length).toBeGreaterThanOrEqual(10);
  });

  for (const entry of CORPUS) {
    it(`${entry.pkg}: ${entry.shape}`, () => {
      const { found, exportsOf } = run(entry);
      expect(summary(found)).toBe(entry.found);
      if (entry.kind === 'none') {
        expect(found).toEqual([]);
        return;
      }
      // The rewritten module compiles (call path; the table path needs multi-memory, Chromium: e2e).
      const r = instrument(new Uint8Array(readFileSync(nm(entry.wasm))));
      expect([r.reason, r.partial]).toEqual([undefined, undefined]);
      expect(new WebAssembly.Module(r.bytes as BufferSource)).toBeInstanceOf(WebAssembly.Module);
      // Never partial: every allocation role comes with its free.
      expect(unpairedReason(found)).toBeNull();
      const byExport = new Map<string, AllocatorInfo>();
      for (const a of found) for (const name of exportsOf.get(a.funcIndex) ?? []) byExport.set(name, a);
      const glue = entry.glue.map(text).join('\n');
      if (entry.kind === 'emscripten') {
        const map = emscriptenAllocatorExports(glue);
        expect(map.size).toBeGreaterThan(0);
        // Every allocator export the glue names is found, in its role...
        for (const [sym, exp] of map) {
          expect(byExport.get(exp)?.role, `${sym} = export "${exp}"`).toBe(GLUE_ROLE[sym]);
        }
        // ...and every exported function found is one the glue names so.
        const named = new Map([...map].map(([sym, exp]) => [exp, GLUE_ROLE[sym]]));
        for (const [exp, a] of byExport) expect(named.get(exp), `export "${exp}" found as ${a.role}`).toBe(a.role);
      } else if (entry.kind === 'wasm-bindgen') {
        const g = wasmBindgenAllocatorExports(glue);
        expect(g.malloc.size).toBe(1);
        expect(g.free.size).toBe(1);
        for (const x of g.malloc) expect(byExport.get(x)?.role, x).toBe('wbg_malloc');
        for (const x of g.free) expect(byExport.get(x)?.role, x).toBe('wbg_free');
        for (const x of g.realloc) expect(byExport.get(x)?.role, x).toBe('wbg_realloc');
        for (const [exp, a] of byExport) {
          const want = g.malloc.has(exp) ? 'wbg_malloc' : g.free.has(exp) ? 'wbg_free' : g.realloc.has(exp) ? 'wbg_realloc' : null;
          // __wbindgen_realloc unused by a glue that passes no strings is still exported by that name
          if (want === null && exp === '__wbindgen_realloc') continue;
          if (want === null && /^__(rust|rg|rdl)_/.test(exp)) continue;
          expect(want, `export "${exp}" found as ${a.role}`).toBe(a.role);
        }
        // The internal allocator is found too (Rust code allocates and frees through it, never through the exports).
        expect(found.some((a) => ['rust_alloc', 'malloc', 'memalign'].includes(a.role))).toBe(true);
        expect(found.some((a) => ['rust_dealloc', 'free'].includes(a.role))).toBe(true);
      } else {
        // Plain C with malloc/free exported by name: the JS calls them by that name.
        for (const name of ['malloc', 'free']) {
          expect(glue).toMatch(new RegExp(`\\.${name}\\(`));
          expect(byExport.get(name)?.role).toBe(name);
        }
      }
    });
  }

  afterAll(() => {
    const total = discovered.reduce((s, d) => s + d.ms, 0);
    // Discovery runs in the page before every compile: keep it cheap.
    expect(total).toBeLessThan(5000);
  });
});

// ------------------------------------------------------------ round trips ---

/** One page in Node: a hooked WebAssembly copy, its agent (call path), and the validated messages. */
class Page {
  readonly wa = freshWebAssembly();
  readonly sent: PageToPanel[] = [];
  readonly agent: PageAgent;
  constructor() {
    this.agent = new PageAgent(this.wa, {
      post: (m) => this.sent.push(parsePageMsg(JSON.parse(JSON.stringify(m)))),
      now: () => Date.now(),
      url: 'test://corpus',
      setTimer: () => 0,
      instrument: (bytes) => instrument(bytes, { eventPath: 'call' }),
    });
  }
  modules() {
    return this.sent.filter((m) => m.t === 'module');
  }
  /** Summed over the page's modules, as its last batch reports them. */
  counters() {
    this.agent.flush();
    const out = { live: 0, bytes: 0, allocs: 0, frees: 0 };
    for (const r of this.agent.records) {
      const t = r.tracker;
      out.live += t.liveCount;
      out.bytes += t.liveBytes;
      out.allocs += t.totalAllocs;
      out.frees += t.totalFrees;
    }
    // the batch the panel got says the same for the newest module
    const s = lastSample(this.sent);
    const last = this.agent.records.at(-1)!.tracker;
    expect([s.liveCount, s.allocs]).toEqual([last.liveCount, last.totalAllocs]);
    return out;
  }
  errors() {
    this.agent.flush();
    return this.sent.flatMap((m) => (m.t === 'batch' ? m.errors : []));
  }
}

/** Loads a package with the global WebAssembly swapped for the page's hooked copy (glues look it up while they load). */
async function hooked<T>(page: Page, load: () => T | Promise<T>): Promise<T> {
  const g = globalThis as { WebAssembly: typeof WebAssembly };
  const real = g.WebAssembly;
  g.WebAssembly = page.wa;
  try {
    return await load();
  } finally {
    g.WebAssembly = real;
  }
}

interface RoundTrip {
  pkg: string;
  /** Loads the package (inside `hooked`); returns the scenario, run twice: once to warm caches, once measured. */
  load(): Promise<() => void | Promise<void>>;
}

const input = new TextEncoder().encode(Array.from({ length: 2000 }, (_, i) => `line ${i} ${'abc'.repeat(i % 17)}\n`).join(''));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A CommonJS codec whose `decode(encode(input))` gives the input back. */
function codec(pkg: string, encode: string, decode: string): RoundTrip {
  return {
    pkg,
    async load() {
      const m = require(pkg) as Record<string, (b: Uint8Array) => Uint8Array>;
      return () => {
        expect(same(m[decode](m[encode](input)), input)).toBe(true);
      };
    },
  };
}

const ROUND_TRIPS: RoundTrip[] = [
  {
    pkg: '@bokuweb/zstd-wasm',
    async load() {
      const z = require('@bokuweb/zstd-wasm') as {
        init(): Promise<void>;
        compress(b: Uint8Array, l?: number): Uint8Array;
        decompress(b: Uint8Array): Uint8Array;
      };
      await z.init();
      return () => {
        const c = z.compress(input, 10);
        expect(same(z.decompress(c), input)).toBe(true);
      };
    },
  },
  {
    pkg: '@foxglove/wasm-zstd',
    async load() {
      const z = require('@foxglove/wasm-zstd') as {
        isLoaded: Promise<void>;
        compress(b: Uint8Array, l?: number): Uint8Array;
        decompress(b: Uint8Array, n: number): Uint8Array;
      };
      await z.isLoaded;
      return () => {
        const c = z.compress(input, 5);
        expect(same(new Uint8Array(z.decompress(c, input.length)), input)).toBe(true);
      };
    },
  },
  codec('lz4-wasm-nodejs', 'compress', 'decompress'),
  codec('snappy-wasm', 'compress_raw', 'decompress_raw'),
  codec('wasm-flate', 'deflate_encode_raw', 'deflate_decode_raw'),
  {
    pkg: 'markdown-wasm',
    async load() {
      const md = require('markdown-wasm') as { ready: Promise<void>; parse(s: string): string };
      await md.ready;
      return () => {
        expect(md.parse('# Title\n\n*a* **b** `c`\n\n- x\n- y\n')).toMatch(/>Title<\/h1>/);
      };
    },
  },
  {
    pkg: '@oxc-parser/wasm',
    async load() {
      const oxc = require('@oxc-parser/wasm') as { parseSync(s: string, o?: object): { program: unknown; free(): void } };
      return () => {
        const r = oxc.parseSync('const a = [1, 2, 3].map((x) => x * 2); function f(s) { return s + "!"; }', { sourceFilename: 'a.js' });
        expect(r.program).toBeTruthy();
        r.free();
      };
    },
  },
  {
    pkg: '@wasm-fmt/sql_fmt',
    async load() {
      const sql = (await import('@wasm-fmt/sql_fmt')) as { format(s: string, o?: object): string };
      return () => {
        expect(sql.format('select a,b from t where a=1 and b in (select c from u)')).toMatch(/^SELECT/i);
      };
    },
  },
  {
    pkg: '@foxglove/wasm-bz2',
    async load() {
      const Bzip2 = require('@foxglove/wasm-bz2') as { init(): Promise<{ decompress(b: Uint8Array, n: number): Uint8Array }> };
      const bz2 = await Bzip2.init();
      // `bzip2 -9` of the first 200 lines of `input`
      const small = input.subarray(0, 6612);
      const c = new Uint8Array(
        Buffer.from(
          'QlpoOTFBWSZTWWqBtuwADCJZAAAQQAB/4DolUAPesXAOQKBDTUp55VP2qaRgRVN4n/qqU//VVGQAk9VKlHpt+qqmTAUyYmQZGBU1VQYmJhp4+opisKYpihQr' +
            'NqYCaABIoAkVXzW59zwJN7/gCgKbbbBckdBnhU6DGqnAxqpwMW6bDFumwxXJoMVy22cYq0HGKmxtirw2N9Kjhoq77767703dpJaRV3aSWkVd3vDLxnBcJlky' +
            'HIoPnd7vd536O4+d+3bRtG0bRtG0VjaLRte+u+u93u878O4+fXwAAD3O+u93u878O49+AQgHvnO/bvd7vO+Hc9+AAAe+vnO/fvd7vO47vfkIAB76fOd+/e73' +
            'edxz9AAEL3Hznffe73edx9gAAe767z5zv13u93ndfYBCA93u8+c++53u87vsAAD+NGqQVhWFbaTKCsKwoKYoK21BQU2rFYrCqKo2xqjbG2LY2xrFRrBrG2LY' +
            'qi2LY1i2KxsVi0RbFsWxrGsVjWNosbRtEWjWNYrFYrG0WjRaLRaSsaxaNo2i0aijUajUY2o1YplMrFCtQoUJUliio1GoqNiNjY2NipKjYqNiwWLFixsaCxsW' +
            'NJo0aNEYpNFjRRRRRRRjBRRjGMZIiTGIiIgBIAG1/+2rVb+ratG4GNwMb2MbgY3wXckU4UJBqgbbsA==',
          'base64',
        ),
      );
      return () => {
        expect(same(bz2.decompress(c, small.length), small)).toBe(true);
      };
    },
  },
  ...(['ruff_fmt', 'lua_fmt'] as const).map(
    (name): RoundTrip => ({
      pkg: `@wasm-fmt/${name}`,
      async load() {
        const f = (await import(`@wasm-fmt/${name}`)) as { format(s: string, ...a: unknown[]): string };
        const src = name === 'ruff_fmt' ? 'def f( a,b ):\n  return [a,\nb]\n' : 'local   a={1,2,3}\nfunction f( x ) return x+1 end\n';
        return () => {
          expect(f.format(src, ...(name === 'ruff_fmt' ? ['a.py'] : []))).toMatch(
            name === 'ruff_fmt' ? /^def f\(a, b\):/ : /^local a = \{ 1, 2, 3 \}/,
          );
        };
      },
    }),
  ),
  {
    pkg: '@resvg/resvg-wasm',
    async load() {
      const r = require('@resvg/resvg-wasm') as {
        initWasm(b: Uint8Array): Promise<void>;
        Resvg: new (svg: string) => { render(): { asPng(): Uint8Array; free(): void }; free(): void };
      };
      await r.initWasm(new Uint8Array(readFileSync(nm('@resvg/resvg-wasm/index_bg.wasm'))));
      return () => {
        const svg = new r.Resvg(
          '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect x="5" y="5" width="30" height="20" fill="#c00"/></svg>',
        );
        const img = svg.render();
        expect([...img.asPng().subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // PNG
        img.free();
        svg.free();
      };
    },
  },
  ...echogarden(),
];

/** The echogarden emscripten builds (ES module factories), each driven through its C API as their wrappers do. */
function echogarden(): RoundTrip[] {
  type M = Record<string, (...a: number[]) => number> & { HEAPF32: Float32Array; HEAP16: Int16Array; HEAPU8: Uint8Array };
  const load = async (pkg: string, wasm: string): Promise<M> => {
    const { default: factory } = (await import(pkg)) as { default: (o: object) => Promise<M> };
    const bytes = new Uint8Array(readFileSync(nm(wasm)));
    return factory({
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        // the global WebAssembly is the page's hooked copy here (see `hooked`)
        void WebAssembly.instantiate(bytes, imports).then((r) => done(r.instance, r.module));
        return {};
      },
    });
  };
  /** The package's module loaded with its wasm file (`wasm`: its path in the package), then `scenario` run on it. */
  const driven = (pkg: string, wasm: string, scenario: (m: M) => void): RoundTrip => ({
    pkg,
    async load() {
      const m = await load(pkg, `${pkg}/${wasm}`);
      return () => scenario(m);
    },
  });
  const tone = (n: number, rate: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return [
    driven('@echogarden/kissfft-wasm', 'kissfft.wasm', (m) => {
      const n = 512;
      const cfg = m._kiss_fftr_alloc(n, 0, 0, 0);
      const inp = m._malloc(n * 4);
      const out = m._malloc((n / 2 + 1) * 8);
      m.HEAPF32.set(tone(n, 8000), inp / 4);
      m._kiss_fftr(cfg, inp, out);
      expect(m.HEAPF32[out / 4 + 2 * 28]).toBeGreaterThan(50); // 440 Hz ≈ bin 28
      m._free(out);
      m._free(inp);
      m._free(cfg); // kiss_fftr_free is free
    }),
    driven('@echogarden/fvad-wasm', 'fvad.wasm', (m) => {
      const vad = m._fvad_new();
      expect(m._fvad_set_sample_rate(vad, 16000)).toBe(0);
      const frame = m._malloc(320 * 2);
      m.HEAP16.set(
        Int16Array.from(tone(320, 16000), (x) => x * 20000),
        frame / 2,
      );
      expect(m._fvad_process(vad, frame, 320)).toBeGreaterThanOrEqual(0);
      m._free(frame);
      m._fvad_free(vad);
    }),
    driven('@echogarden/rnnoise-wasm', 'rnnoise.wasm', (m) => {
      const st = m._rnnoise_create(0);
      const buf = m._malloc(480 * 4);
      m.HEAPF32.set(
        tone(480, 48000).map((x) => x * 20000),
        buf / 4,
      );
      m._rnnoise_process_frame(st, buf, buf);
      m._free(buf);
      m._rnnoise_destroy(st);
    }),
    driven('@echogarden/sonic-wasm', 'sonic.wasm', (m) => {
      const s = m._sonicCreateStream(16000, 1);
      m._sonicSetSpeed(s, 1.5);
      const n = 16000;
      const buf = m._malloc(n * 4);
      m.HEAPF32.set(tone(n, 16000), buf / 4);
      m._sonicWriteFloatToStream(s, buf, n); // the stream's buffers grow by realloc
      m._sonicFlushStream(s);
      const got = m._sonicReadFloatFromStream(s, buf, n);
      expect(Math.abs(got - n / 1.5)).toBeLessThan(400);
      m._free(buf);
      m._sonicDestroyStream(s);
    }),
    driven('@echogarden/speex-resampler-wasm', 'wasm/speex-resampler-nonsimd.wasm', (m) => {
      const err = m._malloc(4);
      const st = m._speex_resampler_init(1, 48000, 16000, 5, err);
      const n = 4800;
      const inp = m._malloc(n * 4);
      const out = m._malloc(n * 4);
      const lens = m._malloc(8);
      m.HEAPF32.set(tone(n, 48000), inp / 4);
      new Uint32Array(m.HEAPU8.buffer, lens, 2).set([n, n]);
      expect(m._speex_resampler_process_float(st, 0, inp, lens, out, lens + 4)).toBe(0);
      expect(new Uint32Array(m.HEAPU8.buffer, lens, 2)[1]).toBeGreaterThan(1500);
      for (const p of [lens, out, inp, err]) m._free(p);
      m._speex_resampler_destroy(st);
    }),
  ];
}

describe("discovery corpus: round trips through each package's API under the page agent", () => {
  for (const rt of ROUND_TRIPS) {
    it(`${rt.pkg}: 0 net blocks, 0 errors`, async () => {
      const page = new Page();
      const scenario = await hooked(page, () => rt.load());
      const mods = page.modules();
      expect(mods.length).toBeGreaterThan(0);
      for (const m of mods) expect(m.t === 'module' && [m.instrumented, m.reason]).toEqual([true, '']);
      await scenario(); // caches, lazily initialised statics
      const before = page.counters();
      await scenario();
      const after = page.counters();
      expect(after.allocs - before.allocs).toBeGreaterThan(0);
      expect([after.live - before.live, after.bytes - before.bytes]).toEqual([0, 0]);
      expect(page.errors()).toEqual([]);
      page.agent.hooks.uninstall();
    });
  }
});
