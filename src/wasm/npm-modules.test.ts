// Structural discovery on real npm modules, run through their own JS glue:
// sql.js (minified emscripten, no names) and brotli-wasm (wasm-bindgen, the
// Rust allocator internal and unnamed).
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { instrument, linkHook, parseModule } from './index';
import { allocatorInternal, callGraph, discover } from './discover';
import { hookedInstance, recordingEv } from '../test-support/hooked';

const require = createRequire(import.meta.url);
const root = new URL('../../node_modules/', import.meta.url);
type Ev = number[];

/** Tracks live blocks from rewriter events (JS-side export calls are not in them). */
function replay(events: Ev[]): { live: Map<number, number>; unknownFrees: number } {
  const live = new Map<number, number>();
  let unknownFrees = 0;
  for (const [k, a, b, c] of events) {
    if (k === 1 || k === 2 || k === 5 || k === 7 || k === 8) live.set(a >>> 0, k === 2 ? b * c : b);
    else if (k === 4 || k === 9) {
      if (!live.delete(a >>> 0)) unknownFrees++;
    } else if (k === 3 || k === 10) {
      if (b !== 0) live.delete(b >>> 0);
      live.set(a >>> 0, c);
    }
  }
  return { live, unknownFrees };
}

describe('sql.js (minified exports, no name section)', () => {
  const bytes = new Uint8Array(readFileSync(new URL('sql.js/dist/sql-wasm.wasm', root)));
  const r = instrument(bytes);

  it('finds malloc and free structurally', () => {
    expect(r.allocators.map((a) => [a.role, a.name, a.foundBy, a.confidence])).toEqual([
      ['free', 'Ja', 'heuristic', 'likely'],
      ['malloc', 'Ia', 'heuristic', 'likely'],
    ]);
    // the glue agrees: `_malloc=c.Ia; _free=c.Ja`
    const glue = readFileSync(new URL('sql.js/dist/sql-wasm.js', root), 'utf8');
    expect(glue).toContain('_malloc=c.Ia');
    expect(glue).toContain('_free=c.Ja');
  });

  it('sees the prepare-without-free leak through the real glue', async () => {
    const events: Ev[] = [];
    const initSqlJs = require('sql.js/dist/sql-wasm.js');
    const SQL = await initSqlJs({
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        const mod = new WebAssembly.Module(r.bytes as BufferSource);
        const inst = hookedInstance(mod, imports, r, recordingEv(events));
        done(inst, mod);
        return inst.exports;
      },
    });
    const db = new SQL.Database();
    db.run('CREATE TABLE t (a, b)');
    events.length = 0;
    for (let i = 0; i < 100; i++) {
      const st = db.prepare('SELECT * FROM t WHERE a = ?');
      st.bind([i]);
      st.step(); // no st.free(): leaks
    }
    const leaked = replay(events);
    events.length = 0;
    for (let i = 0; i < 100; i++) {
      const st = db.prepare('SELECT * FROM t WHERE a = ?');
      st.bind([i]);
      st.step();
      st.free();
    }
    const clean = replay(events);
    expect(leaked.live.size).toBe(523);
    expect(clean.live.size).toBe(0);
    expect(clean.unknownFrees).toBe(0);
  });
});

