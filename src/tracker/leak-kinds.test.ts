import { describe, expect, it } from 'vitest';
import { Tracker } from './tracker';
import { diff } from './diff';
import { classifyLeaks, LEAK } from './leak-kinds';
import type { TrackerSnapshot } from './snapshot';
import { loadLeakModule, wrapAllocator, steppingClock, KEPT_LIST_ADDR, STACK_SIZE, type LeakExports } from './leak-module.test-helper';

const NODE = 32; // struct node { struct node *next; int value; int pad[6]; }

async function setup(opt: 'O0' | 'O2' = 'O2') {
  const e = await loadLeakModule(opt);
  const t = new Tracker({ clock: steppingClock() });
  const heapBase = e.__heap_base.value as number;
  // Data + bss only: from JS at top level the whole shadow stack is dead.
  const roots = { ranges: [0, heapBase - STACK_SIZE] };
  return { e, t, a: wrapAllocator(e, t), roots };
}

/** leak.c's make_list, done from JS through the wrapped malloc: returns the nodes, head last. */
function buildList(e: LeakExports, malloc: (n: number, site: number) => number, n: number): number[] {
  const nodes: number[] = [];
  let head = 0;
  for (let i = 0; i < n; i++) {
    const nd = malloc(NODE, 21);
    const dv = new DataView(e.memory.buffer);
    dv.setUint32(nd, head, true); // nd->next = head
    dv.setUint32(nd + 4, i, true); // nd->value = i
    head = nd;
    nodes.push(nd);
  }
  return nodes;
}

const mem = (e: LeakExports) => new Uint8Array(e.memory.buffer);
const kindOf = (s: TrackerSnapshot, kinds: Uint8Array, ptr: number) => kinds[s.ptr.indexOf(ptr)];

describe('classifyLeaks on the real module', () => {
  it('finds kept_list where DWARF says (0x404): make_list(…, keep=1) stores a heap pointer there', async () => {
    const { e } = await setup();
    const dv = () => new DataView(e.memory.buffer);
    expect(dv().getUint32(KEPT_LIST_ADDR, true)).toBe(0);
    e.make_list(3, 1);
    expect(dv().getUint32(KEPT_LIST_ADDR, true)).toBeGreaterThanOrEqual(e.__heap_base.value as number);
  });

  for (const opt of ['O0', 'O2'] as const) {
    it(`a list of 10 whose head is dropped: 1 definitely + 9 indirectly lost (${opt})`, async () => {
      const { e, t, a, roots } = await setup(opt);
      const nodes = buildList(e, a.malloc, 10);
      const s = t.snapshot();
      const r = classifyLeaks(s, mem(e), roots);
      expect(Array.from(r.count)).toEqual([0, 0, 9, 1]);
      expect(Array.from(r.bytes)).toEqual([0, 0, 9 * NODE, NODE]);
      expect(kindOf(s, r.kind, nodes[9])).toBe(LEAK.definite);
      for (const nd of nodes.slice(0, 9)) expect(kindOf(s, r.kind, nd)).toBe(LEAK.indirect);
    });
  }

  it('the same list with its head in a static global (kept_list) is all reachable', async () => {
    const { e, t, a, roots } = await setup();
    const nodes = buildList(e, a.malloc, 10);
    new DataView(e.memory.buffer).setUint32(KEPT_LIST_ADDR, nodes[9], true);
    const r = classifyLeaks(t.snapshot(), mem(e), roots);
    expect(Array.from(r.count)).toEqual([10, 0, 0, 0]);
  });

  it('a head held by a wasm global (a root value) is reachable', async () => {
    const { e, t, a, roots } = await setup();
    const nodes = buildList(e, a.malloc, 10);
    const r = classifyLeaks(t.snapshot(), mem(e), { ...roots, values: [nodes[9]] });
    expect(Array.from(r.count)).toEqual([10, 0, 0, 0]);
  });

  it('an interior pointer only makes a block possibly lost (and what it points to)', async () => {
    const { e, t, a, roots } = await setup();
    const single = a.malloc(64, 30);
    const nodes = buildList(e, a.malloc, 10);
    const dv = new DataView(e.memory.buffer);
    dv.setUint32(0x400, single + 16, true); // last_buffer → inside `single`
    dv.setUint32(KEPT_LIST_ADDR, nodes[9] + 4, true); // &head->value
    const s = t.snapshot();
    const r = classifyLeaks(s, mem(e), roots);
    expect(kindOf(s, r.kind, single)).toBe(LEAK.possible);
    // memcheck: blocks reached only through a possibly-lost block are possibly lost too.
    expect(Array.from(r.count)).toEqual([0, 11, 0, 0]);
  });

  it('a cycle of two lost blocks: one definite, one indirect', async () => {
    const { e, t, a, roots } = await setup();
    const x = a.malloc(NODE, 1);
    const y = a.malloc(NODE, 2);
    const dv = new DataView(e.memory.buffer);
    dv.setUint32(x, y, true);
    dv.setUint32(y, x, true);
    const s = t.snapshot();
    const r = classifyLeaks(s, mem(e), roots);
    expect(kindOf(s, r.kind, Math.min(x, y))).toBe(LEAK.definite);
    expect(kindOf(s, r.kind, Math.max(x, y))).toBe(LEAK.indirect);
  });

  it('a lost block pointing to a lower-address lost block: the pointer holder is definite', async () => {
    const { e, t, a, roots } = await setup();
    const low = a.malloc(NODE, 1);
    const high = a.malloc(NODE, 2);
    expect(high).toBeGreaterThan(low);
    new DataView(e.memory.buffer).setUint32(high, low, true);
    const s = t.snapshot();
    const r = classifyLeaks(s, mem(e), roots);
    expect([kindOf(s, r.kind, high), kindOf(s, r.kind, low)]).toEqual([LEAK.definite, LEAK.indirect]);
  });

  it('classifies the new blocks of a diff against the whole live table', async () => {
    const { e, t, a, roots } = await setup();
    // Before A: a table kept by a global, and a block it points to.
    const table = a.malloc(64, 40);
    const entry = a.malloc(16, 41);
    const dv = () => new DataView(e.memory.buffer);
    dv().setUint32(KEPT_LIST_ADDR, table, true);
    dv().setUint32(table, entry, true);
    const A = t.snapshot();
    const nodes = buildList(e, a.malloc, 10); // leaked
    const kept = a.malloc(100, 42);
    dv().setUint32(entry + 8, kept, true); // reachable through table → entry
    const B = t.snapshot();
    const d = diff(A, B);
    expect(d.newBlocks.length).toBe(11);
    const r = classifyLeaks(B, mem(e), roots, d.newBlocks);
    expect(Array.from(r.count)).toEqual([1, 0, 9, 1]);
    expect(Array.from(r.bytes)).toEqual([100, 0, 9 * NODE, NODE]);
    expect(r.kind[Array.from(d.newBlocks).findIndex((i) => B.ptr[i] === kept)]).toBe(LEAK.reachable);
    expect(r.kind[Array.from(d.newBlocks).findIndex((i) => B.ptr[i] === nodes[9])]).toBe(LEAK.definite);
  });

  it('scans nothing for an empty table and counts the root bytes it read', async () => {
    const { e, roots } = await setup();
    const r = classifyLeaks({ count: 0, ptr: new Uint32Array(0), size: new Uint32Array(0) }, mem(e), roots);
    expect(r.kind.length).toBe(0);
    expect(r.scannedBytes).toBe(roots.ranges[1]);
  });
});
