// Threads on one shared memory (emscripten -pthread): each site names the
// thread that allocated there (SiteMsg.thread), so a table's blocks of one
// thread are those of its sites. A filtered table is a BlockTable like the
// page's, cached per table, thread and leak-kinds reply.
import { BR, BLOCK_NO_SITE, type SiteMsg } from '../../src/protocol';
import type { BlockTable } from './store';

type SiteOf = (table: BlockTable, id: number) => SiteMsg | undefined;

/** The threads the tables' sites name, in order ("main thread" first, then "thread 1", "thread 2", …). */
export function threadsOf(tables: readonly BlockTable[], siteOf: SiteOf): string[] {
  const found = new Set<string>();
  for (const t of tables)
    for (const g of t.groups) {
      const thread = g.site === 0 ? undefined : siteOf(t, g.site)?.thread;
      if (thread !== undefined) found.add(thread);
    }
  return [...found].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

const cache = new WeakMap<BlockTable, { thread: string; leaks: unknown; table: BlockTable }>();
/** Ids of filtered tables, apart from the store's (components key their view state on a table's id). */
let nextId = 2 ** 40;

/** `table` with only the blocks and groups of sites in `thread`. */
export function forThread(table: BlockTable, thread: string, siteOf: SiteOf): BlockTable {
  const hit = cache.get(table);
  if (hit && hit.thread === thread && hit.leaks === table.leaks) return hit.table;
  const inThread = (id: number) => id !== 0 && id !== BLOCK_NO_SITE && siteOf(table, id)?.thread === thread;
  const groups = table.groups.filter((g) => inThread(g.site));
  const n = table.blocks.length / BR.width;
  const rows: number[] = [];
  let lastSite = -1;
  let lastIn = false;
  for (let r = 0; r < n; r++) {
    const s = table.blocks[r * BR.width + BR.site];
    if (s !== lastSite) {
      lastSite = s;
      lastIn = inThread(s);
    }
    if (lastIn) rows.push(r);
  }
  const blocks = new Uint32Array(rows.length * BR.width);
  rows.forEach((r, i) => blocks.set(table.blocks.subarray(r * BR.width, (r + 1) * BR.width), i * BR.width));
  const sum = (k: 'newCount' | 'newBytes' | 'freedCount' | 'freedBytes') => groups.reduce((a, g) => a + g[k], 0);
  const out: BlockTable = {
    ...table,
    id: nextId++,
    groups,
    blocks,
    newCount: sum('newCount'),
    newBytes: sum('newBytes'),
    freedCount: sum('freedCount'),
    freedBytes: sum('freedBytes'),
    leaks: table.leaks ? { msg: table.leaks.msg, kinds: Uint8Array.from(rows, (r) => table.leaks!.kinds[r] ?? 0) } : null,
  };
  cache.set(table, { thread, leaks: table.leaks, table: out });
  return out;
}
