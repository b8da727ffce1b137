// A page-owned module worker running @sqlite.org/sqlite-wasm's C API (the package's
// Worker1 API finalizes every statement it prepares, so it cannot leave one open):
// statements prepared and never finalized, and SQLite's own account of its heap
// (sqlite3_status64, sqlite3_db_status) to compare the panel's figures with.
import sqlite3InitModule from '/node_modules/@sqlite.org/sqlite-wasm/dist/index.mjs';

const sqlite3 = await sqlite3InitModule({ print: () => {}, printErr: () => {} });
const { capi, wasm } = sqlite3;
const db = new sqlite3.oo1.DB(':memory:');
db.exec('CREATE TABLE t (a, b)');
/** Prepared, never finalized (until 'finalize'). */
const open = [];

/** sqlite3_status64(op): the current value (the i64 pair on the package's JS stack). */
function status64(op) {
  const sp = wasm.pstack.pointer;
  try {
    const p = wasm.pstack.alloc(16);
    if (capi.sqlite3_status64(op, p, p + 8, 0) !== 0) throw new Error(`sqlite3_status64(${op}) failed`);
    return Number(new BigInt64Array(wasm.heap8u().buffer, p, 1)[0]);
  } finally {
    wasm.pstack.restore(sp);
  }
}
/** sqlite3_db_status(db, op): the current value. */
function dbStatus(op) {
  const sp = wasm.pstack.pointer;
  try {
    const p = wasm.pstack.alloc(8);
    if (capi.sqlite3_db_status(db.pointer, op, p, p + 4, 0) !== 0) throw new Error(`sqlite3_db_status(${op}) failed`);
    return new Int32Array(wasm.heap8u().buffer, p, 1)[0];
  } finally {
    wasm.pstack.restore(sp);
  }
}
/** What SQLite says it holds: allocations, bytes (sqlite3MallocSize: ROUND8 of each request), lookaside slots in use. */
function status() {
  return {
    open: open.length,
    mallocCount: status64(capi.SQLITE_STATUS_MALLOC_COUNT),
    memoryUsed: status64(capi.SQLITE_STATUS_MEMORY_USED),
    lookasideUsed: dbStatus(capi.SQLITE_DBSTATUS_LOOKASIDE_USED),
  };
}

const ops = {
  status,
  prepare(n) {
    for (let i = 0; i < n; i++) open.push(db.prepare('SELECT * FROM t WHERE a = ?'));
    return status();
  },
  finalize() {
    for (const s of open.splice(0)) s.finalize();
    return status();
  },
};

self.onmessage = ({ data: { id, op, arg } }) => {
  try {
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown op ${op}`);
    self.postMessage({ id, result: ops[op](arg) });
  } catch (e) {
    self.postMessage({ id, error: String(e) });
  }
};
self.postMessage({ ready: sqlite3.version.libVersion });
