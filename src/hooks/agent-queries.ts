// Helpers of the page agent's queries that don't need its state.
import type { TrackerSnapshot, LeakRoots } from '../tracker';
import type { SiteGroupMsg } from '../protocol/messages';
import type { InstanceRecord } from './instance-record';

/** Groups some blocks of a snapshot by site, largest first (as the Comparison view). */
export function groupBySite(s: TrackerSnapshot, indices: number[]): SiteGroupMsg[] {
  const bySite = new Map<number, SiteGroupMsg>();
  for (const i of indices) {
    const site = s.site[i] === 0xffffffff ? 0 : s.site[i];
    let g = bySite.get(site);
    if (!g) bySite.set(site, (g = { site, newCount: 0, newBytes: 0, freedCount: 0, freedBytes: 0, liveCount: 0, liveBytes: 0 }));
    g.newCount++;
    g.newBytes += s.size[i];
    g.liveCount++;
    g.liveBytes += s.size[i];
  }
  return [...bySite.values()].sort((a, b) => b.newBytes - a.newBytes);
}

/**
 * Roots of the conservative scan: static data and the shadow stack, which
 * wasm-ld and emscripten place below the heap, plus the module's i32 globals
 * (the stack pointer among them). The heap starts at `__heap_base` when the
 * module exports it, else at the lowest live block — conservative either way:
 * a stale pointer in a dead stack frame can only make a block look reachable,
 * never lost.
 */
export function leakRoots(rec: InstanceRecord, live: TrackerSnapshot, memoryBytes: number): LeakRoots {
  const values: number[] = [];
  let heapBase = -1;
  for (const [name, value] of Object.entries(rec.rawExports ?? {})) {
    if (!(value instanceof WebAssembly.Global)) continue;
    const v = value.value;
    if (typeof v !== 'number') continue;
    if (name === '__heap_base') heapBase = v >>> 0;
    values.push(v >>> 0);
  }
  if (heapBase < 0) {
    let lowest = memoryBytes;
    for (let i = 0; i < live.count; i++) if (live.ptr[i] < lowest) lowest = live.ptr[i];
    heapBase = lowest;
  }
  return { ranges: [0, Math.min(heapBase, memoryBytes)], values };
}
