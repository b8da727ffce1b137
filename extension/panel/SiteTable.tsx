// The Sites view: one row per allocation site, sortable by every column,
// expandable to the site's blocks (virtualized). An expanded site shows a
// header row of its own for the block columns (address, size, …), which are
// not the site columns (# New, # Freed, …). Used for the A → B comparison and
// for the retained allocations of a timeline selection.
import { useMemo, useState } from 'preact/hooks';
import { BR, blockTime, type SiteGroupMsg } from '../../src/protocol';
import type { Store, BlockTable } from './store';
import type { Controller } from './controller';
import { VirtualGrid, rowStyle } from './VirtualGrid';
import { siteIndex, kindsBySite, kindsText, kindName, siteLabel, sortGroups, type Sort, type SortKey } from './site-index';
import { bytes, count, hex, signedBytes, signedCount, age } from './format';

interface Column {
  key: SortKey;
  title: string;
  cell: (g: SiteGroupMsg) => string;
  testId?: string;
}

function columns(table: BlockTable, kinds: Map<number, number[]> | null): Column[] {
  const cols: Column[] =
    table.kind === 'diff'
      ? [
          { key: 'new', title: '# New', cell: (g) => count(g.newCount), testId: 'site-new' },
          { key: 'freed', title: '# Freed', cell: (g) => count(g.freedCount) },
          { key: 'delta', title: '# Delta', cell: (g) => signedCount(g.newCount - g.freedCount) },
          { key: 'size', title: 'Size Delta', cell: (g) => signedBytes(g.newBytes - g.freedBytes), testId: 'site-size-delta' },
          { key: 'live', title: 'Live bytes', cell: (g) => bytes(g.liveBytes) },
        ]
      : [
          { key: 'new', title: '# Retained', cell: (g) => count(g.newCount), testId: 'site-new' },
          { key: 'size', title: 'Retained size', cell: (g) => bytes(g.newBytes), testId: 'site-size-delta' },
        ];
  if (kinds) cols.push({ key: 'kinds', title: 'Leak kinds', cell: (g) => kindsText(kinds.get(g.site)), testId: 'site-kinds' });
  return cols;
}

