// The whole page side on real third-party modules from npm, each loaded
// through its OWN JS glue: sql.js (minified emscripten, allocator found
// structurally), @sqlite.org/sqlite-wasm (emscripten, malloc/free by name,
// memory imported) and brotli-wasm (Rust + wasm-bindgen, internal allocator).
// The glue's instantiation is routed through a private hooked copy of the
// WebAssembly namespace (`instantiateWasm` for the emscripten glues; for
// brotli-wasm the global is swapped while its glue is required, then restored).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { instrument } from '../wasm';
import type { ModuleMsg, DiffMsg, SampleValues } from '../protocol';
import { lastSample, blockList } from '../test-support/page-messages';
import { TestPage } from '../test-support/test-page';
import {
  loadBrotli,
  loadSqlJs,
  loadTiktoken,
  nodeModule,
  type SqlJs,
  type SqlJsStatement,
  type TiktokenEncoder,
} from '../test-support/npm-packages';

// Node 20 has no multi-memory: the 'table' path runs in Chromium (e2e); here the call path.
type EventPath = 'call';

/** One page (see TestPage) whose modules take `eventPath`. */
class Page extends TestPage {
  constructor(eventPath: EventPath) {
    super('test://npm', { instrument: (bytes) => instrument(bytes, { eventPath }) });
  }
  get module(): ModuleMsg {
    const mods = this.reply('module');
    expect(mods).toHaveLength(1);
    return mods[0];
  }
  /** The module's last sample. */
  lastSample(): SampleValues {
    this.agent.flush();
    return lastSample(this.sent);
  }
  /** [liveCount, liveBytes] of the last sample. */
  live(): [number, number] {
    const s = this.lastSample();
    return [s.liveCount, s.liveBytes];
  }
  /** [liveCount, liveBytes, allocs, frees] of the last sample. */
  counters(): number[] {
    const s = this.lastSample();
    return [s.liveCount, s.liveBytes, s.allocs, s.frees];
  }
  errors() {
    this.agent.flush();
    return this.sent.flatMap((m) => (m.t === 'batch' ? m.errors : []));
  }
}

/** Sizes of the new blocks of a comparison, in allocation order. */
function newSizes(d: DiffMsg): number[] {
  return blockList(d)
    .sort((a, b) => a.seq - b.seq)
    .map((b) => b.size);
}

// ---------------------------------------------------------------- sql.js ---

/** Create a table, insert 1000 rows, aggregate: what the page would do. */
function sqlScenario(db: { exec(sql: string): unknown; insert(i: number, s: string): void; query(sql: string): unknown }): unknown[] {
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT)');
  db.exec('BEGIN');
  for (let i = 0; i < 1000; i++) db.insert(i, `row ${i} ${'x'.repeat(i % 37)}`);
  db.exec('COMMIT');
  return [
    db.query('SELECT sum(n), count(*), sum(length(s)), total(n * 0.5) FROM t'),
    db.query('SELECT n % 7 AS k, count(*), max(s) FROM t GROUP BY k ORDER BY k'),
    db.query("SELECT group_concat(id) FROM (SELECT id FROM t WHERE s LIKE '%xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ORDER BY id)"),
  ];
}

function sqlJsScenario(SQL: SqlJs): { results: unknown[]; file: Uint8Array } {
  const db = new SQL.Database();
  let stmt: SqlJsStatement | null = null;
  const results = sqlScenario({
    exec: (sql) => db.run(sql),
    insert: (i, s) => {
      stmt ??= db.prepare('INSERT INTO t VALUES (?, ?, ?)');
      stmt.run([i, i * i - 500, s]);
    },
    query: (sql) => db.exec(sql),
  });
  stmt!.free();
  const file = db.export();
  db.close();
  return { results, file };
}

