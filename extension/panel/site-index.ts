// Derived views of a BlockTable, computed once per table (or per leak-kinds
// reply) and cached: rows grouped by site, leak kinds per site, sort orders of
// all rows. Typed arrays throughout: a table can hold 1,000,000 blocks.
import { BR, FREED_SINCE_B, LEAK_KIND_NAMES, blockSite, type SiteGroupMsg, type SiteMsg } from '../../src/protocol';
import type { BlockTable } from './store';

export function kindName(code: number): string {
  return code === FREED_SINCE_B ? 'freed since B' : (LEAK_KIND_NAMES[code] ?? 'unknown');
}

/**
 * Block rows of each site, in the order the page sent them: the rows of site
 * s are order[start(s) … start(s) + count(s) − 1]. Sites as site groups name
 * them (blockSite: an unknown site is 0).
 */
export interface SiteIndex {
  order: Uint32Array;
  start: Map<number, number>;
  count: Map<number, number>;
}

const indexCache = new WeakMap<Uint32Array, SiteIndex>();

export function siteIndex(blocks: Uint32Array): SiteIndex {
  let index = indexCache.get(blocks);
  if (index) return index;
  const n = blocks.length / BR.width;
  const count = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const s = blockSite(blocks, r);
    count.set(s, (count.get(s) ?? 0) + 1);
  }
  const start = new Map<number, number>();
  let at = 0;
  for (const [s, c] of count) {
    start.set(s, at);
    at += c;
  }
  const fill = new Map(start);
  const order = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const s = blockSite(blocks, r);
    const k = fill.get(s)!;
    order[k] = r;
    fill.set(s, k + 1);
  }
  index = { order, start, count };
  indexCache.set(blocks, index);
  return index;
}

/** Per site: block counts by leak kind, index 0–3 as LEAK_KIND_NAMES, 4 = freed since B. */
const kindsCache = new WeakMap<Uint8Array, Map<number, number[]>>();

export function kindsBySite(table: BlockTable): Map<number, number[]> | null {
  if (!table.leaks) return null;
  const { kinds } = table.leaks;
  let out = kindsCache.get(kinds);
  if (out) return out;
  out = new Map();
  for (let r = 0; r < kinds.length; r++) {
    const s = blockSite(table.blocks, r);
    let c = out.get(s);
    if (!c) out.set(s, (c = [0, 0, 0, 0, 0]));
    c[kinds[r] === FREED_SINCE_B ? 4 : Math.min(kinds[r], 3)]++;
  }
  kindsCache.set(kinds, out);
  return out;
}

/** "1 definitely lost, 9 indirectly lost": worst kind first. */
export function kindsText(c: number[] | undefined): string {
  if (!c) return '';
  const parts: string[] = [];
  for (const k of [3, 2, 1, 0]) if (c[k] > 0) parts.push(`${c[k].toLocaleString('en-US')} ${LEAK_KIND_NAMES[k]}`);
  if (c[4] > 0) parts.push(`${c[4].toLocaleString('en-US')} freed since B`);
  return parts.join(', ');
}

export function siteLabel(site: SiteMsg | undefined): string {
  if (!site || site.frames.length === 0) return '(unknown site)';
  const f = site.frames.find((fr) => fr.func >= 0) ?? site.frames[0];
  return frameLabel(f);
}

export function frameLabel(f: { name: string; file: string; line: number }): string {
  return f.line ? `${f.name} (${f.file.split('/').pop()}:${f.line})` : f.name;
}

export type SortKey = 'site' | 'new' | 'freed' | 'delta' | 'size' | 'live' | 'kinds';
export interface Sort {
  key: SortKey;
  dir: 1 | -1;
}

export function sortGroups(groups: SiteGroupMsg[], sort: Sort, label: (site: number) => string, kinds: Map<number, number[]> | null): SiteGroupMsg[] {
  const value = (g: SiteGroupMsg): number => {
    switch (sort.key) {
      case 'new': return g.newCount;
      case 'freed': return g.freedCount;
      case 'delta': return g.newCount - g.freedCount;
      case 'size': return g.newBytes - g.freedBytes;
      case 'live': return g.liveBytes;
      case 'kinds': return kinds?.get(g.site)?.[3] ?? 0;
      default: return 0;
    }
  };
  const out = [...groups];
  if (sort.key === 'site') out.sort((a, b) => sort.dir * label(a.site).localeCompare(label(b.site)));
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
