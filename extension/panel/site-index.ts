// Derived views of a BlockTable, computed once per table (or per leak-kinds
// reply, or per change of stacks and allocator-wrapper marks) and cached: the
// page's groups (one per stack) regrouped by site frame, the block rows of
// each site, leak kinds per site, sort orders of all rows. Typed arrays
// throughout: a table can hold 1,000,000 blocks.
import {
  BR,
  BLOCK_NO_SITE,
  FREED_SINCE_B,
  LEAK_KIND_NAMES,
  siteFrameIndex,
  siteKey,
  type FrameMsg,
  type SiteGroupMsg,
  type SiteMsg,
} from '../../src/protocol';
import type { BlockTable } from './store';

export function kindName(code: number): string {
  return code === FREED_SINCE_B ? 'freed since B' : (LEAK_KIND_NAMES[code] ?? 'unknown');
}

/** Where a frame is: "stacks.cpp:40", else its code offset "0x190" (wasm without DWARF), else nothing. */
export function frameLocation(f: FrameMsg): string {
  if (f.line > 0) return `${f.file.split('/').pop()}:${f.line}`;
  if (f.func >= 0 && f.offset >= 0) return `0x${f.offset.toString(16)}`;
  return '';
}

export function frameLabel(f: { name: string; file: string; line: number }): string {
  return f.line ? `${f.name} (${f.file.split('/').pop()}:${f.line})` : f.name;
}

/** What grouping by site needs to know about a table's stacks. */
export interface SiteSource {
  /** The interned stack `id` of the table's frame (0: unknown). */
  site(id: number): SiteMsg | undefined;
  /** Whether a frame is an allocator wrapper's: the page's mark unless the user overrode it. */
  folded(f: FrameMsg): boolean;
  /** Changes whenever site() or folded() may answer differently (new stacks, new marks). */
  version: string;
}

/** The counts of a site row, summed over its stacks (SiteGroupMsg without the stack id). */
export type SiteCounts = Omit<SiteGroupMsg, 'site'>;

/** One Sites row: the stacks whose site frame is one code location (siteKey). */
export interface SiteRow extends SiteCounts {
  key: string;
  /** The site frame: the first frame outside the allocator wrappers; undefined for unknown stacks. */
  frame: FrameMsg | undefined;
  /** The folded wrapper frames under it, innermost first (those of the row's first stack). */
  folded: FrameMsg[];
  /** frameLabel of the site frame: what the filter and the sort by site see. */
  label: string;
  /** Stack ids, in the order of the page's groups. */
  stacks: number[];
}

/**
 * A table's stacks regrouped by site frame. Block rows of site row i are
 * order[start[i] … start[i + 1] − 1], in the order the page sent them.
 */
export interface SiteGrouping {
  rows: SiteRow[];
  /** Stack id (as groups name it, 0 = unknown) → index in rows. */
  rowOf: Map<number, number>;
  order: Uint32Array;
  start: Uint32Array;
  /** Per row: block counts by leak kind, index 0–3 as LEAK_KIND_NAMES, 4 = freed since B; null without leak kinds. */
  kinds: number[][] | null;
}

const UNKNOWN = '(unknown site)';

/** The site row of one stack: key, site frame, folded frames, label. */
export function siteOfStack(module: number, site: SiteMsg | undefined, folded: (f: FrameMsg) => boolean) {
  const frames = site?.frames ?? [];
  if (frames.length === 0) return { key: siteKey(module, undefined), frame: undefined, folded: [] as FrameMsg[], label: UNKNOWN };
  const at = siteFrameIndex(frames, folded);
  const frame = frames[at];
  return { key: siteKey(module, frame), frame, folded: frames.slice(0, at), label: frameLabel(frame) };
}

const groupingCache = new WeakMap<Uint32Array, { version: string; leaks: unknown; grouping: SiteGrouping }>();

/**
 * Regroups the page's groups (one per stack) by site frame, summing their
 * counts, and indexes the block rows by site row: typed arrays, two passes
 * over the blocks, so 1,000,000 blocks take a few ms. Cached per table until
 * `src.version` or the table's leak kinds change.
 */