describe('sql.js 1.16 (minified emscripten, no names)', () => {
  it('is instrumented: malloc/free found structurally among the minified exports', async () => {
    const page = new Page('call');
    await loadSqlJs(page.wa);
    const m = page.module;
    expect(m.instrumented).toBe(true);
    expect(m.allocators.map((a) => [a.role, a.name, a.foundBy, a.confidence])).toEqual([
      ['free', 'Ja', 'heuristic', 'likely'],
      ['malloc', 'Ia', 'heuristic', 'likely'],
    ]);
    // The glue calls `_malloc=c.Ia` / `_free=c.Ja` from JS: the exports the
    // rewriter found are wrapped, whatever their names.
    expect(m.wrappedExports).toEqual(['Ia', 'Ja']);
    const memoryBytes = page.lastSample().memoryBytes;
    expect(memoryBytes).toBeGreaterThan(0); // its own exported memory
    expect(memoryBytes).toBe(page.agent.records[0].memory!.buffer.byteLength);
  });

  it('create table, 1000 inserts, aggregates: identical results and database file, hooked or not', async () => {
    const page = new Page('call');
    const SQL = await loadSqlJs(page.wa);
    const before = page.counters();
    const hooked = sqlJsScenario(SQL);
    const plain = sqlJsScenario(await loadSqlJs(null));
    expect(hooked.results).toEqual(plain.results);
    expect((hooked.results[0] as { values: unknown[][] }[])[0].values).toEqual([[332_333_500, 1000, 25_872, 166_166_750]]);
    expect(Buffer.from(hooked.file).equals(Buffer.from(plain.file))).toBe(true);
    // [liveCount, liveBytes, allocs, frees]: before, only the 2 blocks
    // __wasm_call_ctors mallocs at startup (32 B, and the environment strings,
    // whose size depends on process.argv[1]'s path); after db.close() the same
    // 2 again: all 1,403 allocations of the scenario were freed — 395 inside
    // the module, 1,008 by the glue from JS (`_malloc` for SQL text and bound values).
    const [startupCount, startupBytes] = before;
    expect([startupCount, before[2], before[3]]).toEqual([2, 2, 0]);
    expect(page.counters()).toEqual([2, startupBytes, 1405, 1403]);
    expect(page.errors()).toEqual([]); // never a free the tracker did not see allocated
  });

  for (const path of ['call'] as const) {
    it(`${path} path: prepare() ×100 without free() between A and B = the exact statement blocks; with free() = 0`, async () => {
      const page = new Page(path);
      const SQL = await loadSqlJs(page.wa);
      const db = new SQL.Database();
      db.run('CREATE TABLE t (a, b)');
      const leak = (n: number) => {
        for (let i = 0; i < n; i++) db.prepare('SELECT * FROM t WHERE a = ?');
      };

      // Fresh connection: SQLite's lookaside (default 1200,40 = 48,000 B, carved
      // into 30 slots of 1,200 B and 93 of 128 B) serves the first statements
      // from memory it already holds, so they allocate nothing:
      //   statements  1–10: 0 blocks (3 big slots each: Vdbe, aOp, aColName)
      //   statements 11–15: 3 blocks, 1,456 B (big slots gone; names still in small slots)
      //   statement  16   : 4 blocks, 1,496 B (small slots gone too)
      //   statements 17–100: 6 blocks, 1,576 B each
      // = 5·3 + 4 + 84·6 = 523 blocks, 5·1,456 + 1,496 + 84·1,576 = 141,160 B.
      const first = page.compare(() => leak(100));
      expect([first.newCount, first.newBytes, first.freedCount, first.freedBytes]).toEqual([523, 141_160, 0, 0]);

      // Lookaside exhausted: every statement is the same 6 blocks / 1,576 B.
      // SQLite's memsys prefixes each block with its 8-byte size and rounds
      // the request up to 8 (block = ROUND8(n) + 8):
      //   256  the Vdbe object (248)
      //   1032 aOp, the first op array: 1024/sizeof(Op)=51 ops × 20 B = 1,020 → 1,024
      //   168  aColName: 2 result columns × COLNAME_N (name, decltype) × sizeof(Mem) 40 = 160
      //   40   column name "a" (a Mem string buffer is at least 32 B)
      //   40   column name "b"
      //   40   copy of the SQL text, 28 B → 32
      // (checked by varying the SQL: one column → 88 and one 40 fewer;
      // a 66-char text → the last block is 80).
      const steady = page.compare(() => leak(100));
      expect([steady.newCount, steady.newBytes, steady.freedCount]).toEqual([600, 157_600, 0]);
      expect(newSizes(steady)).toEqual(Array.from({ length: 100 }, () => [256, 1032, 168, 40, 40, 40]).flat());
      // SQLite routes every allocation through one malloc call (sqlite3MemMalloc),
      // but each block has its own whole stack: one group per distinct caller
      // (the two column names come from the same path).
      const grew = steady.groups.filter((g) => g.newCount > 0);
      expect(grew.map((g) => [g.newCount, g.newBytes])).toEqual([
        [100, 103_200],
        [100, 25_600],
        [100, 16_800],
        [200, 8_000],
        [100, 4_000],
      ]);

      // The same statements, freed: nothing new, nothing of before freed.
      const fixed = page.compare(() => {
        for (let i = 0; i < 100; i++) db.prepare('SELECT * FROM t WHERE a = ?').free();
      });
      expect([fixed.newCount, fixed.newBytes, fixed.freedCount, fixed.freedBytes]).toEqual([0, 0, 0, 0]);
      expect(page.errors()).toEqual([]);
    });
  }
});

