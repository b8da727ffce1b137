// The measuring half of bench/ev-call.ts (no Node or DOM APIs: it runs in Node
// and, bundled, in a Chromium page). Two hand-assembled modules run the same
// loop of N calls to one JS function `ev(1, i, 2, 3, 4, 0.0)`: one imports it
// (what the rewriter did until issue 15 item 6: a function import shifts every
// defined function's index), the other calls it with `call_indirect` through
// element 0 of a funcref table filled after instantiation (what the rewriter
// does now: src/wasm/hook.ts). Side by side, alternating, median.
import { wasmFunction } from '../src/wasm/hook';

// (type 0: (i32 i32 i32 i32 i32 f64) -> i32) (type 1: (i32) -> ())
const TYPES = [2, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 1, 0x7f, 0x60, 1, 0x7f, 0];

/** Body of `run(n)`: for (i = 0; i < n; i++) drop(ev(1, i, 2, 3, 4, 0.0)), `call` being how ev is reached. */
function loopBody(call: number[]): number[] {
  const body = [
    1,
    1,
    0x7f, // one i32 local: i
    0x02,
    0x40,
    0x03,
    0x40,
    0x20,
    1,
    0x20,
    0,
    0x4f,
    0x0d,
    1, // i >= n: out
    0x41,
    1,
    0x20,
    1,
    0x41,
    2,
    0x41,
    3,
    0x41,
    4,
    0x44,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...call,
    0x1a,
    0x20,
    1,
    0x41,
    1,
    0x6a,
    0x21,
    1,
    0x0c,
    0,
    0x0b,
    0x0b,
    0x0b,
  ];
  return [body.length, ...body];
}

const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, content: number[]) => [id, content.length, ...content];
const HEADER = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

/** ev imported as function 0; run is function 1. */
export function importModule(): Uint8Array<ArrayBuffer> {
  const code = loopBody([0x10, 0]);
  return new Uint8Array([
    ...HEADER,
    ...section(1, TYPES),
    ...section(2, [1, ...name('m'), ...name('ev'), 0, 0]),
    ...section(3, [1, 1]),
    ...section(7, [1, ...name('run'), 0, 1]),
    ...section(10, [1, ...code]),
  ]);
}

/** ev at element 0 of table 0 (exported "t"); run is function 0. */
export function tableModule(): Uint8Array<ArrayBuffer> {
  const code = loopBody([0x41, 0, 0x11, 0, 0]);
  return new Uint8Array([
    ...HEADER,
    ...section(1, TYPES),
    ...section(3, [1, 1]),
    ...section(4, [1, 0x70, 0, 1]),
    ...section(7, [2, ...name('run'), 0, 0, ...name('t'), 1, 0]),
    ...section(10, [1, ...code]),
  ]);
}

export interface EvCallTimes {
  calls: number;
  import: number[];
  table: number[];
}

export function measureEvCall(wa: typeof WebAssembly, now: () => number, calls = 2_000_000, rounds = 15): EvCallTimes {
  let seen = 0;
  const ev = (_k: number, i: number): number => {
    seen += i & 1;
    return 0;
  };
  const viaImport = new wa.Instance(new wa.Module(importModule()), { m: { ev } }).exports as { run(n: number): void };
  const t = new wa.Instance(new wa.Module(tableModule()), {}).exports as { run(n: number): void; t: WebAssembly.Table };
  t.t.set(0, wasmFunction(ev, wa) as never);
  const out: EvCallTimes = { calls, import: [], table: [] };
  viaImport.run(calls / 10); // warm-up (tier-up)
  t.run(calls / 10);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? (['table', 'import'] as const) : (['import', 'table'] as const);
    for (const k of order) {
      const t0 = now();
      (k === 'import' ? viaImport : t).run(calls);
      out[k].push(now() - t0);
    }
  }
  if (seen === 0) throw new Error('ev was never called');
  return out;
}
