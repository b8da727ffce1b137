// Helpers of the page agent's queries that don't need its state.
import type { TrackerSnapshot, LeakRoots } from '../tracker';
import type { SiteGroupMsg } from '../protocol/messages';
import { BLOCK_NO_SITE } from '../protocol/block-row';
import type { InstanceRecord } from './instance-record';

/** Groups some blocks of a snapshot by site, largest first (as the Comparison view). */
export function groupBySite(s: TrackerSnapshot, indices: number[]): SiteGroupMsg[] {
  const bySite = new Map<number, SiteGroupMsg>();
  for (const i of indices) {
    const site = s.site[i] === BLOCK_NO_SITE ? 0 : s.site[i];
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
 * wasm-ld's default stack size (`-z stack-size`); emscripten 3.1's default is
 * larger (5 MB). Below the stack pointer this much is dead stack when no wasm
 * code is running.
 */
const MIN_STACK = 64 * 1024;

/**
 * Roots of the conservative scan: static data and the live shadow stack, which
 * wasm-ld and emscripten place below the heap, plus the module's i32 globals.
 * The heap starts at `__heap_base` when the module exports it, else at the
 * lowest live block. The dead part of the shadow stack is left out: at -O0 a
 * returned function's frame still holds the pointer it dropped (make_list's
 * `head`), which would make a lost list look reachable. The scan runs from
 * JavaScript, outside any wasm call, so the stack pointer (global 0, an LLVM
 * convention; exported by the rewriter) is at the top of the stack, and the
 * MIN_STACK bytes below it are dead frames. A stack smaller than that would
 * hide static data from the scan, so the exclusion stays within [0, heap).
 */
export function leakRoots(rec: InstanceRecord, live: TrackerSnapshot, memoryBytes: number): LeakRoots {
  const values: number[] = [];
  let heapBase = -1;
  const exports = (rec.rawExports ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(exports)) {
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
  const end = Math.min(heapBase, memoryBytes);
  const spName = rec.outcome?.globalExports[0];
  const spGlobal = spName ? exports[spName] : undefined;
  const sp = spGlobal instanceof WebAssembly.Global && typeof spGlobal.value === 'number' ? spGlobal.value >>> 0 : -1;
  if (sp > 0 && sp <= end) {
    const deadFrom = Math.max(0, sp - MIN_STACK);
    return { ranges: [0, deadFrom, sp, end], values };
  }
  return { ranges: [0, end], values };
}
