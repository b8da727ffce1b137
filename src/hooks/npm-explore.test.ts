import { it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { PageAgent } from './page-agent';
import { instrument } from '../wasm';
import { type PageToPanel } from '../protocol';
const require = createRequire(import.meta.url);
function freshWebAssembly(): typeof WebAssembly {
  const copy = {} as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(WebAssembly)) copy[key] = (WebAssembly as unknown as Record<string, unknown>)[key];
  return copy as unknown as typeof WebAssembly;
}
for (const path of ['call', 'ring'] as const) it('sqljs ' + path, async () => {
  const wa = freshWebAssembly();
  const sent: PageToPanel[] = [];
  const agent = new PageAgent(wa, { post: (m) => sent.push(m), now: () => Date.now(), url: 't', instrument: (b) => instrument(b, { eventPath: path }), setTimer: () => 0 });
  const glue = require.resolve('sql.js/dist/sql-wasm.js');
  delete require.cache[glue];
  const initSqlJs = require(glue);
  const bytes = readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'));
  const SQL = await initSqlJs({ instantiateWasm(imports: any, done: any) { wa.instantiate(bytes, imports).then((r: any) => done(r.instance, r.module)); return {}; } });
  const rec = agent.records[0];
  const t = rec.tracker;
  const db = new SQL.Database();
  db.run('CREATE TABLE t (a, b)');
  rec.drain();
  console.log('after create', t.liveCount, t.liveBytes);
  const out = [];
  for (let k = 0; k < 80; k++) {
    rec.drain();
    const c0 = t.liveCount, b0 = t.liveBytes;
    db.prepare('SELECT * FROM t WHERE a = ?');
    rec.drain();
    out.push(`${t.liveCount - c0}/${t.liveBytes - b0}`);
  }
  console.log(out.join(' '));
  for (let k = 0; k < 3; k++) {
    rec.drain();
    const before = (t as any).snapshot();
    db.prepare('SELECT * FROM t WHERE a = ?');
    rec.drain();
    const after = (t as any).snapshot();
    const old = new Set(Array.from(before.seq));
    const sizes = [];
    for (let i = 0; i < after.count; i++) if (!old.has(after.seq[i])) sizes.push(after.size[i]);
    console.log('sizes', sizes.join(','));
  }
  {
    const db2 = new SQL.Database();
    rec.drain();
    const before = (t as any).snapshot();
    db2.run('CREATE TABLE t (a, b)');
    const sizes=[];const old = new Set(Array.from(before.seq));
    for (let k = 0; k < 16; k++) {db2.prepare('SELECT * FROM t WHERE a = ?');}
    rec.drain();
    const after = (t as any).snapshot();
    for (let i = 0; i < after.count; i++) if (!old.has(after.seq[i])) sizes.push(after.size[i]);
    console.log('db2 sizes', sizes.join(','));
  }
  let c0 = t.liveCount, b0 = t.liveBytes;
  for (let i = 0; i < 100; i++) db.prepare('SELECT * FROM t WHERE a = ?');
  rec.drain();
  console.log('100 prepare', t.liveCount - c0, t.liveBytes - b0);
  c0 = t.liveCount, b0 = t.liveBytes;
  for (let i = 0; i < 100; i++) db.prepare('SELECT * FROM t WHERE a = ?').free();
  rec.drain();
  console.log('100 prepare+free', t.liveCount - c0, t.liveBytes - b0, t.totalAllocs, t.totalFrees);
  agent.hooks.uninstall();
});
