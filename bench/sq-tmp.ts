import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { measure, sqlSubject } from './slowdown-core';
import { median } from './timing';
const glue = readFileSync('node_modules/sql.js/dist/sql-wasm.js', 'utf8');
const w = new Uint8Array(readFileSync('node_modules/sql.js/dist/sql-wasm.wasm'));
const req = createRequire(process.cwd() + '/bench/x.js');
const t = await measure([sqlSubject(glue, w, 20000, req)], ['orig', 'call', 'table' as any], 5);
for (const [k, v] of Object.entries(t)) for (const [vk, xs] of Object.entries(v)) console.log(k, vk, median(xs as number[]).toFixed(1));