// ------------------------------------------------- @sqlite.org/sqlite-wasm ---

type Sqlite3 = any;
const SQLITE_WASM = readFileSync(nodeModule('@sqlite.org/sqlite-wasm/dist/sqlite3.wasm'));

/** The package's node entry (dist/node.mjs, what `import '@sqlite.org/sqlite-wasm'` gives in Node). */
async function loadSqliteWasm(wa: typeof WebAssembly | null): Promise<Sqlite3> {
  const { default: init } = (await import('@sqlite.org/sqlite-wasm')) as { default: (o?: object) => Promise<Sqlite3> };
  const quiet = { print: () => {}, printErr: () => {} };
  if (!wa) return init(quiet);
  return init({
    ...quiet,
    instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
      void wa.instantiate(SQLITE_WASM, imports).then((r) => done(r.instance, r.module));
      return {};
    },
  });
}

/** SQLite's own counters: sqlite3_status64(op) through the package's C API (the i64 pair on its JS stack). */
function status64(sqlite3: Sqlite3, op: number): number {
  const { capi, wasm } = sqlite3;
  const sp = wasm.pstack.pointer;
  try {
    const p = wasm.pstack.alloc(16);
    expect(capi.sqlite3_status64(op, p, p + 8, 0)).toBe(0);
    return Number(new BigInt64Array(wasm.heap8u().buffer, p, 1)[0]);
  } finally {
    wasm.pstack.restore(sp);
  }
}

function sqliteWasmScenario(sqlite3: Sqlite3): { results: unknown[]; file: Uint8Array } {
  const db = new sqlite3.oo1.DB(':memory:');
  let stmt: any = null;
  const results = sqlScenario({
    exec: (sql) => db.exec(sql),
    insert: (i, s) => {
      stmt ??= db.prepare('INSERT INTO t VALUES (?, ?, ?)');
      stmt.bind([i, i * i - 500, s]).stepReset();
    },
    query: (sql) => db.exec({ sql, rowMode: 'array', returnValue: 'resultRows' }),
  });
  stmt.finalize();
  const file = sqlite3.capi.sqlite3_js_db_export(db.pointer) as Uint8Array;
  db.close();
  return { results, file };
}

