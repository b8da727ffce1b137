// The Blocks view: every block of the table in one virtualized list, sortable
// by address, size, allocation number or leak kind. The flame graph shows it
// too, restricted to the stacks under the node picked there (`stacks`).
import { useMemo, useState } from 'preact/hooks';
import { BR, blockSite, blockTime } from '../../src/protocol';
import type { Store, BlockTable } from './store';
import type { Controller } from './controller';
import { VirtualGrid, rowStyle, useRowCursor } from './VirtualGrid';
import { sortRows, groupSites, kindName, type BlockSortKey } from './site-index';
import { age } from './format';
import { BlockRow, type BlockRows } from './BlockRow';
import { useLayout } from './layout';

export function BlockList({
  store,
  ctl,
  table,
  filter,
  stacks = null,
}: {
  store: Store;
  ctl: Controller;
  table: BlockTable;
  filter: string;
  /** Only blocks of these stack ids (null: all). */
  stacks?: ReadonlySet<number> | null;
}) {
  const [sort, setSort] = useState<{ key: BlockSortKey; dir: 1 | -1 }>({ key: 'size', dir: -1 });
  const cursor = useRowCursor();
  const { setActive } = cursor;
  const rowsOf: BlockRows = { store, ctl, table, setActive };
  const grouping = groupSites(table, store.siteSource(table));
  const rowLabel = (stack: number) => grouping.rows[grouping.rowOf.get(stack) ?? -1]?.label ?? '(unknown site)';
  const rows = useMemo(() => {
    const sorted = sortRows(table, sort.key, sort.dir);
    const f = filter.trim().toLowerCase();
    if (!f && !stacks) return sorted;
    // Decide per stack once, not once per block.
    const keep = new Map<number, boolean>();
    for (const [stack, r] of grouping.rowOf)
      keep.set(stack, (!f || grouping.rows[r].label.toLowerCase().includes(f)) && (!stacks || stacks.has(stack)));
    return sorted.filter((r) => keep.get(blockSite(table.blocks, r)) ?? false);
  }, [table, sort, filter, table.leaks, grouping, stacks]);

  // Narrow: address, size and site; Allocation # and the leak kind when sorted by them, Age not.
  const narrow = useLayout().tableNarrow;
  const showSeq = !narrow || sort.key === 'seq';
  const showAge = !narrow;
  const showKind = !narrow || (table.leaks !== null && sort.key === 'kind');
  const template = [
    '110px 96px',
    showSeq ? '90px' : '',
    showAge ? '90px' : '',
    narrow ? 'minmax(140px, 1fr)' : 'minmax(200px, 1fr)',
    showKind ? '130px' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const col = (key: BlockSortKey | null, title: string) => {
    const aria = key && sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none';
    const click = () => key && setSort(sort.key === key ? { key, dir: sort.dir === 1 ? -1 : 1 } : { key, dir: -1 });
    return (
      <div
        role="columnheader"
        aria-sort={key ? aria : undefined}
        tabIndex={key ? 0 : undefined}
        onClick={click}
        onKeyDown={(e) => e.key === 'Enter' && click()}
      >
        {title}
      </div>
    );
  };
  const header = (
    <div class="vrow head" role="row" style={{ gridTemplateColumns: template }}>
      {col('ptr', 'Address')}
      {col('size', 'Size')}
      {showSeq && col('seq', 'Allocation #')}
      {showAge && col(null, 'Age')}
      {col(null, 'Allocation site')}
      {showKind && col(table.leaks ? 'kind' : null, 'Leak kind')}
    </div>
  );
  const now = store.now();
  const start = store.startOf(table.frame);
  const why =
    stacks && table.truncated ? ' listed (only the first blocks of the comparison are)' : filter ? ` at a site matching “${filter}”` : '';
  return (
    <VirtualGrid
      label="Blocks"
      total={rows.length}
      empty={`No blocks${why}.`}
      header={header}
      cursor={cursor}
      testId="block-grid"
      onKey={(r) => ctl.selectBlock(table, rows[r])}
      renderRow={(i, isActive) => {
        const r = rows[i];
        const o = r * BR.width;
        return (
          <BlockRow key={r} of={rowsOf} r={r} row={i} isActive={isActive} style={{ ...rowStyle(i), gridTemplateColumns: template }}>
            {showSeq && <div role="gridcell">#{table.blocks[o + BR.seq]}</div>}
            {showAge && <div role="gridcell">{age(now - blockTime(table.blocks, r, start))}</div>}
            <div role="gridcell" class="left" data-testid="block-site">
              {rowLabel(blockSite(table.blocks, r))}
            </div>
            {showKind && (
              <div role="gridcell" data-testid="block-kind">
                {table.leaks ? kindName(table.leaks.kinds[r]) : ''}
              </div>
            )}
          </BlockRow>
        );
      }}
    />
  );
}