describe('brotli-wasm (wasm-bindgen)', () => {
  const path = 'brotli-wasm/pkg.node/brotli_wasm_bg.wasm';
  const bytes = new Uint8Array(readFileSync(new URL(path, root)));
  const r = instrument(bytes);

  it('follows __wbindgen_malloc/free/realloc to the internal Rust allocator', () => {
    const by = (role: string) => r.allocators.filter((a) => a.role === role).map((a) => a.name);
    expect(by('wbg_malloc')).toEqual(['__wbindgen_malloc']);
    expect(by('rust_alloc')).toEqual(['func230', 'func873']); // __rust_alloc-like forwarder and the real one
    expect(by('rust_realloc')).toEqual(['func115', 'func862']);
    expect(by('free')).toEqual(['func82']);
    expect(r.allocators.filter((a) => a.foundBy === 'heuristic').every((a) => a.confidence === 'likely')).toBe(true);
  });

  it('compress/decompress: every internal allocation is freed, and results match', () => {
    const events: Ev[] = [];
    const glue = new URL(`brotli-wasm/pkg.node/brotli_wasm.js`, root).pathname;
    const { Module: RealModule, Instance: RealInstance } = WebAssembly;
    // the glue compiles its .wasm with `new WebAssembly.Module(fs.readFileSync(...))`
    const W = WebAssembly as unknown as Record<string, unknown>;
    W.Module = function () {
      return new RealModule(r.bytes as BufferSource);
    };
    W.Instance = function (m: WebAssembly.Module, imports: WebAssembly.Imports) {
      const inst = new RealInstance(m, imports);
      linkHook(inst.exports, r, recordingEv(events), { Module: RealModule, Instance: RealInstance });
      return inst;
    };
    let brotli: { compress(b: Uint8Array): Uint8Array; decompress(b: Uint8Array): Uint8Array };
    try {
      delete require.cache[glue];
      brotli = require(glue);
    } finally {
      W.Module = RealModule;
      W.Instance = RealInstance;
    }
    const input = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);
    const c = brotli.compress(input);
    const d = brotli.decompress(c);
    expect(d).toEqual(input);
    const { live, unknownFrees } = replay(events);
    // Everything balances, JS's own calls included: the exported
    // __wbindgen_malloc/free point at the rewriter's export wrappers, so the
    // input buffers JS allocates and the result buffers it frees are events too.
    expect([...live.values()]).toEqual([]);
    expect(unknownFrees).toBe(0);
    expect(events.filter((e) => e[0] === 1).length).toBe(2); // the two inputs, through __wbindgen_malloc
    expect(events.filter((e) => e[0] === 7).length).toBe(81);
  });
});

describe('structural discovery on the C fixtures with names stripped', () => {
  /** Renames every export (same length, so offsets hold) and hides the name section. */
  function strip(bytes: Uint8Array): Uint8Array {
    const out = bytes.slice();
    const m = parseModule(bytes);
    const sec = (id: number, name?: string) => m.sections.find((s) => s.id === id && (name === undefined || s.name === name))!;
    const ex = sec(7);
    let p = ex.contentStart + 1; // count < 128
    for (let i = 0; i < m.exports.length; i++) {
      const len = out[p++];
      for (let k = 0; k < len; k++) out[p + k] = 0x41 + ((i * 7 + k) % 26); // "A".."Z"
      p += len + 2; // kind + 1-byte index
    }
    const names = sec(0, 'name');
    out[names.contentStart + 4] = 0x5f; // "name" -> "nam_": just an unknown custom section now
    return out;
  }

  it.each(['leak-wasi-O2.wasm', 'leak-emcc-O2.wasm'])('%s', (file) => {
    const original = new Uint8Array(readFileSync(new URL(`../e2e/site/wasm/${file}`, root)));
    const stripped = strip(original);
    const m = parseModule(stripped);
    expect(m.funcNames.size).toBe(0);
    expect(m.exports.some((e) => e.name === 'malloc')).toBe(false);
    const r = instrument(stripped);
    const byName = parseModule(original).funcNames;
    const found = Object.fromEntries(r.allocators.map((a) => [a.role, byName.get(a.funcIndex)]));
    expect(r.allocators.every((a) => a.foundBy === 'heuristic' && a.confidence === 'likely')).toBe(true);
    expect(found.malloc).toMatch(/malloc$/);
    expect(found.free).toMatch(/free$/);
    // and it still sees the leak
    const events: Ev[] = [];
    const inst = hookedInstance(
      r.bytes,
      { env: { emscripten_memcpy_big: () => 0, emscripten_resize_heap: () => 0 } },
      r,
      recordingEv(events),
    );
    const x = inst.exports as Record<string, () => void>;
    const exportName = (orig: string) => m.exports[parseModule(original).exports.findIndex((e) => e.name === orig)]?.name ?? '';
    x[exportName('_initialize')]?.();
    x[exportName('__wasm_call_ctors')]?.();
    events.length = 0;
    x[exportName('simulate_memory_leak')]();
    expect(events.filter((e) => e[0] === 1 && e[2] === 1024).length).toBe(100);
  });
});

