// The Node API on this process's own WebAssembly (call path: Node 20 has no
// multi-memory): trackWasm() before the modules load, then withLeakCheck on
// real npm packages loaded through their own glue (tiktoken, sql.js) and on
// the demo's C program. Figures as in src/agent/npm-modules.test.ts, which
// explains them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { trackWasm, withLeakCheck, WasmLeakError, formatReport, type WasmLeakTracker, type LeakReport } from './index';
import { loadSqlJs, loadTiktoken, type SqlJsDatabase, type Tiktoken, type TiktokenEncoder } from '../test-support/npm-packages';
import { fixture } from '../test-support/fixtures';

let tracker: WasmLeakTracker;
let tiktoken: Tiktoken;
let db: SqlJsDatabase;
let demo: Record<string, (...a: number[]) => number>;

beforeAll(async () => {
  tracker = trackWasm();
  tiktoken = loadTiktoken(null); // the global WebAssembly, hooked by trackWasm()
  db = new (await loadSqlJs(null)).Database();
  const { instance } = await WebAssembly.instantiate(fixture('leak-wasi-O0.wasm'), {});
  demo = instance.exports as unknown as typeof demo;
  demo._initialize();
}, 60_000);
afterAll(() => tracker.stop());

/** [label, blocks, bytes] per site. */
const sites = (r: LeakReport) => r.sites.map((s) => [s.label, s.count, s.bytes]);

describe('trackWasm()', () => {
  it('hooks the global WebAssembly with the call event path (Node 20) and instruments the modules loaded after it', () => {
    expect(tracker.eventPath).toBe('call');
    expect(trackWasm()).toBe(tracker); // one tracker per process
    expect(tracker.modules().map((m) => [m.name, m.instrumented])).toEqual([
      ['(bytes)', true],
      ['(bytes)', true],
      ['(bytes)', true],
    ]);
  });
});