describe('@sqlite.org/sqlite-wasm 3.54 (emscripten, names, memory imported)', () => {
  it('is instrumented: malloc/free by export name; the imported memory is found and sampled', async () => {
    const page = new Page('call');
    const sqlite3 = await loadSqliteWasm(page.wa);
    expect(sqlite3.version.libVersion).toBe('3.54.1');
    const m = page.module;
    expect(m.instrumented).toBe(true);
    expect(
      m.allocators.filter((a) => ['malloc', 'free', 'realloc'].includes(a.role)).map((a) => [a.role, a.name, a.foundBy, a.confidence]),
    ).toEqual([
      ['malloc', 'malloc', 'export', 'certain'],
      ['free', 'free', 'export', 'certain'],
      ['realloc', 'realloc', 'export', 'certain'],
    ]);
    expect(m.wrappedExports).toEqual(['malloc', 'free', 'realloc', 'emscripten_builtin_memalign']);
    // The module imports env.memory (the glue creates it: 8 MiB initial).
    expect(WebAssembly.Module.imports(new WebAssembly.Module(SQLITE_WASM)).filter((i) => i.kind === 'memory')).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
    expect(page.lastSample().memoryBytes).toBe(8 * 1024 * 1024);
    expect(sqlite3.wasm.memory).toBeInstanceOf(WebAssembly.Memory);
    expect(page.agent.records[0].memory).toBe(sqlite3.wasm.memory);
  });

  it('create table, 1000 inserts, aggregates: identical results and database file, hooked or not', async () => {
    const page = new Page('call');
    const hooked = sqliteWasmScenario(await loadSqliteWasm(page.wa));
    const plain = sqliteWasmScenario(await loadSqliteWasm(null));
    expect(hooked.results).toEqual(plain.results);
    expect((hooked.results[0] as unknown[][])[0]).toEqual([332_333_500, 1000, 25_872, 166_166_750]);
    expect(Buffer.from(hooked.file).equals(Buffer.from(plain.file))).toBe(true);
    expect(page.errors()).toEqual([]);
  });

  for (const path of ['call'] as const) {
    it(`${path} path: prepare() ×100 without finalize() agrees with SQLite's own sqlite3_status64 counters`, async () => {
      const page = new Page(path);
      const sqlite3 = await loadSqliteWasm(page.wa);
      const { capi } = sqlite3;
      const sqliteCount = () => status64(sqlite3, capi.SQLITE_STATUS_MALLOC_COUNT);
      const sqliteBytes = () => status64(sqlite3, capi.SQLITE_STATUS_MEMORY_USED);
      /**
       * The exact relation between the tracker and SQLite's accounting:
       * - 2 blocks (32 B and the environment strings, whose size depends on
       *   process.argv[1]'s path: 132 B in /work/main) are malloc'ed by
       *   __wasm_call_ctors while the glue starts the runtime, before and
       *   outside SQLite's allocator: the tracker sees them, SQLite's
       *   counters do not;
       * - SQLite counts sqlite3MallocSize() = ROUND8(request); the block the
       *   allocator hands out is that plus memsys's 8-byte size prefix.
       */
      const agree = () => {
        const [liveCount, liveBytes] = page.live();
        const [count, bytes] = [sqliteCount(), sqliteBytes()];
        expect(liveCount).toBe(count + 2);
        expect(liveBytes).toBe(bytes + 8 * count + startupBytes);
        return [count, bytes];
      };
      const [startupCount, startupBytes] = page.live();
      expect(startupCount).toBe(2);
      expect(agree()).toEqual([0, 0]);

      const db = new sqlite3.oo1.DB(':memory:');
      db.exec('CREATE TABLE t (a, b)');
      agree();
      const [c0, b0] = agree();
      const d = page.compare(() => {
        for (let i = 0; i < 100; i++) db.prepare('SELECT * FROM t WHERE a = ?');
      });
      const [c1, b1] = agree();
      // Lookaside again serves the first 9 statements (0 blocks), then 7, 8, 9, 9 blocks, then
      // 12 blocks / 2,048 B each: 7 + 8 + 9 + 9 + 87·12 = 1,077 blocks.
      expect([d.newCount, d.freedCount]).toEqual([c1 - c0, 0]);
      expect(d.newBytes).toBe(b1 - b0 + 8 * (c1 - c0));
      expect([d.newCount, d.newBytes, b1 - b0]).toEqual([1077, 184_360, 175_744]);

      // Steady state: 12 blocks / 2,048 B per statement, SQLite counting 12 allocations / 1,952 B.
      // This build has SQLITE_ENABLE_COLUMN_METADATA (COLNAME_N = 5): 248 Vdbe, 1,032 aOp,
      // 408 aColName (2 columns × 5 × 40 B Mem), and 9 × 40 B: for each column its name,
      // database "main", table "t", origin column — 8 strings in 32-byte Mem buffers — plus the SQL text.
      const steady = page.compare(() => {
        for (let i = 0; i < 100; i++) db.prepare('SELECT * FROM t WHERE a = ?');
      });
      const [c2, b2] = agree();
      expect([steady.newCount, steady.newBytes, c2 - c1, b2 - b1]).toEqual([1200, 204_800, 1200, 195_200]);
      expect(newSizes(steady).slice(0, 12)).toEqual([248, 1032, 408, 40, 40, 40, 40, 40, 40, 40, 40, 40]);

      const fixed = page.compare(() => {
        for (let i = 0; i < 100; i++) db.prepare('SELECT * FROM t WHERE a = ?').finalize();
      });
      expect([fixed.newCount, fixed.newBytes, fixed.freedCount]).toEqual([0, 0, 0]);
      expect(agree()).toEqual([c2, b2]);
      expect(page.errors()).toEqual([]);
    });
  }
});

