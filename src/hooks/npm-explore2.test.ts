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
it('sqljs debug', async () => {
  const wa = freshWebAssembly();
  const sent: PageToPanel[] = [];
  const agent = new PageAgent(wa, { post: (m) => sent.push(m), now: () => Date.now(), url: 't', instrument: (b) => instrument(b), setTimer: () => 0 });
  const glue = require.resolve('sql.js/dist/sql-wasm-debug.js');
  const initSqlJs = require(glue);
  const bytes = readFileSync(require.resolve('sql.js/dist/sql-wasm-debug.wasm'));
  const SQL = await initSqlJs({ instantiateWasm(imports: any, done: any) { wa.instantiate(bytes, imports).then((r: any) => done(r.instance, r.module)); return {}; } });
  console.log(JSON.stringify(sent.find((m) => m.t === 'module')));
  const rec = agent.records[0];
  const t = rec.tracker;
  const db = new SQL.Database();
  db.run('CREATE TABLE t (a, b)');
  for (let k = 0; k < 20; k++) db.prepare('SELECT * FROM t WHERE a = ?');
  rec.drain();
  const before = (t as any).snapshot();
  db.prepare('SELECT * FROM t WHERE a = ?');
  rec.drain();
  const after = (t as any).snapshot();
  agent.flush();
  const sites = new Map(sent.flatMap((m: any) => m.t === 'batch' ? m.sites : []).map((s: any) => [s.id, s]));
  const old = new Set(Array.from(before.seq));
  for (let i = 0; i < after.count; i++) if (!old.has(after.seq[i])) console.log(after.size[i], (sites.get(after.site[i]) as any)?.frames.slice(0, 9).map((f: any) => f.name).join(' < '));
  agent.hooks.uninstall();
});