describe('withLeakCheck on tiktoken 1.0 (Rust + wasm-bindgen)', () => {
  const kept: TiktokenEncoder[] = []; // held: the glue's FinalizationRegistry must not free them meanwhile

  it("get_encoding('cl100k_base') without .free() fails: 302,016 blocks / 7,889,871 B, grouped by site", async () => {
    kept.push(tiktoken.get_encoding('cl100k_base')); // the first call also initialises statics: outside the check
    const error = await withLeakCheck(() => {
      kept.push(tiktoken.get_encoding('cl100k_base'));
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmLeakError);
    const report = (error as WasmLeakError).report;
    expect(report.ok).toBe(false);
    expect([report.leakedCount, report.leakedBytes]).toEqual([302_016, 7_889_871]);
    expect(report.failures).toEqual(['7,889,871 B leaked in 302,016 blocks at 36 sites (more than the 0 B allowed)']);
    // The 300,768 token strings come from one allocator call site (3 stacks of ≈100,256 each, see
    // npm-modules.test.ts); the two hashbrown tables share another site, sorted_token_bytes' array has its own.
    const [tables, tokens, sorted] = report.sites;
    expect([tokens.count, tokens.bytes]).toEqual([300_768, 1_931_490]);
    expect(tokens.stacks.slice(0, 3).map((s) => [s.count, s.bytes])).toEqual([
      [100_256, 643_830],
      [100_256, 643_830],
      [100_255, 643_821],
    ]);
    expect([tables.count, tables.bytes]).toEqual([5, 4_456_864]);
    expect([sorted.count, sorted.bytes]).toEqual([1, 1_203_072]);
    // Stacks are symbolized: the export the glue called, then the glue's JS frame.
    expect(tokens.stacks[0].frames.map((f) => f.name)).toContain('get_encoding');
    expect(tokens.stacks[0].frames.find((f) => f.func < 0)?.file).toMatch(/tiktoken\/tiktoken_bg\.cjs$/);
    expect(error instanceof Error && error.message).toContain('SUMMARY: 7,889,871 B leaked in 302,016 blocks at 36 sites');
  });

  it('the same with .free() passes: nothing allocated inside stays alive', async () => {
    const report = await withLeakCheck(() => {
      tiktoken.get_encoding('cl100k_base').free();
    });
    expect(report.ok).toBe(true);
    expect([report.leakedCount, report.leakedBytes, report.sites.length]).toEqual([0, 0, 0]);
    expect(formatReport(report)).toMatch(/SUMMARY: 0 B leaked in 0 blocks at 0 sites; .*\nPASS$/);
    for (const k of kept.splice(0)) k.free();
  });
});

describe('withLeakCheck on sql.js 1.16 (emscripten, minified)', () => {
  const prepare = (n: number, free: boolean) => {
    for (let i = 0; i < n; i++) {
      const stmt = db.prepare('SELECT * FROM t WHERE a = ?');
      if (free) stmt.free();
    }
  };

  it('prepare() ×100 without free() fails with 6 blocks / 1,576 B per statement once the lookaside is used up', async () => {
    db.run('CREATE TABLE t (a, b)');
    prepare(100, false); // exhausts SQLite's lookaside: later statements allocate every block
    const report = await withLeakCheck(() => prepare(100, false), { throwOnFailure: false });
    expect(report.ok).toBe(false);
    expect([report.leakedCount, report.leakedBytes]).toEqual([600, 157_600]);
    // Every SQLite allocation goes through one malloc call (sqlite3MemMalloc, not folded in this
    // minified build): one site, 5 whole stacks (the two column names share one).
    expect(report.sites).toHaveLength(1);
    expect(report.sites[0].stacks.map((s) => [s.count, s.bytes])).toEqual([
      [100, 103_200],
      [100, 25_600],
      [100, 16_800],
      [200, 8_000],
      [100, 4_000],
    ]);
  });

  it('with free() it passes; maxLeakBytes and suppressions let a known leak through, still reported', async () => {
    expect((await withLeakCheck(() => prepare(100, true))).leakedBytes).toBe(0);

    const allowed = await withLeakCheck(() => prepare(100, false), { maxLeakBytes: 157_600 });
    expect([allowed.ok, allowed.leakedBytes]).toEqual([true, 157_600]);
    await expect(withLeakCheck(() => prepare(100, false), { maxLeakBytes: 157_599 })).rejects.toThrow(WasmLeakError);

    // The JS frame of the glue's prepare (sql-wasm.js) is on every stack: suppressed by file.
    const suppressed = await withLeakCheck(() => prepare(100, false), { suppressions: ['sql-wasm.js'] });
    expect([suppressed.ok, suppressed.leakedBytes, suppressed.suppressedCount, suppressed.suppressedBytes]).toEqual([
      true,
      0,
      600,
      157_600,
    ]);
    expect(suppressed.suppressionsUsed).toEqual([{ template: 'sql-wasm.js', line: 0, count: 600, bytes: 157_600 }]);
    expect(formatReport(suppressed)).toContain('Suppressions used:\n  leak:sql-wasm.js  600 blocks, 157,600 B');
  });
});

describe('withLeakCheck on the demo program (wasi-libc, DWARF)', () => {
  it('simulate_memory_leak(): 100 blocks / 102,400 B at process_data (leak.c:19); process_data_fixed: none', async () => {
    const leak = await withLeakCheck(() => demo.simulate_memory_leak(), { throwOnFailure: false });
    expect(sites(leak)).toEqual([['process_data (leak.c:19)', 100, 102_400]]);
    expect(leak.sites[0].stacks[0].frames.slice(0, 2).map((f) => `${f.name}:${f.line}`)).toEqual([
      'process_data:19',
      'simulate_memory_leak:27',
    ]);
    const text = formatReport(leak);
    expect(text).toContain('Leak of 102,400 B in 100 blocks at process_data (leak.c:19)');
    expect(text).toMatch(/#0 process_data \S*leak\.c:19\n\s+#1 simulate_memory_leak \S*leak\.c:27/);

    const fixed = await withLeakCheck(() => {
      for (let i = 0; i < 100; i++) demo.process_data_fixed(1024);
    });
    expect([fixed.ok, fixed.leakedCount]).toEqual([true, 0]);
  });

  it('a double free fails the check with both stacks, and only the check it happened in', async () => {
    const report = await withLeakCheck(
      () => {
        const p = demo.malloc(32);
        demo.do_free(p);
        try {
          demo.do_free(p);
        } catch {
          /* dlmalloc may trap on it: the tracker saw the free before it ran */
        }
      },
      { throwOnFailure: false },
    );
    expect(report.failures).toEqual(['allocator misuse: 1 × double-free']);
    expect(report.errors.map((e) => [e.kind, e.message, e.frames[0]?.name, e.otherFrames[0]?.name])).toEqual([
      ['double-free', 'double-free of a 32-byte block', 'do_free', 'do_free'],
    ]);
    expect((await withLeakCheck(() => demo.process_data_fixed(16))).errors).toEqual([]);
    // Since the start of tracking, it is still there.
    expect(tracker.check({ since: 'start', requireInstrumented: true }).errors).toHaveLength(1);
  });

  it('calls must not overlap: one mark per process', async () => {
    let inner: Promise<unknown> | null = null;
    await withLeakCheck(() => {
      inner = withLeakCheck(() => {});
    });
    await expect(inner).rejects.toThrow('must not overlap');
  });
});
