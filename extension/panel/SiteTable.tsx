// The Sites view: one row per allocation site — the first frame of a stack
// outside the allocator wrappers, so the stacks reaching one call site share
// a row (the page sends a group per stack; groupSites sums them) — with the
// folded wrapper frames dimmed after its name. Sortable by every column,
// expandable to the site's blocks (virtualized). An expanded site shows a
// header row of its own for the block columns (address, size, …), which are
// not the site columns (# New, # Freed, …). A row's small buttons fold its
// site function into the wrappers, or unfold a folded one (valgrind's
// --alloc-fn). Used for the A → B comparison and for the retained
// allocations of a timeline selection.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { BR, blockTime, type FrameMsg } from '../../src/protocol';
import type { Store, BlockTable } from './store';
import type { Controller } from './controller';
import { VirtualGrid, rowStyle, useRowCursor } from './VirtualGrid';
import { groupSites, kindsText, kindName, sortGroups, frameLocation, type SiteRow, type Sort, type SortKey } from './site-index';
import { bytes, count, signedBytes, signedCount, age } from './format';
import { useLayout } from './layout';
import { usePref } from './prefs';
import { OverflowMenu } from './OverflowMenu';
import { BlockRow, type BlockRows } from './BlockRow';

interface Column {
  key: SortKey;
  title: string;
  cell: (g: SiteRow) => string;
  testId?: string;
}

function columns(table: BlockTable, kinds: ((g: SiteRow) => number[] | undefined) | null): Column[] {
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
  if (kinds) cols.push({ key: 'kinds', title: 'Leak kinds', cell: (g) => kindsText(kinds(g)), testId: 'site-kinds' });
  return cols;
}

/** A site's name and location, then its folded wrapper frames, dimmed; with the buttons that fold or unfold them. */
export function SiteName({
  row,
  onFold,
  active = true,
}: {
  row: SiteRow;
  onFold: ((f: FrameMsg, alloc: boolean) => void) | null;
  /** The row is the grid's active one: its buttons are in the Tab order. */
  active?: boolean;
}) {
  const tab = active ? 0 : -1;
  if (!row.frame)
    return (
      <span class="fn" data-testid="site-name">
        {row.label}
      </span>
    );
  const f = row.frame;
  const loc = frameLocation(f);
  return (
    <>
      <span class="fn" data-testid="site-name">
        {f.name}
      </span>
      {loc && (
        <span class="loc" data-testid="site-location">
          {loc}
        </span>
      )}
      {row.folded.length > 0 && (
        <span class="folded" data-testid="site-folded" title="Allocator wrappers folded into this site (innermost last)">
          {[...row.folded].reverse().map((w, i) => (
            <span key={i} class="wrapper">
              {i > 0 ? ' → ' : '→ '}
              {onFold && w.func >= 0 ? (
                <button
                  type="button"
                  class="wrapper-name"
                  tabIndex={tab}
                  aria-label={`Not an allocator wrapper: ${w.name}`}
                  title={`Not an allocator wrapper: group the blocks allocated through ${w.name} at ${w.name} itself`}
                  onClick={(e) => {
                    e.stopPropagation();
                    onFold(w, false);
                  }}
                >
                  {w.name}
                </button>
              ) : (
                w.name
              )}
            </span>
          ))}
        </span>
      )}
      {onFold && f.func >= 0 && (
        <button
          type="button"
          class="row-action"
          tabIndex={tab}
          aria-label={`Treat ${f.name} as allocator wrapper`}
          title={`Treat ${f.name} as an allocator wrapper: its blocks go to the row of its caller`}
          onClick={(e) => {
            e.stopPropagation();
            onFold(f, true);
          }}
        >
          fold
        </button>
      )}
    </>
  );
}

