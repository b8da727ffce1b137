// The measuring half of bench/slowdown.ts: no Node or DOM APIs, so the same
// code runs in Node and, bundled by esbuild, in a Chromium page. Variants run
// through the real page pipeline (installHooks + rewriter + Tracker), patched
// onto the global WebAssembly only while a variant's instance is created.
import type { InstanceRecord } from '../src/agent/instance-record';
import { instrument, supportsMultiMemory } from '../src/wasm/index';
import { PageAgent } from '../src/agent/page-agent';
import { emscriptenEnv } from '../src/test-support/emscripten-env';

/**
 * orig = original bytes; call/table = the shipping page side (PageAgent:
 * hooks, rewriter, Tracker with its coarse clock) with that event path
 * ('table': live-block table kept inside wasm, multi-memory, Chromium only),
 * whole stacks (calling contexts) on, as shipped; table-site = 'table' with
 * contexts off (one stack per allocator call site: what whole stacks cost).
 */
export type Variant = 'orig' | 'call' | 'table' | 'table-site';
export const VARIANTS: Variant[] = ['orig', 'call', 'table', 'table-site'];
/** Variants this engine can run ('table' needs multi-memory). */
export function variantsHere(): Variant[] {
  return supportsMultiMemory() ? VARIANTS : VARIANTS.filter((v) => !v.startsWith('table'));
}

/** Runs `create` with the hooks installed for `v` (none for orig); returns what it made and the records. */
async function withVariant<T>(v: Variant, create: () => T | Promise<T>): Promise<{ value: T; recs: InstanceRecord[] }> {
  const recs: InstanceRecord[] = [];
  if (v === 'orig') return { value: await create(), recs };
  const agent = new PageAgent(WebAssembly, {
    post: () => {},
    now: () => performance.now(),
    url: 'bench',
    setTimer: () => 0,
    instrument: (b) => instrument(b, { eventPath: v === 'call' ? 'call' : 'table', contexts: v !== 'table-site' }),
  });
  try {
    return { value: await create(), recs: agent.records as InstanceRecord[] };
  } finally {
    agent.hooks.uninstall();
  }
}

export type Workload = () => void;
export interface Subject {
  name: string;
  setup(v: Variant): Promise<Workload>;
}

/** A fixture module from e2e/site/wasm, workload by its exports. */
export function fixtureSubject(name: string, bytes: Uint8Array, work: (x: Record<string, any>) => unknown): Subject {
  return {
    name,
    async setup(v) {
      let mem: WebAssembly.Memory | undefined;
      const env = {
        ...emscriptenEnv(() => mem!),
        abort: () => {
          throw new Error('abort');
        },
      };
      const { value: inst, recs } = await withVariant(
        v,
        () => new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { env }),
      );
      const x = inst.exports as Record<string, any>;
      mem = x.memory;
      x._initialize?.();
      x.__wasm_call_ctors?.();
      check(v, recs);
      return () => void work(x);
    },
  };
}

/** sql.js through its real glue (evaluated afresh per variant: initSqlJs caches its module). */
export function sqlSubject(glue: string, wasmBinary: Uint8Array, rows: number, req?: unknown): Subject {
  return {
    name: `sql.js: create, insert ${rows / 1000}k rows, select`,
    async setup(v) {
      const mod = { exports: {} as any };
      new Function('module', 'exports', 'require', '__dirname', '__filename', glue)(mod, mod.exports, req, '/', '/sql-wasm.js');
      const init = mod.exports.default ?? mod.exports;
      const { value: SQL, recs } = await withVariant(v, () => init({ wasmBinary }));
      check(v, recs);
      return () => {
        const db = new SQL.Database();
        db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v REAL)');
        db.run('BEGIN');
        const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
        for (let i = 0; i < rows; i++) ins.run([i, `name-${i}`, i * 0.5]);
        ins.free();
        db.run('COMMIT');
        const sel = db.prepare('SELECT id, name, v FROM t WHERE v >= ?');
        sel.bind([0]);
        let n = 0;
        while (sel.step()) n += sel.get()[0] as number;
        sel.free();
        db.close();
        if (n !== (rows * (rows - 1)) / 2) throw new Error('sql.js workload: wrong sum');
      };
    },
  };
}

function check(v: Variant, recs: InstanceRecord[]): void {
  if (v === 'orig') return;
  const r = recs[0];
  if (!r || !r.instrumented) throw new Error(`${v}: module was not instrumented (${r?.reason})`);
  if ((r.table !== null) !== v.startsWith('table')) throw new Error(`${v}: wrong event path`);
}

/** Milliseconds per run, per subject and variant; runs alternate variants (rotating order). */
export async function measure(
  subjects: Subject[],
  variants: Variant[],
  runs: number,
  log: (s: string) => void = () => {},
): Promise<Record<string, Record<string, number[]>>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const s of subjects) {
    const work: [Variant, Workload][] = [];
    for (const v of variants) work.push([v, await s.setup(v)]);
    for (const [, w] of work) w(); // warm-up: tier-up, first-sight stacks
    const times: Record<string, number[]> = {};
    for (const v of variants) times[v] = [];
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < work.length; k++) {
        const [v, w] = work[(k + r) % work.length];
        const t0 = performance.now();
        w();
        times[v].push(performance.now() - t0);
      }
    }
    out[s.name] = times;
    log(`  ${s.name}: done`);
  }
  return out;
}

export const TREE = { depth: 15, rounds: 8 }; // 65,535 nodes built, walked, freed, ×8
export const PAIRS = 2_000_000;
export const SQL_ROWS = 20_000;
export const CPP_N = 20_000;

/** The subjects of bench/slowdown.ts, from raw bytes (both environments). */
export function standardSubjects(fixtures: Record<string, Uint8Array>, sqlGlue: string, sqlWasm: Uint8Array, req?: unknown): Subject[] {
  const out: Subject[] = [];
  for (const [file, bytes] of Object.entries(fixtures)) {
    if (file.startsWith('stacks-')) {
      // C++ (emcc libc++): std::map<int, std::string>, std::string, std::vector churn
      out.push(fixtureSubject(`${file} run_cpp_churn_workload(${CPP_N})`, bytes, (x) => x.run_cpp_churn_workload(CPP_N)));
      continue;
    }
    out.push(
      fixtureSubject(`${file} tree_workload(${TREE.depth}, ${TREE.rounds})`, bytes, (x) => x.tree_workload(TREE.depth, TREE.rounds)),
    );
    out.push(fixtureSubject(`${file} pairs_workload(2M)`, bytes, (x) => x.pairs_workload(PAIRS)));
  }
  out.push(sqlSubject(sqlGlue, sqlWasm, SQL_ROWS, req));
  return out;
}

/** Page entry point (bytes as base64: what page.evaluate can carry). */
export async function runEncoded(a: { fx: Record<string, string>; glue: string; sql: string; runs: number }) {
  const dec = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const fixtures: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(a.fx)) fixtures[k] = dec(v);
  return measure(standardSubjects(fixtures, a.glue, dec(a.sql)), variantsHere(), a.runs, (s) => console.log(s));
}
