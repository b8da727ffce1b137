// A real package's worker API with the real extension: @sqlite.org/sqlite-wasm's
// sqlite3Worker1Promiser starts sqlite3-worker1.mjs as a module worker next to
// itself, which fetches sqlite3.wasm next to itself (the worker's own URL must
// be its script's: src/agent/worker-shims.ts).
import type { Page } from '@playwright/test';
import { expect, natively, test } from './harness';
import { compareAround, openPanelFirst } from './scenario';

interface SqliteWorker {
  ready: Promise<unknown>;
  open(): Promise<string>;
  exec(db: string, sql: string): Promise<unknown[][]>;
  close(db: string): Promise<void>;
}
declare const sqliteWorker: SqliteWorker;

const CREATE =
  "create table t(a integer, b text); with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000) insert into t select x, 'row ' || x from c;";
const QUERY = 'select count(*), sum(a), max(b) from t';

async function run(page: Page, step: 'open' | 'use' | 'close', db = ''): Promise<unknown> {
  return page.evaluate(
    async ([s, id, create, query]) => {
      await sqliteWorker.ready;
      if (s === 'open') return sqliteWorker.open();
      if (s === 'close') return sqliteWorker.close(id);
      await sqliteWorker.exec(id, create);
      return sqliteWorker.exec(id, query);
    },
    [step, db, CREATE, QUERY] as const,
  );
}

test('@sqlite.org/sqlite-wasm through its worker API: instrumented in its module worker, same results, live blocks back to their count once the database is closed', async ({
  context,
  site,
}) => {
  // The panel listens before the package starts: its 28 trampoline modules are released (garbage-collected) soon after
  // start-up, and a page only re-sends the instances it still holds to a panel that connects later.
  const { page, panel } = await openPanelFirst(context, site, `${site}/npm/sqlite-worker.html`);
  await page.evaluate(() => sqliteWorker.ready);
  // sqlite3.wasm, and the package's 35-byte trampoline modules (JS functions installed as wasm function pointers).
  const sqlite = panel.getByTestId('module').filter({ hasText: 'sqlite3.wasm' });
  await expect(sqlite.getByTestId('module-context')).toHaveText('in module worker sqlite3-worker1.mjs');
  await expect(sqlite.getByTestId('module-status')).toHaveText('instrumented ✓');
  await expect(panel.getByTestId('helper-modules').locator('summary')).toHaveText('28 small modules without an allocator');
  const live = sqlite.getByTestId('module-live-count');
  // What sqlite3_initialize keeps (the same in every run).
  await expect(live).toHaveText('5');
  const before = '5';

  const db = (await run(page, 'open')) as string;
  const rows = await run(page, 'use', db);
  expect(rows).toEqual([[1000, 500500, 'row 999']]);
  await expect(live).not.toHaveText(before);
  await run(page, 'close', db);
  await expect(live).toHaveText(before);

  // The same page without the extension gives the same rows.
  const nativeRows = await natively(`${site}/npm/sqlite-worker.html`, async (other) =>
    run(other, 'use', (await run(other, 'open')) as string),
  );
  expect(nativeRows).toEqual(rows);
});

interface SqliteStatus {
  open: number;
  /** sqlite3_status64(SQLITE_STATUS_MALLOC_COUNT): allocations SQLite holds. */
  mallocCount: number;
  /** sqlite3_status64(SQLITE_STATUS_MEMORY_USED): their sqlite3MallocSize(), ROUND8 of each request. */
  memoryUsed: number;
  /** sqlite3_db_status(SQLITE_DBSTATUS_LOOKASIDE_USED): the connection's lookaside slots in use (not malloc'ed). */
  lookasideUsed: number;
}
declare const stmts: { ready: Promise<string>; call(op: 'status' | 'prepare' | 'finalize', n?: number): Promise<SqliteStatus> };

