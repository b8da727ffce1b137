// The JS half of the 'table' event path in Node (no multi-memory here: the
// wasm half runs in Chromium, e2e/table-path.spec.ts). A TableTracker whose
// table lives in a plain WebAssembly.Memory must agree with a Tracker on
// every event sequence: live set, seqs, times, counters, errors.
import { describe, expect, it } from 'vitest';
import { Tracker } from '../tracker';
import { TableTracker, WasmTable } from './wasm-table';
import * as W from '../wasm/table-wrappers';
import { instrument, parseModule } from '../wasm/index';
import { fixture as load } from '../test-support/fixtures';
import { rngFloat as rng } from '../test-support/rng';

function pair(sites = 8) {
  let now = 1000;
  const clock = () => now;
  const plain = new Tracker({ clock });
  const table = new TableTracker({ clock });
  const layout = W.tableLayout(sites);
  const memory = new WebAssembly.Memory({ initial: layout.pages });
  return {
    plain,
    table,
    layout,
    memory,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function same(a: Tracker, b: Tracker) {
  const sa = a.snapshot(),
    sb = b.snapshot();
  expect(sb.count).toBe(sa.count);
  expect(sb.bytes).toBe(sa.bytes);
  expect(Array.from(sb.ptr)).toEqual(Array.from(sa.ptr));
  expect(Array.from(sb.size)).toEqual(Array.from(sa.size));
  expect(Array.from(sb.site)).toEqual(Array.from(sa.site));
  expect(Array.from(sb.seq)).toEqual(Array.from(sa.seq));
  expect(Array.from(sb.allocTime)).toEqual(Array.from(sa.allocTime));
  expect(Array.from(sb.counters)).toEqual(Array.from(sa.counters));
  expect(Array.from(sb.origins.index)).toEqual(Array.from(sa.origins.index));
  expect(Array.from(sb.origins.seq)).toEqual(Array.from(sa.origins.seq));
  expect(b.errors).toEqual(a.errors);
  expect([b.liveCount, b.liveBytes, b.totalAllocs, b.totalFrees, b.nextSeq]).toEqual([
    a.liveCount,
    a.liveBytes,
    a.totalAllocs,
    a.totalFrees,
    a.nextSeq,
  ]);
}

/** Random allocator traffic, including misuse, applied to both trackers. */
function traffic(ts: Tracker[], n: number, seed: number, advance: (ms: number) => void) {
  const r = rng(seed);
  const live: number[] = [];
  const dead: number[] = [];
  let next = 16;
  const fresh = () => (r() < 0.3 && dead.length ? dead.splice((r() * dead.length) | 0, 1)[0] : (next += 16 + ((r() * 8) | 0) * 8));
  for (let k = 0; k < n; k++) {
    const op = r();
    const site = 1 + ((r() * 8) | 0);
    if (k % 997 === 0) advance(7);
    if (op < 0.45 || live.length === 0) {
      const p = fresh();
      const size = (r() * 200) | 0;
      for (const t of ts) t.malloc(p, size, site);
      live.push(p);
    } else if (op < 0.8) {
      const p = live.splice((r() * live.length) | 0, 1)[0];
      for (const t of ts) t.free(p, site);
      dead.push(p);
    } else if (op < 0.88) {
      const i = (r() * live.length) | 0;
      const old = live[i];
      const p = r() < 0.5 ? old : fresh();
      const size = (r() * 300) | 0;
      for (const t of ts) t.realloc(p, old, size, site);
      if (p !== old) dead.push(old);
      live[i] = p;
    } else if (op < 0.93) {
      const p = fresh();
      for (const t of ts) t.calloc(p, 3, 12, site);
      live.push(p);
    } else if (op < 0.96 && dead.length) {
      const p = dead[(r() * dead.length) | 0]; // double free (or freed-then-reused: then it is live elsewhere in `live`)
      if (!live.includes(p)) for (const t of ts) t.free(p, site);
    } else if (op < 0.98) {
      const p = live.splice((r() * live.length) | 0, 1)[0];
      for (const t of ts) t.rustDealloc(p, 5, 8, site); // size mismatch most of the time
      dead.push(p);
    } else {
      const p = live[(r() * live.length) | 0];
      for (const t of ts) t.malloc(p, 8, site); // alloc over a live block
    }
  }
}

describe('table event path, JS side', () => {
  // The JS side imports the rewriter's layout constants; what remains to check
  // is that they are consistent with each other.
  it('layout constants are consistent', () => {
    expect(2 ** (32 - W.ORIGIN_SHIFT)).toBe(W.ORIGIN_MAP_BYTES);
    expect(W.FREED_ENTRIES & (W.FREED_ENTRIES - 1)).toBe(0);
  });

  it('a TableTracker agrees with a Tracker, events before and after attach, through table growth', () => {
    const { plain, table, layout, memory, advance } = pair();
    traffic([plain, table], 3000, 7, advance); // before attach: a plain Tracker
    table.attach(memory, layout);
    expect(table.table).not.toBeNull();
    same(plain, table);
    traffic([plain, table], 60_000, 11, advance); // grows the table several times
    expect(plain.errors.length).toBeGreaterThan(100);
    expect(table.liveCount).toBeGreaterThan(4096);
    expect(memory.buffer.byteLength).toBeGreaterThan(layout.pages * 65536);
    table.tick();
    same(plain, table);
  });

  it('finds every record after deletions (backward shift keeps runs whole)', () => {
    const { layout, memory } = pair();
    const t = new WasmTable(memory, layout);
    t.start();
    const r = rng(3);
    const live = new Set<number>();
    for (let k = 0; k < 200_000; k++) {
      const p = 8 + ((r() * 6000) | 0) * 8;
      if (live.has(p)) {
        t.removeAt(t.find(p));
        live.delete(p);
      } else {
        t.add(p, 1, 1, k, 0);
        live.add(p);
      }
    }
    expect(t.count).toBe(live.size);
    for (const p of live) expect(t.find(p)).toBeGreaterThanOrEqual(0);
    for (let p = 8; p < 8 + 6000 * 8; p += 8) if (!live.has(p)) expect(t.find(p)).toBe(-1);
  });

  it.each(['leak-wasi-O2.wasm', 'leak-emcc-O2.wasm', 'leak-rust.wasm'])(
    "%s: the rewriter appends one exported memory after the module's own",
    (file) => {
      const orig = parseModule(load(file));
      const r = instrument(load(file), { eventPath: 'table' });
      expect(r.table).not.toBeNull();
      const m = parseModule(r.bytes);
      expect(m.memories.length).toBe(orig.memories.length + 1);
      const e = m.exports.find((x) => x.name === r.table!.memoryExport);
      expect(e?.index).toBe(orig.memories.length);
      expect(r.table!.base + r.table!.capacity * W.TABLE_SLOT_BYTES).toBeLessThanOrEqual(r.table!.pages * 65536);
      expect(r.table!.siteMap + 4 * r.table!.sites).toBeLessThanOrEqual(r.table!.originMap);
      expect(r.table!.sites).toBe(r.sites.length);
      // Node 20 has no multi-memory: the page must pick another path here.
      expect(W.supportsMultiMemory()).toBe(WebAssembly.validate(r.bytes as BufferSource));
    },
  );
});