describe('tiktoken 1.0 (wasm-bindgen, allocator exports renamed __wbindgen_export_N)', () => {
  const bytes = new Uint8Array(readFileSync(new URL('tiktoken/tiktoken_bg.wasm', root)));
  const r = instrument(bytes);

  it('recognises the renamed malloc/realloc/free by type and follows them to the inlined dlmalloc', () => {
    const by = (role: string) => r.allocators.filter((a) => a.role === role).map((a) => a.name);
    // the glue: passStringToWasm0(s, wasm.__wbindgen_export_1, wasm.__wbindgen_export_2); wasm.__wbindgen_export_3(ptr, len, 1)
    expect(by('wbg_malloc')).toEqual(['__wbindgen_export_1']); // (size, align) -> ptr
    expect(by('wbg_realloc')).toEqual(['__wbindgen_export_2']); // (ptr, old, new, align) -> ptr
    expect(by('wbg_free')).toEqual(['__wbindgen_export_3']); // (ptr, size, align)
    // __wbindgen_export_0 is (i32) -> () (the exception store): not an allocator
    expect(r.allocators.some((a) => a.name === '__wbindgen_export_0')).toBe(false);
    // export_1 inlines `align <= 8 ? malloc(size) : memalign(align, size)`
    expect(by('malloc')).toEqual(['func25']);
    expect(by('memalign')).toEqual(['func283']);
    expect(by('rust_realloc')).toEqual(['func136']);
    expect(by('rust_dealloc')).toEqual(['func793']);
    expect(r.allocators.every((a) => a.foundBy === 'heuristic' && a.confidence === 'likely')).toBe(true);
  });

  it('without the export names nothing is guessed from types alone', () => {
    // Same bytes with "__wbindgen_export_" renamed (same length): no allocator found by this path.
    const out = bytes.slice();
    const m = parseModule(bytes);
    const ex = m.sections.find((s) => s.id === 7)!;
    const tag = new TextEncoder().encode('__wbindgen_export_');
    for (let p = ex.contentStart; p < ex.end - tag.length; p++) {
      if (tag.every((c, k) => out[p + k] === c)) out[p] = 0x41; // "A_wbindgen_export_N"
    }
    let found: string[] = [];
    try {
      found = instrument(out).allocators.map((a) => a.role);
    } catch {
      /* nothing to hook */
    }
    expect(found.filter((role) => role.startsWith('wbg_'))).toEqual([]);
  });
});