/** The row's tooltip: its site and the wrappers folded into it, as a stack reads (innermost first). */
function siteTitle(row: SiteRow): string {
  const stacks = row.stacks.length === 1 ? '1 stack' : `${row.stacks.length.toLocaleString('en-US')} stacks`;
  const folded = row.folded.length > 0 ? `\nfolded: ${row.folded.map((f) => f.name).join(' ← ')}` : '';
  return `${row.label}${folded}\n${stacks}`;
}

export function SiteTable({ store, ctl, table, filter }: { store: Store; ctl: Controller; table: BlockTable; filter: string }) {
  const [sort, setSort] = useState<Sort>({ key: 'size', dir: -1 });
  const cursor = useRowCursor();
  const { setActive } = cursor;
  const rowsOf: BlockRows = { store, ctl, table, setActive };
  const source = store.siteSource(table);
  const grouping = groupSites(table, source);
  const kindsOf = grouping.kinds ? (g: SiteRow) => grouping.kinds![grouping.rowOf.get(g.stacks[0])!] : null;
  const groups = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const shown = f ? grouping.rows.filter((g) => g.label.toLowerCase().includes(f)) : grouping.rows;
    return sortGroups(
      shown,
      sort,
      (g) => g.label,
      (g) => kindsOf?.(g),
    );
  }, [grouping, filter, sort]);
  // The largest site starts open, as in the DevTools Comparison view's habit of showing the top entry.
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(groups.length > 0 ? [groups[0].key] : []));
  const allCols = columns(table, kindsOf);
  // Narrow (docked to the side, or a drawer beside the tables): the site, # New, the size and the sorted
  // column; the others on demand (remembered).
  const narrow = useLayout().tableNarrow;
  const [extra, setExtra] = usePref('narrowColumns');
  const key = (c: Column) => c.key === 'new' || c.key === 'size' || c.key === sort.key;
  const cols = narrow ? allCols.filter((c) => key(c) || extra.includes(c.key)) : allCols;
  const optional = allCols.filter((c) => !key(c));
  const onFold = (f: FrameMsg, alloc: boolean) => store.setWrapper(table.moduleKey, f, alloc);
  const rowIndex = (g: SiteRow) => grouping.rowOf.get(g.stacks[0])!;
  // The leak-kinds column shares the free width with the site label rather than pushing the grid wider than the panel.
  const kindsShown = cols.some((c) => c.key === 'kinds');
  const template = `minmax(${narrow ? 150 : 180}px, 1.3fr) repeat(${cols.length - (kindsShown ? 1 : 0)}, ${narrow ? 84 : 88}px)${kindsShown ? ' minmax(150px, 1fr)' : ''}`;

  // Row layout: each group, then when expanded a block header row and its listed blocks.
  const listed = (g: SiteRow) => {
    if (!expanded.has(g.key)) return 0;
    const r = rowIndex(g);
    return grouping.start[r + 1] - grouping.start[r];
  };
  const offsets = useMemo(() => {
    const out = new Float64Array(groups.length + 1);
    for (let i = 0; i < groups.length; i++) {
      const n = listed(groups[i]);
      out[i + 1] = out[i] + 1 + (n > 0 ? 1 + n : 0);
    }
    return out;
  }, [groups, expanded, grouping]);
  const total = offsets[groups.length];
  // A site picked on the timeline's by-site chart (a click on its band) is made the active row: selected and scrolled to.
  const picked = store.growthSite;
  useEffect(() => {
    const g = picked === null ? -1 : groups.findIndex((x) => x.key === picked);
    if (g >= 0) setActive(offsets[g]);
  }, [picked, groups]);

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
  const blockRow = (g: SiteRow, block: number) => grouping.order[grouping.start[rowIndex(g)] + block];

  const toggle = (key: string, open?: boolean) => {
    const next = new Set(expanded);
    if (open ?? !next.has(key)) next.add(key);
    else next.delete(key);
    setExpanded(next);
  };

  const clickHeader = (key: SortKey) =>
    setSort(sort.key === key ? { key, dir: sort.dir === 1 ? -1 : 1 } : { key, dir: key === 'site' ? 1 : -1 });
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none');

  const header = (
    <div class="vrow head" role="row" style={{ gridTemplateColumns: template }}>
      <div
        role="columnheader"
        aria-sort={ariaSort('site')}
        tabIndex={0}
        onClick={() => clickHeader('site')}
        onKeyDown={(e) => e.key === 'Enter' && clickHeader('site')}
      >
        Allocation site
        {narrow && optional.length > 0 && (
          <OverflowMenu
            label="Columns"
            text="Columns ▾"
            title="Show more columns (when narrow, the table shows the site, # New, the size and the sorted column)"
            actions={optional.map((c) => ({
              name: c.title,
              text: c.title,
              checked: extra.includes(c.key),
              run: () => setExtra(extra.includes(c.key) ? extra.filter((k) => k !== c.key) : [...extra, c.key]),
            }))}
          />
        )}
      </div>
      {cols.map((c) => (
        <div
          key={c.key}
          role="columnheader"
          aria-sort={ariaSort(c.key)}
          tabIndex={0}
          data-testid={`sort-${c.key}`}
          onClick={() => clickHeader(c.key)}
          onKeyDown={(e) => e.key === 'Enter' && clickHeader(c.key)}
        >
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
      const open = expanded.has(group.key);
      return (
        <div
          key={`g${group.key}`}
          class={`vrow group ${group.key === picked ? 'selected' : ''}`}
          role="row"
          aria-selected={group.key === picked}
          data-row={row}
          data-testid="site-row"
          aria-expanded={open}
          tabIndex={isActive ? 0 : -1}
          style={{ ...rowStyle(row), gridTemplateColumns: template }}
          onClick={() => {
            setActive(row);
            toggle(group.key);
          }}
        >
          <div role="gridcell" class="site-cell" data-testid="site-label" title={siteTitle(group)}>
            <span class="twisty">{open ? '▾' : '▸'}</span> <SiteName row={group} onFold={onFold} active={isActive} />
          </div>
          {cols.map((c) => (
            <div key={c.key} role="gridcell" data-testid={c.testId}>
              {c.cell(group)}
            </div>
          ))}
        </div>
      );
    }
    if (part === 'head') {
      return (
        <div
          key={`h${group.key}`}
          class="vrow block block-head"
          role="row"
          data-row={row}
          data-testid="block-head"
          tabIndex={isActive ? 0 : -1}
          style={rowStyle(row)}
          onClick={() => setActive(row)}
        >
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
    const kind = table.leaks ? kindName(table.leaks.kinds[r]) : '';
    return (
      <BlockRow key={`b${r}`} of={rowsOf} r={r} row={row} isActive={isActive} cls="block " style={rowStyle(row)}>
        <div role="gridcell">#{table.blocks[o + BR.seq]}</div>
        <div role="gridcell">{age(now - blockTime(table.blocks, r, start))}</div>
        <div role="gridcell" data-testid="block-kind">
          {kind}
        </div>
      </BlockRow>
    );
  };

  const onKey = (row: number, key: string) => {
    const { g, part, block } = locate(row);
    const group = groups[g];
    if (!group) return;
    if (part === 'group') {
      if (key === 'ArrowRight') toggle(group.key, true);
      else if (key === 'ArrowLeft') toggle(group.key, false);
      else toggle(group.key);
    } else if (key === 'ArrowLeft') {
      setActive(offsets[g]);
    } else if (part === 'block') {
      ctl.selectBlock(table, blockRow(group, block));
    }
  };

  return (
    <VirtualGrid
      label={table.kind === 'diff' ? 'Comparison by allocation site' : 'Retained allocations by site'}
      total={total}
      empty={filter ? `No allocation site matches “${filter}”.` : 'No new blocks: nothing allocated in between is still alive.'}
      header={header}
      renderRow={renderRow}
      cursor={cursor}
      onKey={onKey}
      testId="site-grid"
    />
  );
}
