// What the timeline draws per context and per memory, beside its per-module
// lines. A context (the page, a frame, a worker: one source, see
// src/protocol/router.ts) gets one live-heap line summing its modules; an
// emscripten -pthread module runs one instance per thread on one shared
// memory, so those instances get one linear-memory line, named for the module
// and its threads, not one identical line per thread.
import type { ModuleView } from './store';
import type { Series } from './series';
import { baseName } from './format';

/** Several step series summed: at each time any of them has a point, each one's last value (0 before its first). */
export function stepSum(parts: { time: readonly number[]; values: readonly number[] }[]): { time: number[]; values: number[] } {
  const time: number[] = [];
  const values: number[] = [];
  const at = parts.map(() => 0);
  const last = parts.map(() => 0);
  let sum = 0;
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let p = 0; p < parts.length; p++) if (at[p] < parts[p].time.length) t = Math.min(t, parts[p].time[at[p]]);
    if (t === Number.POSITIVE_INFINITY) break;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p];
      // (every point of this part at time t: the last one is its value from t on)
      while (at[p] < part.time.length && part.time[at[p]] === t) {
        sum += part.values[at[p]] - last[p];
        last[p] = part.values[at[p]];
        at[p]++;
      }
    }
    time.push(t);
    values.push(sum);
  }
  return { time, values };
}

/** Whether a module's own figures are its blocks: not a thread of a shared heap counted by another instance. */
export function counts(m: Pick<ModuleView, 'shared'> | undefined): boolean {
  return m?.shared?.counted !== false;
}

export interface ContextLine {
  source: number;
  label: string;
  /** The series key of its first module (the timeline gives the context that module's colour). */
  first: string;
  time: number[];
  live: number[];
  /** Cumulative allocations and frees of its modules (the rates are their slopes: series.ts perSecond). */
  allocs: number[];
  frees: number[];
}

/**
 * One live-heap line per context whose modules count blocks, in source order (the page first): the sum of its
 * modules' live bytes over time. `label` names a source as the module list does.
 */
export function contextLines(
  modules: ReadonlyMap<string, Pick<ModuleView, 'frame' | 'shared'>>,
  series: ReadonlyMap<string, Pick<Series, 'time' | 'live' | 'allocs' | 'frees'>>,
  label: (source: number) => string,
): ContextLine[] {
  const bySource = new Map<number, string[]>();
  for (const key of series.keys()) {
    const m = modules.get(key);
    if (!m || !counts(m)) continue;
    const keys = bySource.get(m.frame);
    if (keys) keys.push(key);
    else bySource.set(m.frame, [key]);
  }
  return [...bySource]
    .sort(([a], [b]) => a - b)
    .map(([source, keys]) => {
      const sum = (field: 'live' | 'allocs' | 'frees') =>
        stepSum(keys.map((k) => ({ time: series.get(k)!.time, values: series.get(k)![field] })));
      const live = sum('live');
      return {
        source,
        label: label(source),
        first: keys[0],
        time: live.time,
        live: live.values,
        allocs: sum('allocs').values,
        frees: sum('frees').values,
      };
    });
}

/** Per series key: the line its linear memory is drawn as (null: drawn by another key's line, one shared memory). */
export interface MemoryLine {
  /** The name the line goes by: the module's (and its context's), or "vips.wasm (shared by 7 threads)". */
  name: string;
  threads: number;
}

/**
 * The linear-memory lines of the series `keys`: one per module instance, except the instances on one shared
 * memory (the same name in one tab frame, whichever context runs them: a pthread program's main module in the
 * page and in each worker, its side modules), which share the line of the first of them, named for the module
 * that counts the memory's heap in the context that compiled it and for the threads (contexts) running on it.
 */
export function memoryLines(
  modules: ReadonlyMap<string, Pick<ModuleView, 'frame' | 'name' | 'context' | 'shared'>>,
  keys: Iterable<string>,
): Map<string, MemoryLine | null> {
  // (a worker's source is its frame id + context · 2^32: the tab frame is the source modulo 2^32)
  const heapOf = (m: Pick<ModuleView, 'frame' | 'shared'>) => (m.shared ? `${m.frame % 2 ** 32}:${m.shared.heap}` : null);
  const heaps = new Map<string, { sources: Set<number>; name: string; main: boolean }>();
  for (const m of modules.values()) {
    const heap = heapOf(m);
    if (heap === null) continue;
    const main = m.shared?.thread === 0 && m.shared.counted;
    const h = heaps.get(heap);
    if (!h) heaps.set(heap, { sources: new Set([m.frame]), name: m.name, main });
    else {
      h.sources.add(m.frame);
      if (main && !h.main) Object.assign(h, { name: m.name, main });
    }
  }
  const out = new Map<string, MemoryLine | null>();
  const drawn = new Set<string>();
  for (const key of keys) {
    const m = modules.get(key);
    const heap = m ? heapOf(m) : null;
    const h = heap !== null ? heaps.get(heap) : undefined;
    if (!m || heap === null || !h) {
      const file = m ? baseName(m.name) : key;
      out.set(key, { name: m?.context ? `${file} (${m.context})` : file, threads: 1 });
    } else if (drawn.has(heap)) out.set(key, null);
    else {
      drawn.add(heap);
      const n = h.sources.size;
      out.set(key, { name: `${baseName(h.name)} (shared by ${n} thread${n === 1 ? '' : 's'})`, threads: n });
    }
  }
  return out;
}
