// Keeps the selected row in view when the block detail drawer opens or is
// resized: the drawer takes room from the table above (or beside) it, which
// would otherwise leave the row the detail belongs to out of sight.
import { ROW_HEIGHT } from './VirtualGrid';

export function revealSelectedRow(): void {
  const row = document.querySelector<HTMLElement>('.vgrid .vrow.selected');
  const grid = row?.closest<HTMLElement>('.vgrid');
  if (!row || !grid) return;
  const top = row.getBoundingClientRect().top - grid.getBoundingClientRect().top;
  // The grid's sticky header covers its first ROW_HEIGHT px.
  if (top < ROW_HEIGHT) grid.scrollTop -= ROW_HEIGHT - top;
  else if (top + ROW_HEIGHT > grid.clientHeight) grid.scrollTop += top + ROW_HEIGHT - grid.clientHeight;
}