// The Worker1 API above finalizes every statement it prepares, so the figure of #11 (statements
// prepared and never finalized, against SQLite's own counters) uses the package's C API in a
// page-owned module worker (e2e/site/npm/sqlite-statements.mjs imports its sqlite3InitModule),
// as the Node test (src/agent/npm-modules.test.ts) does on the main thread, with the same figures.
test('@sqlite.org/sqlite-wasm in a module worker: statements never finalized = what sqlite3_status64 counts, and all back once finalized', async ({
  context,
  site,
}) => {
  // (45–75 s alone on this 2-core VM, of which ≈10 s the run without the extension; more under load)
  test.setTimeout(180_000);
  const { page, panel } = await openPanelFirst(context, site, `${site}/npm/sqlite-statements.html`);
  expect(await page.evaluate(() => stmts.ready)).toBe('3.54.1');
  const sqlite = panel.getByTestId('module').filter({ hasText: 'sqlite3.wasm' });
  await expect(sqlite.getByTestId('module-context')).toHaveText('in module worker sqlite-statements.mjs “statements”');
  await expect(sqlite.getByTestId('module-status')).toHaveText('instrumented ✓');
  const liveCount = sqlite.getByTestId('module-live-count');
  const liveBytes = sqlite.getByTestId('module-live-bytes');
  /**
   * The panel's live blocks are SQLite's allocations plus the 2 the runtime makes before SQLite
   * starts (a 32-byte block and the environment strings); each block is SQLite's size plus the
   * 8-byte prefix its memsys adds. The strings' size depends on the browser's language (130 B
   * here), so it is taken from the first reading and must stay the same.
   */
  let startupBytes = -1;
  const agree = async (s: SqliteStatus) => {
    await expect(liveCount).toHaveText((s.mallocCount + 2).toLocaleString('en-US'));
    const bytes = Number(((await liveBytes.textContent()) ?? '').replace(/[^0-9]/g, '')) - s.memoryUsed - 8 * s.mallocCount;
    if (startupBytes < 0) startupBytes = bytes;
    expect(bytes).toBe(startupBytes);
  };
  // The database is open, its table created: 110 allocations of SQLite's.
  const start = await page.evaluate(() => stmts.call('status'));
  expect(start).toEqual({ open: 0, mallocCount: 110, memoryUsed: 86_976, lookasideUsed: 0 });
  await agree(start);
  expect(startupBytes).toBeGreaterThan(32);

  // 100 statements on a fresh connection: lookaside serves part of the first ones.
  await compareAround(panel, () => page.evaluate(() => stmts.call('prepare', 100)));
  const first = await page.evaluate(() => stmts.call('status'));
  expect(first).toEqual({ open: 100, mallocCount: 1187, memoryUsed: 262_720, lookasideUsed: 123 });
  await expect(panel.getByTestId('diff-new-count').first()).toHaveText((first.mallocCount - start.mallocCount).toLocaleString('en-US'));
  await expect(panel.getByTestId('diff-new-count').first()).toHaveText('1,077');
  // 175,744 B by SQLite's count + 8 × 1,077
  await expect(panel.getByTestId('diff-new-bytes').first()).toHaveText('184,360 B');
  await agree(first);

  // Lookaside exhausted: 12 allocations / 2,048 B per statement (SQLite: 1,952 B).
  await compareAround(panel, () => page.evaluate(() => stmts.call('prepare', 100)));
  const steady = await page.evaluate(() => stmts.call('status'));
  expect([steady.mallocCount - first.mallocCount, steady.memoryUsed - first.memoryUsed]).toEqual([1200, 195_200]);
  await expect(panel.getByTestId('diff-new-count').first()).toHaveText('1,200');
  await expect(panel.getByTestId('diff-new-bytes').first()).toHaveText('204,800 B');
  await agree(steady);

  // Finalized: SQLite is back to its start, and so is the panel.
  expect(await page.evaluate(() => stmts.call('finalize'))).toEqual(start);
  await agree(start);
  await expect(panel.getByTestId('errors')).toHaveCount(0);

  // Without the extension SQLite counts the same at every step.
  const native = await natively(`${site}/npm/sqlite-statements.html`, (other) =>
    other.evaluate(async () => [
      await stmts.call('status'),
      await stmts.call('prepare', 100),
      await stmts.call('prepare', 100),
      await stmts.call('finalize'),
    ]),
  );
  expect(native).toEqual([start, first, steady, start]);
});
