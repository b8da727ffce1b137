// Browser half of e2e/table-path.spec.ts (bundled by esbuild into a plain
// Chromium page: multi-memory is needed). Runs the same workload on a fixture
// through the real page side (PageAgent + installHooks + rewriter) on the
// 'call' and on the 'table' event path and returns what both trackers hold.
import { PageAgent } from '../src/agent/page-agent';
import type { InstanceRecord } from '../src/agent/instance-record';
import { instrument, supportsMultiMemory, type EventPath } from '../src/wasm/index';
import type { Tracker } from '../src/tracker';
import type { SiteTable } from '../src/agent/site-table';
import { emscriptenEnv } from '../src/test-support/emscripten-env';

type X = Record<string, any>;

const WORK: Record<string, (x: X) => void> = {
  c(x) {
    x.tree_workload(12, 3);
    x.pairs_workload(20_000);
    x.simulate_memory_leak();
    x.process_data_fixed(64);
    x.make_list(5000, 1); // kept: the table grows past its initial capacity
    const p = x.do_calloc(3, 40);
    const q = x.do_realloc(p, 500);
    const a = x.do_aligned_alloc(64, 128);
    const out = x.do_calloc(1, 4);
    x.do_posix_memalign(out, 32, 96);
    x.grow_memory(1);
    x.do_free(q); // a block with a realloc origin, freed in wasm: goes through JS
    x.do_free(a);
    const m = x.malloc(77); // through the export wrapper
    x.free(m);
    x.tree_workload(4, 1);
    x.make_list(300, 0);
    const d = x.do_calloc(2, 8);
    x.do_free(d);
    x.do_free(d); // double free, last (the allocator may trap): the tracker finds it in the wasm's recent frees
  },
  rust(x) {
    x.churn(20_000);
    for (let i = 0; i < 50; i++) x.leak_box();
    x.grow_vec(5000);
  },
};

export interface Outcome {
  multiMemory: boolean;
  instrumented: boolean;
  tableAttached: boolean;
  jsEvents: number;
  tableBytes: number;
  live: { ptr: number[]; size: number[]; seq: number[]; site: string[]; time: number[] };
  counters: number[];
  errors: { kind: string; ptr: number; site: string; allocSite: string; firstFreeSite: string; size: number | null }[];
  result: unknown;
}

async function runOne(bytes: Uint8Array, path: EventPath, work: (x: X) => void): Promise<Outcome> {
  let t = 0;
  const agent = new PageAgent(WebAssembly, {
    post: () => {},
    now: () => 1000 + (t += 0.01),
    url: 'table-check',
    setTimer: () => 0,
    instrument: (b) => instrument(b, { eventPath: path }),
  });
  let mem: WebAssembly.Memory | undefined;
  const env = emscriptenEnv(() => mem!);
  let inst: WebAssembly.Instance;
  try {
    inst = (await WebAssembly.instantiate(bytes as BufferSource, { env })).instance;
  } finally {
    agent.hooks.uninstall();
  }
  const rec = agent.records[0] as InstanceRecord;
  const tracker = rec.tracker as Tracker;
  // Count the events that reach JavaScript.
  let jsEvents = 0;
  for (const k of ['malloc', 'free', 'calloc', 'realloc', 'alignedAlloc', 'posixMemalign', 'rustDealloc'] as const) {
    const f = (tracker as any)[k].bind(tracker);
    (tracker as any)[k] = (...a: number[]) => {
      jsEvents++;
      return f(...a);
    };
  }
  const x = inst.exports as X;
  mem = x.memory;
  x._initialize?.();
  x.__wasm_call_ctors?.();
  let result: unknown = null;
  try {
    work(x);
  } catch (e) {
    result = String(e);
  }
  agent.flush();
  const sites = (agent as unknown as { sites: SiteTable }).sites;
  const key = (id: number | null) =>
    id === null
      ? '-'
      : (sites
          .get(id)
          ?.frames.map((f) => `${f.func}:${f.offset}`)
          .join(' ') ?? `?${id}`);
  const s = tracker.snapshot();
  return {
    multiMemory: supportsMultiMemory(),
    instrumented: rec.instrumented,
    tableAttached: rec.table !== null,
    jsEvents,
    tableBytes: rec.table?.table?.memory.buffer.byteLength ?? 0,
    live: {
      ptr: Array.from(s.ptr),
      size: Array.from(s.size),
      seq: Array.from(s.seq),
      site: Array.from(s.site, key),
      time: Array.from(s.allocTime),
    },
    counters: Array.from(s.counters).slice(0, 11), // all but the time
    errors: tracker.errors.map((e) => ({
      kind: e.kind,
      ptr: e.ptr,
      site: key(e.site),
      allocSite: key(e.allocSite),
      firstFreeSite: key(e.firstFreeSite),
      size: e.size,
    })),
    result,
  };
}

/** Page entry point: bytes as base64. */
export async function check(b64: string, kind: 'c' | 'rust'): Promise<{ call: Outcome; table: Outcome }> {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return { call: await runOne(bytes, 'call', WORK[kind]), table: await runOne(bytes, 'table', WORK[kind]) };
}
