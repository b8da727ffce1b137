// Clicking a block: remember it for the detail pane and read its first bytes from the page.
import { BLOCK_STRIDE } from '../../src/protocol';
import type { Store, BlockTable } from './store';
import type { Controller } from './controller';

/** Bytes shown in the dump: 16 rows of 16 keep the pane one screen tall. */
const DUMP_BYTES = 256;

export function selectBlock(store: Store, ctl: Controller, table: BlockTable, row: number): void {
  const b = table.blocks;
  const o = row * BLOCK_STRIDE;
  store.selected = { table, row, moduleKey: table.moduleKey, ptr: b[o], size: b[o + 1], site: b[o + 2], seq: b[o + 3], time: b[o + 4] };
  store.memoryView = null;
  store.changed();
  ctl.readBytes(table.moduleKey, b[o], Math.min(b[o + 1], DUMP_BYTES));
}