// ------------------------------------------------------------ brotli-wasm ---

describe('brotli-wasm 3 (Rust + wasm-bindgen, allocator internal)', () => {
  const input = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);

  function run(path: EventPath) {
    const page = new Page(path);
    const brotli = loadBrotli(page.wa);
    const c = brotli.compress(input);
    const d = brotli.decompress(c);
    return { page, c, d };
  }

  it('is instrumented: __wbindgen_* by name, followed to the unnamed Rust allocator', () => {
    const { page } = run('call');
    const m = page.module;
    expect(m.instrumented).toBe(true);
    const by = (role: string) => m.allocators.filter((a) => a.role === role).map((a) => a.name);
    expect(by('wbg_malloc')).toEqual(['__wbindgen_malloc']);
    expect(by('rust_alloc')).toEqual(['func230', 'func873']);
    expect(by('free')).toEqual(['func82']);
    expect(m.wrappedExports).toEqual(['__wbindgen_malloc', '__wbindgen_realloc', '__wbindgen_free']);
  });

  for (const path of ['call'] as const) {
    it(`${path} path: compress + decompress 200 KB: identical output; every internal allocation freed except the two explained`, () => {
      const { page, c, d } = run(path);
      const plain = loadBrotli(null);
      expect(Buffer.from(c).equals(Buffer.from(plain.compress(input)))).toBe(true);
      expect(c.length).toBe(240);
      expect(d).toEqual(input);
      const { memoryBytes, liveCount, liveBytes, allocs, frees } = page.lastSample();
      expect(memoryBytes).toBeGreaterThan(0);
      // 88 allocations inside the module (Rust alloc/realloc through the
      // internal allocator) and the 2 input buffers the glue allocates from
      // JS with `__wbindgen_malloc` (freed by Rust inside); the 2 result
      // buffers (240 B and 200,000 B) are freed from JS with
      // `__wbindgen_free(ptr, len, 1)`: everything balances.
      expect([liveCount, liveBytes, allocs, frees]).toEqual([0, 0, 90, 90]);
      expect(page.errors()).toEqual([]);
    });
  }

  it('with __wbindgen_* exports wrapped: 0 live blocks and no invalid free', () => {
    const { page } = run('call');
    expect(page.live()).toEqual([0, 0]);
    expect(page.errors()).toEqual([]);
  });
});

// --------------------------------------------------------------- tiktoken ---

