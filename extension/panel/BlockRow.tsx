// One block's row, as the block list and the Sites table's expanded sites show
// it: a click makes it the active row and selects the block (its stack in the
// detail pane); its address and size, then the cells the list adds.
import type { ComponentChildren, JSX } from 'preact';
import { BR } from '../../src/protocol';
import type { Store, BlockTable } from './store';
import type { Controller } from './controller';
import { bytes, hex } from './format';

/** What every row of one list shares: the table its blocks are in, and how a click makes a row the active one. */
export interface BlockRows {
  store: Store;
  ctl: Controller;
  table: BlockTable;
  setActive: (row: number) => void;
}

export function BlockRow(props: {
  of: BlockRows;
  /** The block's row in `table.blocks`. */
  r: number;
  /** The grid row this is. */
  row: number;
  isActive: boolean;
  /** Classes besides `vrow` and `selected`, each followed by a space. */
  cls?: string;
  style: JSX.CSSProperties;
  children: ComponentChildren;
}) {
  const { store, ctl, table, setActive } = props.of;
  const { r, row } = props;
  const o = r * BR.width;
  const sel = store.selected?.table === table && store.selected.row === r;
  return (
    <div
      class={`vrow ${props.cls ?? ''}${sel ? 'selected' : ''}`}
      role="row"
      data-row={row}
      data-testid="block-row"
      tabIndex={props.isActive ? 0 : -1}
      style={props.style}
      onClick={() => {
        setActive(row);
        ctl.selectBlock(table, r);
      }}
    >
      <div role="gridcell" class="mono" data-testid="block-address">
        {hex(table.blocks[o + BR.ptr])}
      </div>
      <div role="gridcell" data-testid="block-size">
        {bytes(table.blocks[o + BR.size])}
      </div>
      {props.children}
    </div>
  );
}
