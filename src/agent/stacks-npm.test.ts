// Whole stacks on a real module without names: @sqlite.org/sqlite-wasm
// (emscripten release build, no name section), in Node (call path). SQLite
// routes every allocation through one malloc call (sqlite3MemMalloc, reached
// through the xMalloc function pointer), so only whole stacks tell the API
// calls apart; frames of exported functions take their export names.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { TestPage } from '../test-support/test-page';

const SQLITE_WASM = new Uint8Array(readFileSync(new URL('../../node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm', import.meta.url)));

describe('whole stacks: sqlite-wasm (no name section)', () => {
  it('prepare() ×100 without finalize() and exec() of a CREATE TABLE: every new block names the API it came through, and the two never share a stack', async () => {
    const page = new TestPage('test://sqlite');
    const wa = page.wa;
    const { default: init } = (await import('@sqlite.org/sqlite-wasm')) as unknown as { default: (o: object) => Promise<any> };
    const sqlite3 = await init({
      print: () => {},
      printErr: () => {},
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        void wa.instantiate(SQLITE_WASM, imports).then((r) => done(r.instance, r.module));
        return {};
      },
    });
    const db = new sqlite3.oo1.DB(':memory:');
    db.exec('CREATE TABLE warm (a)'); // lookaside and schema set up once
    for (let i = 0; i < 20; i++) db.prepare('SELECT 1').finalize();
    const stacksOfNew = (act: () => void): string[][] => page.newBlocks(page.compare(act)).map((b) => b.site.frames.map((f) => f.name));
    const kept: unknown[] = [];
    const prepared = stacksOfNew(() => {
      for (let i = 0; i < 100; i++) kept.push(db.prepare(`SELECT a FROM warm WHERE a = ${i}`));
    });
    const created = stacksOfNew(() => db.exec('CREATE TABLE t1 (a, b)'));
    // 100 statements (the first ones partly from lookaside) and one CREATE TABLE.
    expect([prepared.length, created.length]).toEqual([677, 7]);
    // Every block's own stack passes through the API the JS called …
    expect(prepared.filter((s) => s.includes('sqlite3_prepare_v3'))).toHaveLength(677);
    expect(created.filter((s) => s.includes('sqlite3_step'))).toHaveLength(7);
    // … so the two land in different nodes of the tree: no stack in common.
    const key = (s: string[]) => s.filter((n) => !n.startsWith('Object.') && !n.includes(' ') && n !== '(anonymous)').join('<');
    const preparedKeys = new Set(prepared.map(key));
    expect(created.some((s) => preparedKeys.has(key(s)))).toBe(false);
    expect(prepared.some((s) => s.includes('sqlite3_step'))).toBe(false);
    expect(created.some((s) => s.includes('sqlite3_prepare_v3'))).toBe(false);
    expect(kept).toHaveLength(100);
  });
});
