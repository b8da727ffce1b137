// A real package's worker API with the real extension: @sqlite.org/sqlite-wasm's
// sqlite3Worker1Promiser starts sqlite3-worker1.mjs as a module worker next to
// itself, which fetches sqlite3.wasm next to itself (the worker's own URL must
// be its script's: src/agent/worker-shims.ts).
import type { Page } from '@playwright/test';
import { expect, launch, openPanel, tabIdOf, test } from './harness';

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
  const page = await context.newPage();
  await page.goto(`${site}/no-wasm.html`);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await page.goto(`${site}/npm/sqlite-worker.html`);
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
  const plain = await launch(false);
  const other = await plain.newPage();
  await other.goto(`${site}/npm/sqlite-worker.html`);
  const otherDb = (await run(other, 'open')) as string;
  expect(await run(other, 'use', otherDb)).toEqual(rows);
  await plain.close();
});
