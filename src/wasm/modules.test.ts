// Round-trips and instruments every real module we have: the fixtures and the
// wasm shipped in npm packages (sql.js, @sqlite.org/sqlite-wasm, brotli-wasm).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { instrument, parseModule, roundTrip } from './index';

const root = new URL('../../', import.meta.url);
const load = (p: string) => new Uint8Array(readFileSync(new URL(p, root)));

export const MODULES = [
  'e2e/site/wasm/leak-wasi-O0.wasm',
  'e2e/site/wasm/leak-wasi-O2.wasm',
  'e2e/site/wasm/leak-emcc-O0.wasm',
  'e2e/site/wasm/leak-emcc-O2.wasm',
  'e2e/site/wasm/leak-rust.wasm',
  'node_modules/sql.js/dist/sql-wasm.wasm',
  'node_modules/sql.js/dist/sql-wasm-debug.wasm',
  'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm',
  'node_modules/brotli-wasm/pkg.node/brotli_wasm_bg.wasm',
];

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe.each(MODULES)('%s', (path) => {
  const bytes = load(path);

  it('round-trips byte for byte', () => {
    expect(same(roundTrip(bytes), bytes)).toBe(true);
  });

  it('instruments to a valid module whose structure is preserved', () => {
    const r = instrument(bytes);
    expect(WebAssembly.validate(r.bytes as BufferSource)).toBe(true);
    const o = parseModule(bytes);
    const n = parseModule(r.bytes);
    // every original function keeps its index and type: nothing imported
    expect(n.imports).toEqual(o.imports);
    for (let i = 0; i < o.funcTypes.length; i++) expect(n.funcTypes[i]).toBe(o.funcTypes[i]);
    // exports keep names and point at the same functions; exported allocators
    // at their export wrapper (same type), whose site names the allocator
    const counted = new Map(r.exportSites.map((x) => [x.exportName, x.site]));
    for (const e of o.exports) {
      const ne = n.exports.find((x) => x.name === e.name)!;
      expect(ne.kind).toBe(e.kind);
      if (e.kind !== 0) expect(ne.index).toBe(e.index);
      else if (!counted.has(e.name)) expect(r.toOriginalFunc(ne.index)).toBe(e.index);
      else {
        expect(r.toOriginalFunc(ne.index)).toBe(-1);
        expect(n.funcTypes[ne.index]).toBe(o.funcTypes[e.index]);
        expect(r.sites[counted.get(e.name)!]).toEqual({
          funcIndex: e.index,
          offset: -1,
          role: r.allocators.find((a) => a.funcIndex === e.index)!.role,
        });
      }
    }
    // function names follow their functions
    for (const [i, name] of o.funcNames) expect(n.funcNames.get(i)).toBe(name);
    // custom sections survive in order
    const customs = (m: typeof o) => m.sections.filter((s) => s.id === 0).map((s) => s.name);
    expect(customs(n)).toEqual(customs(o));
    // the hook: a funcref table appended after the module's own, exported for the page to put `ev` in
    expect(n.tables).toBe(o.tables + 1);
    expect(n.exports.filter((e) => e.kind === 1 && !o.exports.some((x) => x.name === e.name))).toEqual([
      { name: r.hookTable, kind: 1, index: o.tables },
    ]);
    // one mutable i64 context global appended after the module's own
    expect(n.globals.length).toBe(o.globals.length + 1);
    expect(n.globals[o.globals.length]).toMatchObject({ valType: 0x7e, mutable: true });
  });
});

describe('npm modules', () => {
  it('sqlite-wasm: finds malloc/free/realloc (memory imported) and exports memory', () => {
    const r = instrument(load('node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm'));
    expect(r.allocators.map((a) => a.role)).toEqual(expect.arrayContaining(['malloc', 'free', 'realloc']));
    expect(r.memoryExport).toBe('__wasm_leaks_memory');
    expect(r.sites.length).toBeGreaterThan(0);
  });

  it('the hook table is named apart from every export of the module', () => {
    const r = instrument(load('e2e/site/wasm/leak-wasi-O0.wasm'));
    expect(r.hookTable).toBe('__wasm_leaks_ev');
    expect(parseModule(r.bytes).imports).toEqual(parseModule(load('e2e/site/wasm/leak-wasi-O0.wasm')).imports);
  });
});

describe('section order', () => {
  // A module with imported memory and table and no Memory/Table/Global section:
  // the table path adds a Memory and a Global section right where the
  // Function section's new entries go (compiled in Chromium by e2e/table-path.spec.ts).
  const ORDER = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];
  for (const eventPath of ['call', 'table'] as const) {
    it(`${eventPath} path: imported memory and table, no sections of its own → sections in order, every entry intact`, () => {
      const r = instrument(load('e2e/site/wasm/imported-memory.wasm'), { eventPath });
      const n = parseModule(r.bytes);
      const ids = n.sections.filter((s) => s.id !== 0).map((s) => s.id);
      // (4: the hook's table section, after the imported table)
      expect(ids).toEqual(eventPath === 'table' ? [1, 2, 3, 4, 5, 6, 7, 10] : [1, 2, 3, 4, 6, 7, 10]);
      expect(ids.map((id) => ORDER[id])).toEqual([...ids.map((id) => ORDER[id])].sort((a, b) => a - b));
      expect(n.bodies.length).toBe(n.funcTypes.length - n.numImportedFuncs);
      expect(n.memories.length).toBe(eventPath === 'table' ? 2 : 1);
      if (eventPath === 'call') expect(WebAssembly.validate(r.bytes as BufferSource)).toBe(true);
    });
  }
});