describe('tiktoken 1.0 (Rust + wasm-bindgen, allocator exports renamed __wbindgen_export_N)', () => {
  const text = 'Memory leaks in WebAssembly: get_encoding() without .free() keeps the whole BPE table alive. ünïcödé ✓ 漢字';

  it('is instrumented: the renamed exports recognised by type, followed to the inlined dlmalloc', () => {
    const page = new Page('call');
    loadTiktoken(page.wa);
    const m = page.module;
    expect(m.instrumented).toBe(true);
    expect(m.allocators.map((a) => [a.role, a.name, a.foundBy, a.confidence])).toEqual([
      ['malloc', 'func25', 'heuristic', 'likely'],
      ['rust_realloc', 'func136', 'heuristic', 'likely'],
      ['memalign', 'func283', 'heuristic', 'likely'],
      ['rust_dealloc', 'func793', 'heuristic', 'likely'],
      ['wbg_malloc', '__wbindgen_export_1', 'heuristic', 'likely'],
      ['wbg_realloc', '__wbindgen_export_2', 'heuristic', 'likely'],
      ['wbg_free', '__wbindgen_export_3', 'heuristic', 'likely'],
    ]);
    // __wbindgen_export_0 ((i32) -> (), the exception store) is left alone.
    expect(m.wrappedExports).toEqual(['__wbindgen_export_1', '__wbindgen_export_2', '__wbindgen_export_3']);
  });

  for (const path of ['call'] as const) {
    it(`${path} path: identical tokens; get_encoding() without free() between A and B = the exact encoder blocks; with free() = 0`, () => {
      const page = new Page(path);
      const hooked = loadTiktoken(page.wa);
      const plain = loadTiktoken(null);

      const enc = hooked.get_encoding('cl100k_base');
      const ref = plain.get_encoding('cl100k_base');
      const tokens = enc.encode(text);
      expect(Array.from(tokens)).toEqual(Array.from(ref.encode(text)));
      expect(tokens.length).toBe(33);
      expect(new TextDecoder().decode(enc.decode(tokens))).toBe(text);
      expect(Buffer.from(enc.decode(tokens)).equals(Buffer.from(ref.decode(tokens)))).toBe(true);
      ref.free();

      const kept: TiktokenEncoder[] = []; // held, so the glue's FinalizationRegistry cannot free them
      const leak = page.compare(() => {
        kept.push(hooked.get_encoding('cl100k_base'));
      });
      // One cl100k_base encoder never freed = 302,016 blocks / 7,889,871 B (the
      // field notes' "+5.5 MB" is memory growth; this is what the allocator holds):
      //   300,768 = 3 × 100,256 token byte strings (the encoder map's keys, the
      //            decoder map's values, sorted_token_bytes), 1,931,490 B = 3 × 643,830 B,
      //            all from one allocator call site;
      //   2 × 2,228,232 B: the two hashbrown tables (encoder, decoder) of 131,072 16-byte buckets + control bytes;
      //   1 × 1,203,072 B = 100,256 × 12 B: sorted_token_bytes' Vec<Vec<u8>> array;
      //   1,245 blocks / 298,845 B: the rest (regexes, special-token maps, small vectors).
      expect([leak.newCount, leak.newBytes, leak.freedCount, leak.freedBytes]).toEqual([302_016, 7_889_871, 0, 0]);
      const sizes = newSizes(leak);
      expect(sizes.filter((z) => z === 2_228_232)).toHaveLength(2);
      expect(sizes.filter((z) => z === 1_203_072)).toHaveLength(1);
      // The token strings come from one allocator call site but three callers
      // (whole stacks): the encoder's keys, the decoder's values and
      // sorted_token_bytes each get their own stack (one string of the third
      // is cloned on another path).
      const big = leak.groups.filter((g) => g.newCount > 1000);
      expect(big.map((g) => [g.newCount, g.newBytes])).toEqual([
        [100_256, 643_830],
        [100_256, 643_830],
        [100_255, 643_821],
      ]);
      expect(new Set(big.map((g) => g.site)).size).toBe(3);
      // The same with .free(): every block of the encoder is released inside the call.
      const fixed = page.compare(() => {
        hooked.get_encoding('cl100k_base').free();
      });
      expect([fixed.newCount, fixed.newBytes, fixed.freedCount, fixed.freedBytes]).toEqual([0, 0, 0, 0]);
      enc.free();
      for (const k of kept) k.free();
      // Everything freed: 1 block of 24 B stays, allocated once by the first
      // get_encoding() (before Snapshot A: a lazily initialised static), never freed.
      expect(page.live()).toEqual([1, 24]);
      expect(page.errors()).toEqual([]);
    });
  }
});