describe('wasm-vips 0.0.19 (emscripten -pthread, mimalloc)', () => {
  const bytes = readFileSync(new URL('wasm-vips/lib/vips.wasm', root));

  it("reallocf is a realloc: the helper it shares with realloc (mimalloc's _mi_heap_realloc_zero) is the allocator's own", () => {
    const m = parseModule(bytes);
    const allocators = discover(m);
    const byName = (name: string) => m.exports.find((e) => e.kind === 0 && e.name === name)?.index ?? -1;
    const realloc = byName('realloc');
    const reallocf = byName('reallocf');
    expect(allocators.filter((a) => a.role === 'realloc').map((a) => a.funcIndex)).toEqual([realloc, reallocf]);
    const callees = callGraph(m);
    const shared = callees[realloc].filter((f) => callees[reallocf].includes(f) && !allocators.some((a) => a.funcIndex === f));
    // The helper (malloc, copy, free when the block cannot grow in place) and memcpy.
    expect(shared.length).toBe(2);
    const internal = allocatorInternal(m, allocators, callees);
    const helper = shared.find((f) => callees[f].includes(byName('free')));
    expect(helper).toBeDefined();
    // Internal: its call to free is not rewritten, so a realloc that moves is one realloc
    // event, not also a free of the old block (262 invalid frees at load in Chromium before).
    expect(internal[helper ?? 0]).toBe(1);
  });

  it("the sized operator delete's inlined copy of mi_free is a free too", () => {
    const m = parseModule(bytes);
    const allocators = discover(m);
    const sizedDelete = m.exports.find((e) => e.kind === 0 && e.name === '_ZdlPvm')?.index ?? -1;
    const frees = allocators.filter((a) => a.role === 'free');
    // free itself (exported) and the copy _ZdlPvm calls on its fast path; _ZdlPvm calls both.
    expect(frees.map((a) => a.foundBy)).toEqual(['export', 'heuristic']);
    expect(frees[1].evidence).toBe('a copy of free: calls exactly its internals');
    expect(callGraph(m)[sizedDelete].filter((f) => frees.some((a) => a.funcIndex === f)).length).toBe(2);
  });
  it("mimalloc's own frees are not events: the function that grows its per-thread table of thread locals is internal", () => {
    const m = parseModule(bytes);
    const allocators = discover(m);
    const callees = callGraph(m);
    const byName = (name: string) => m.exports.find((e) => e.kind === 0 && e.name === name)?.index ?? -1;
    // malloc is mi_malloc: one call, to mimalloc's inner malloc (func534). func2824 grows the table of
    // thread locals ("unable to allocate thread local variables"): the new table from func2874 (the
    // zeroed small malloc, over func534), the old one freed with free. It is also reached from
    // mimalloc's thread callbacks (in the table), so it was not reachable only through allocators.
    expect(callees[byName('malloc')]).toEqual([534]);
    expect(callees[2824]).toEqual(expect.arrayContaining([2874, byName('free')]));
    expect(callees[2874]).toContain(534);
    const internal = allocatorInternal(m, allocators, callees);
    // Internal: its free is not an event (it was an invalid free of a block allocated unhooked, now
    // and then after resizes in Chromium). So is the aligned malloc's fallback free (func2880).
    expect([internal[2824], internal[2880]]).toEqual([1, 1]);
    // The program's own frees stay events.
    expect([internal[byName('vips_area_unref')], internal[byName('g_object_set')]]).toEqual([0, 0]);
    const frees = new Set(allocators.filter((a) => a.role === 'free').map((a) => a.funcIndex));
    const ownFrees = callees.flatMap((c, f) =>
      internal[f] && !allocators.some((a) => a.funcIndex === f) && c.some((t) => frees.has(t)) ? [f] : [],
    );
    // (func2879: the realloc helper reallocf made internal)
    expect(ownFrees).toEqual([2824, 2879, 2880]);
  });

  it('aligned and nothrow operator new are allocations: they call the inner malloc, not malloc', () => {
    const m = parseModule(bytes);
    const allocators = discover(m);
    const byName = (name: string) => m.exports.find((e) => e.kind === 0 && e.name === name)?.index ?? -1;
    const roleOf = (name: string) => allocators.find((a) => a.funcIndex === byName(name))?.role;
    // (vips-jxl.wasm imports the aligned one: libjxl's aligned new goes through it)
    expect(['_ZnwmSt11align_val_t', '_ZnamSt11align_val_t', '_ZnwmRKSt9nothrow_t'].map(roleOf)).toEqual(['malloc', 'malloc', 'malloc']);
  });
});

describe('@ffmpeg/core 0.12.10 (emscripten, minified exports, no name section; ffmpeg.wasm)', () => {
  const bytes = readFileSync(new URL('@ffmpeg/core/dist/esm/ffmpeg-core.wasm', root));
  const glue = readFileSync(new URL('@ffmpeg/core/dist/esm/ffmpeg-core.js', root), 'utf8');

  it('finds malloc, its free past the wrappers that share its state, realloc, and dlmalloc memalign (outer and inner)', () => {
    const m = parseModule(bytes);
    const allocators = discover(m);
    expect(allocators.map((a) => [a.role, a.name])).toEqual([
      ['free', 'func75'],
      ['malloc', 'ta'],
      ['realloc', 'func236'],
      ['memalign', 'Ba'],
      ['memalign', 'func5949'],
    ]);
    // The glue agrees on the two it names: `_malloc = Module["asm"]["ta"]`, `_emscripten_builtin_memalign = …["Ba"]`.
    expect(glue).toContain('_malloc=Module["_malloc"]=Module["asm"]["ta"]');
    expect(glue).toContain('_emscripten_builtin_memalign=Module["asm"]["Ba"]');
    // free ties on allocator state with two wrappers that call it (x264_free: free(((void **)p)[-1]), and
    // another); realloc with a 78-callee function that calls it: each wrapper yields to what it calls.
    const callees = callGraph(m);
    const callersOf = (f: number) => callees.flatMap((c, g) => (c.includes(f) && g !== f ? [g] : []));
    expect(callersOf(75).length).toBeGreaterThan(700);
    expect(callees[5949].includes(167)).toBe(true);
    // posix_memalign (av_malloc's) calls malloc and the inner memalign, and is not internal: both calls report.
    const internal = allocatorInternal(m, allocators, callees);
    const posixMemalign = callersOf(5949).filter((f) => f !== 3079);
    expect(posixMemalign.length).toBe(1);
    expect(internal[posixMemalign[0]]).toBe(0);
  });
});