export function SiteTable({ store, ctl, table, filter }: { store: Store; ctl: Controller; table: BlockTable; filter: string }) {
  const [sort, setSort] = useState<Sort>({ key: 'size', dir: -1 });
  const [active, setActive] = useState(0);
  const kinds = kindsBySite(table);
  const label = (site: number) => siteLabel(store.site(table.frame, site));
  const groups = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const shown = f ? table.groups.filter((g) => label(g.site).toLowerCase().includes(f)) : table.groups;
    return sortGroups(shown, sort, label, kinds);
  }, [table, filter, sort, kinds, store.sites.size]);
  // The largest site starts open, as in the DevTools Comparison view's habit of showing the top entry.
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set(groups.length > 0 ? [groups[0].site] : []));
  const index = siteIndex(table.blocks);
  const cols = columns(table, kinds);
  // The leak-kinds column shares the free width with the site label rather than pushing the grid wider than the panel.
  const template = `minmax(180px, 1.3fr) repeat(${cols.length - (kinds ? 1 : 0)}, 88px)${kinds ? ' minmax(150px, 1fr)' : ''}`;

  // Row layout: each group, then when expanded a block header row and its listed blocks.
  const listed = (g: SiteGroupMsg) => (expanded.has(g.site) ? (index.count.get(g.site) ?? 0) : 0);
  const offsets = useMemo(() => {
    const out = new Float64Array(groups.length + 1);
    for (let i = 0; i < groups.length; i++) {
      const n = listed(groups[i]);
      out[i + 1] = out[i] + 1 + (n > 0 ? 1 + n : 0);
    }
    return out;
  }, [groups, expanded, index]);
  const total = offsets[groups.length];

  /** What row `row` shows: group g's row, its block header, or its block number `block`. */
  const locate = (row: number): { g: number; part: 'group' | 'head' | 'block'; block: number } => {
    let lo = 0;
    let hi = groups.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    const k = row - offsets[lo];
    return { g: lo, part: k === 0 ? 'group' : k === 1 ? 'head' : 'block', block: k - 2 };
  };
  const blockRow = (g: SiteGroupMsg, block: number) => index.order[index.start.get(g.site)! + block];

  const toggle = (site: number, open?: boolean) => {
    const next = new Set(expanded);
    if (open ?? !next.has(site)) next.add(site);
    else next.delete(site);
    setExpanded(next);
  };

  const clickHeader = (key: SortKey) => setSort(sort.key === key ? { key, dir: sort.dir === 1 ? -1 : 1 } : { key, dir: key === 'site' ? 1 : -1 });
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none');

  const header = (
    <div class="vrow head" role="row" style={{ gridTemplateColumns: template }}>
      <div role="columnheader" aria-sort={ariaSort('site')} tabIndex={0} onClick={() => clickHeader('site')}
        onKeyDown={(e) => e.key === 'Enter' && clickHeader('site')}>Allocation site</div>
      {cols.map((c) => (
        <div key={c.key} role="columnheader" aria-sort={ariaSort(c.key)} tabIndex={0} data-testid={`sort-${c.key}`}
          onClick={() => clickHeader(c.key)} onKeyDown={(e) => e.key === 'Enter' && clickHeader(c.key)}>
          {c.title}
        </div>
      ))}
    </div>
  );

  const now = store.now();
  const start = store.startOf(table.frame);

  const renderRow = (row: number, isActive: boolean) => {
    const { g, part, block } = locate(row);
    const group = groups[g];
    if (part === 'group') {
      const open = expanded.has(group.site);
      return (
        <div key={`g${group.site}`} class="vrow group" role="row" data-row={row} data-testid="site-row" aria-expanded={open}
          tabIndex={isActive ? 0 : -1} style={{ ...rowStyle(row), gridTemplateColumns: template }}
          onClick={() => { setActive(row); toggle(group.site); }}>
          <div role="gridcell" data-testid="site-label" title={label(group.site)}>{open ? '▾' : '▸'} {label(group.site)}</div>
          {cols.map((c) => <div key={c.key} role="gridcell" data-testid={c.testId}>{c.cell(group)}</div>)}
        </div>
      );
    }
    if (part === 'head') {
      return (
        <div key={`h${group.site}`} class="vrow block block-head" role="row" data-row={row} data-testid="block-head"
          tabIndex={isActive ? 0 : -1} style={rowStyle(row)} onClick={() => setActive(row)}>
          <div role="columnheader">Address</div>
          <div role="columnheader">Size</div>
          <div role="columnheader">Allocation #</div>
          <div role="columnheader">Age</div>
          <div role="columnheader">{table.leaks ? 'Leak kind' : ''}</div>
        </div>
      );
    }
    const r = blockRow(group, block);
    const o = r * BR.width;
    const sel = store.selected?.table === table && store.selected.row === r;
    const kind = table.leaks ? kindName(table.leaks.kinds[r]) : '';
    return (
      <div key={`b${r}`} class={`vrow block ${sel ? 'selected' : ''}`} role="row" data-row={row} data-testid="block-row"
        tabIndex={isActive ? 0 : -1} style={rowStyle(row)} onClick={() => { setActive(row); ctl.selectBlock(table, r); }}>
        <div role="gridcell" class="mono" data-testid="block-address">{hex(table.blocks[o + BR.ptr])}</div>
        <div role="gridcell" data-testid="block-size">{bytes(table.blocks[o + BR.size])}</div>
        <div role="gridcell">#{table.blocks[o + BR.seq]}</div>
        <div role="gridcell">{age(now - blockTime(table.blocks, r, start))}</div>
        <div role="gridcell" data-testid="block-kind">{kind}</div>
      </div>
    );
  };

  const onKey = (row: number, key: string) => {
    const { g, part, block } = locate(row);
    const group = groups[g];
    if (!group) return;
    if (part === 'group') {
      if (key === 'ArrowRight') toggle(group.site, true);
      else if (key === 'ArrowLeft') toggle(group.site, false);
      else toggle(group.site);
    } else if (key === 'ArrowLeft') {
      setActive(offsets[g]);
    } else if (part === 'block') {
      ctl.selectBlock(table, blockRow(group, block));
    }
  };

  if (groups.length === 0) {
    return <p class="empty">{filter ? `No allocation site matches “${filter}”.` : 'No new blocks: nothing allocated in between is still alive.'}</p>;
  }
  return (
    <VirtualGrid label={table.kind === 'diff' ? 'Comparison by allocation site' : 'Retained allocations by site'} total={total}
      header={header} renderRow={renderRow} active={Math.min(active, total - 1)} setActive={setActive} onKey={onKey} testId="site-grid" />
  );
}
