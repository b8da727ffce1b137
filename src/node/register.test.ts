// node --import wasm-leaks/register: whole scripts checked at exit, run as
// child processes on the bundle `npm run build` makes (scripts/build-node.mjs,
// built here into a temporary folder).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// @ts-expect-error plain ESM build script without types
import { buildNode } from '../../scripts/build-node.mjs';
import type { LeakReport } from './index';

const SQLJS = new URL('../../node_modules/sql.js/dist/sql-wasm.js', import.meta.url).pathname;
let dir: string;
let register: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-register-'));
  register = pathToFileURL(join(await buildNode(join(dir, 'node')), 'register.js')).href;
  // sql.js: `n` statements prepared (freed or not), the connection closed or left open.
  writeFileSync(
    join(dir, 'sql.cjs'),
    `require(${JSON.stringify(SQLJS)})().then((SQL) => {
      const db = new SQL.Database();
      db.run('CREATE TABLE t (a, b)');
      for (let i = 0; i < Number(process.env.N); i++) {
        const stmt = db.prepare('SELECT * FROM t WHERE a = ?');
        if (process.env.FREE) stmt.free();
      }
      if (process.env.FREE) db.close();
      console.log('done');
      process.exitCode = Number(process.env.CODE ?? 0);
    });`,
  );
  writeFileSync(join(dir, 'plain.cjs'), `console.log('no wasm here');`);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
function run(script: string, env: Record<string, string> = {}) {
  // Fixed-length names: a few bytes the glue allocates depend on the size of the environment.
  const json = join(dir, `report-${String(++runs).padStart(3, '0')}.json`);
  const r = spawnSync(process.execPath, ['--import', register, join(dir, script)], {
    env: { ...process.env, WASM_LEAKS_JSON: json, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  let report: LeakReport | null = null;
  try {
    report = JSON.parse(readFileSync(json, 'utf8')) as LeakReport;
  } catch {
    /* no report written */
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, report };
}

describe('node --import wasm-leaks/register', () => {
  it('sql.js statements never freed: exit 1, the report on stderr; 100 more statements = 600 blocks / 157,600 B more', () => {
    const a = run('sql.cjs', { N: '100' });
    const b = run('sql.cjs', { N: '200' });
    for (const r of [a, b]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('done\n'); // the script ran as usual
      expect(r.stderr).toMatch(/== wasm-leaks \(.*sql\.cjs\) ==\nLeak of [\d,]+ B in [\d,]+ blocks at wasm-function\[1829\]/);
      expect(r.stderr).toMatch(/\nFAIL: [\d,]+ B leaked in [\d,]+ blocks at 2 sites \(more than the 0 B allowed\)\n$/);
    }
    // The connection itself leaks too (it was never closed); the statements add 6 blocks / 1,576 B each.
    // sql.js names each database file "dbfile_<random u32>": a block holding the name varies by 8 B
    // from run to run (568 or 576 B), so the bytes differ by 157,600 ± 8.
    expect(b.report!.leakedCount - a.report!.leakedCount).toBe(600);
    expect(Math.abs(b.report!.leakedBytes - a.report!.leakedBytes - 157_600)).toBeLessThanOrEqual(8);
    expect(a.report!.leakedCount).toBe(748);
    // Not counted: the 2 blocks the runtime allocates at startup, which its static data points to.
    expect(a.report!.notCounted.map((n) => [n.reason, n.count])).toEqual([
      ["still reachable from the module's static data, globals or stack", 2],
    ]);
  });

  it('statements freed and the connection closed: exit 0 (startup blocks are reachable, not leaks)', () => {
    const r = run('sql.cjs', { N: '100', FREE: '1' });
    expect(r.code).toBe(0);
    expect([r.report!.ok, r.report!.leakedCount]).toEqual([true, 0]);
    expect(r.stderr).toMatch(/SUMMARY: 0 B leaked in 0 blocks at 0 sites;.*\nPASS\n$/);
  });

  it('limits and suppressions from the environment; a script failing on its own keeps its exit code', () => {
    const file = join(dir, 'lsan.supp');
    writeFileSync(file, '# known: the glue prepares statements from JS\nleak:sql-wasm.js\n');
    const suppressed = run('sql.cjs', { N: '100', WASM_LEAKS_SUPPRESSIONS: file, WASM_LEAKS_QUIET: '1' });
    const r = suppressed.report!;
    expect([suppressed.code, suppressed.stderr, r.ok, r.leakedCount, r.suppressedCount]).toEqual([0, '', true, 0, 748]);
    expect(r.suppressionsUsed).toEqual([{ template: 'sql-wasm.js', line: 2, count: 748, bytes: r.suppressedBytes }]);
    // Leaks and a script that sets exit code 7 itself: 7 stays.
    const own = run('sql.cjs', { N: '100', CODE: '7' });
    expect([own.code, own.report!.ok]).toEqual([7, false]);
    const bad = run('sql.cjs', { N: '1', WASM_LEAKS_MAX_LEAK_BYTES: 'lots' });
    expect([bad.code, bad.stderr]).toEqual([2, 'wasm-leaks: WASM_LEAKS_MAX_LEAK_BYTES must be a number of bytes >= 0, got "lots"\n']);
  });

  it('a script that instantiates no wasm module fails: nothing was checked', () => {
    const r = run('plain.cjs');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAIL: no WebAssembly module was instantiated while tracking, so nothing was checked');
  });
});