export function groupSites(table: BlockTable, src: SiteSource): SiteGrouping {
  const cached = groupingCache.get(table.blocks);
  if (cached && cached.version === src.version && cached.leaks === table.leaks) return cached.grouping;
  const rows: SiteRow[] = [];
  const byKey = new Map<string, number>();
  const rowOf = new Map<number, number>();
  const rowOfStack = (id: number): number => {
    let r = rowOf.get(id);
    if (r !== undefined) return r;
    const s = siteOfStack(table.module, id === 0 ? undefined : src.site(id), (f) => src.folded(f));
    r = byKey.get(s.key);
    if (r === undefined) {
      r = rows.length;
      byKey.set(s.key, r);
      rows.push({ ...s, stacks: [], newCount: 0, newBytes: 0, freedCount: 0, freedBytes: 0, liveCount: 0, liveBytes: 0 });
    }
    rows[r].stacks.push(id);
    rowOf.set(id, r);
    return r;
  };
  for (const g of table.groups) {
    const row = rows[rowOfStack(g.site)];
    row.newCount += g.newCount;
    row.newBytes += g.newBytes;
    row.freedCount += g.freedCount;
    row.freedBytes += g.freedBytes;
    row.liveCount += g.liveCount;
    row.liveBytes += g.liveBytes;
  }
  // Block rows: the row of each block, then a counting sort. Stack ids are
  // small (the page interns at most 100,000): a dense array answers most
  // lookups; consecutive blocks mostly share a stack.
  let maxId = 0;
  for (const g of table.groups) if (g.site > maxId) maxId = g.site;
  const dense = new Int32Array(Math.min(maxId, 1 << 22) + 1).fill(-1);
  for (const [id, r] of rowOf) if (id < dense.length) dense[id] = r;
  const n = table.blocks.length / BR.width;
  const rowOfBlock = new Uint32Array(n);
  const blocks = table.blocks;
  let lastStack = -1;
  let lastRow = 0;
  for (let b = 0, o = BR.site; b < n; b++, o += BR.width) {
    const s = blocks[o];
    if (s !== lastStack) {
      lastStack = s;
      const d = s < dense.length ? dense[s] : -1;
      lastRow = d >= 0 ? d : rowOfStack(s === BLOCK_NO_SITE ? 0 : s);
    }
    rowOfBlock[b] = lastRow;
  }
  const start = new Uint32Array(rows.length + 1);
  for (let b = 0; b < n; b++) start[rowOfBlock[b] + 1]++;
  for (let r = 0; r < rows.length; r++) start[r + 1] += start[r];
  const fill = start.slice(0, rows.length);
  const order = new Uint32Array(n);
  for (let b = 0; b < n; b++) order[fill[rowOfBlock[b]]++] = b;
  let kinds: number[][] | null = null;
  if (table.leaks) {
    const k = table.leaks.kinds;
    kinds = rows.map(() => [0, 0, 0, 0, 0]);
    for (let b = 0; b < k.length && b < n; b++) kinds[rowOfBlock[b]][k[b] === FREED_SINCE_B ? 4 : Math.min(k[b], 3)]++;
  }
  const grouping: SiteGrouping = { rows, rowOf, order, start, kinds };
  groupingCache.set(table.blocks, { version: src.version, leaks: table.leaks, grouping });
  return grouping;
}

/** "1 definitely lost, 9 indirectly lost": worst kind first. */
export function kindsText(c: readonly number[] | undefined): string {
  if (!c) return '';
  const parts: string[] = [];
  for (const k of [3, 2, 1, 0]) if (c[k] > 0) parts.push(`${c[k].toLocaleString('en-US')} ${LEAK_KIND_NAMES[k]}`);
  if (c[4] > 0) parts.push(`${c[4].toLocaleString('en-US')} freed since B`);
  return parts.join(', ');
}

export type SortKey = 'site' | 'new' | 'freed' | 'delta' | 'size' | 'live' | 'kinds';
export interface Sort {
  key: SortKey;
  dir: 1 | -1;
}

/** Site rows (or anything with their counts) sorted by one column; `label` and `kinds` give the site and leak-kinds columns. */
export function sortGroups<T extends SiteCounts>(
  groups: readonly T[],
  sort: Sort,
  label: (g: T) => string,
  kinds: (g: T) => readonly number[] | undefined,
): T[] {
  const value = (g: T): number => {
    switch (sort.key) {
      case 'new':
        return g.newCount;
      case 'freed':
        return g.freedCount;
      case 'delta':
        return g.newCount - g.freedCount;
      case 'size':
        return g.newBytes - g.freedBytes;
      case 'live':
        return g.liveBytes;
      case 'kinds':
        return kinds(g)?.[3] ?? 0;
      default:
        return 0;
    }
  };
  const out = [...groups];
  if (sort.key === 'site') out.sort((a, b) => sort.dir * label(a).localeCompare(label(b)));
  // Ties keep the page's order (largest first): Array.prototype.sort is stable.
  else out.sort((a, b) => sort.dir * (value(a) - value(b)));
  return out;
}

export type BlockSortKey = 'ptr' | 'size' | 'seq' | 'kind';

/**
 * All rows of a table ordered by one column. Keys pack (value, row) into one
 * float64 so the native numeric sort does the work: a comparator sort of 1 M
 * rows takes seconds, this takes ≈100 ms. Rows < 2^21 (LIMITS.maxDiffBlocks
 * is 1 M) and values < 2^32 keep the packing exact (< 2^53).
 */
export function sortRows(table: BlockTable, key: BlockSortKey, dir: 1 | -1): Uint32Array {
  const n = table.blocks.length / BR.width;
  const keys = new Float64Array(n);
  const field = key === 'ptr' ? BR.ptr : key === 'size' ? BR.size : BR.seq;
  const ROW = 2 ** 21;
  for (let r = 0; r < n; r++) {
    const v = key === 'kind' ? (table.leaks?.kinds[r] ?? 0) : table.blocks[r * BR.width + field];
    keys[r] = v * ROW + r;
  }
  keys.sort();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[dir === 1 ? i : n - 1 - i] = keys[i] % ROW;
  return out;
}
