// One line under the timeline's head: a module's linear memory split into live
// bytes, free space between live blocks (fragmentation), memory above the
// highest live block (high-water mark) and what lies below the heap, at the
// instant shown (Peak, or a click on the timeline) else at the end of the
// visible window (heap-series.ts). The figures are exact bytes in the
// tooltip and in data-value (what e2e/memory-over-time.spec.ts reads).
import type { Store } from './store';
import { memoryBreakdown, sourceText, type MemoryBreakdown } from './heap-series';
import { baseName, bytes, seconds, shortBytes } from './format';
import { shownModule } from './shown-module';

/** The module the breakdown shows: the one picked, else the shown one with the most linear memory that has heap rows. */
export function breakdownModule(store: Store): string | null {
  return shownModule(store, store.heapSeries, (key) => (store.shows(key) ? (store.modules.get(key)?.memoryBytes ?? 0) : null));
}

/** When the breakdown is read (epoch ms): the instant of an open Peak or live-at view, else the end of the visible window. */
export function breakdownTime(store: Store): number {
  const r = store.range;
  if (r && r.from === r.to && r.tables.length > 0) return r.from;
  return store.timeWindow?.to ?? Number.POSITIVE_INFINITY;
}

/** The breakdown of module `key` at its last sample at or before `to` (epoch ms), with that sample's time. */
export function breakdownAt(store: Store, key: string, to: number): (MemoryBreakdown & { time: number }) | null {
  const s = store.series.get(key);
  const h = store.heapSeries.get(key);
  if (!s || !h || s.length === 0) return null;
  let i = s.length - 1;
  while (i >= 0 && s.time[i] > to) i--;
  if (i < 0) return null;
  const j = h.at(s.time[i]);
  if (j < 0) return null;
  return { ...memoryBreakdown(s.memory[i], s.live[i], h.base[j], h.top[j], h.source[j], h.reach[j]), time: s.time[i] };
}

const PARTS = [
  { part: 'live', label: 'live', title: 'Bytes of the live blocks' },
  {
    part: 'between',
    label: 'free between blocks',
    title:
      'Free space and block headers between the heap’s start and the end of its highest live block: fragmentation when it is large next to the live bytes',
  },
  {
    part: 'above',
    label: 'free above (peak)',
    title:
      'Above the highest live block, up to where live blocks reached before: free since an earlier peak, kept by the allocator (the high-water mark: linear memory never shrinks)',
  },
  {
    part: 'unreached',
    label: 'never reached',
    title:
      'Above where any live block has reached (at the page’s ticks): memory no live block has used yet, such as an emscripten module’s initial memory, or space used only between two ticks',
  },
  { part: 'below', label: 'below heap', title: 'Static data and the stack (below the heap’s start)' },
] as const;

export function HeapBreakdown({ store }: { store: Store }) {
  const key = breakdownModule(store);
  const b = key ? breakdownAt(store, key, breakdownTime(store)) : null;
  if (!key || !b || b.memory <= 0) return null;
  const m = store.modules.get(key);
  const name = m ? baseName(m.name) : key;
  return (
    <div
      class="heap-breakdown"
      data-testid="heap-breakdown"
      data-source={b.source}
      title={`Linear memory of ${name}, ${sourceText(b.source)}`}
    >
      <span class="hb-head">
        {name} at {seconds(b.time - store.recordingStart)}:{' '}
        <span data-testid="hb-memory" data-value={b.memory}>
          {shortBytes(b.memory)}
        </span>{' '}
        =
      </span>
      <span class="hb-bar" aria-hidden="true">
        {PARTS.map((p) => (
          <span key={p.part} class={`hb-${p.part}`} style={{ flexGrow: b[p.part] }} />
        ))}
      </span>
      {PARTS.map((p) => (
        <span key={p.part} class="hb-part" data-testid={`hb-${p.part}`} data-value={b[p.part]} title={`${p.title}: ${bytes(b[p.part])}`}>
          <i class={`hb-swatch hb-${p.part}`} />
          {p.label} {shortBytes(b[p.part])}
        </span>
      ))}
      <span class="hb-source">{b.source === 1 ? 'blocks + __heap_base' : 'estimate: blocks only'}</span>
    </div>
  );
}
