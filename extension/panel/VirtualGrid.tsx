// A scrolling grid that renders only the rows in view (plus a margin), so a
// million block rows scroll like a hundred. Rows have one fixed height and are
// absolutely positioned in a container as tall as all of them; Chrome allows
// elements up to ~33 M px, 1 M rows × 20 px fits. Keyboard: arrows, Page
// Up/Down, Home/End move the active row; Enter/Left/Right go to the caller.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren, VNode } from 'preact';

export const ROW_HEIGHT = 20;
/** Below this many rows everything is rendered: no visible cost, and the page's find (Ctrl+F) sees all. */
const RENDER_ALL = 1000;
const OVERSCAN = 10;

/** A grid's active row, held by the list that renders it: its rows' own clicks move it too. */
export interface RowCursor {
  active: number;
  setActive: (row: number) => void;
}

export function useRowCursor(): RowCursor {
  const [active, setActive] = useState(0);
  return { active, setActive };
}

export interface VirtualGridProps {
  label: string;
  total: number;
  header: ComponentChildren;
  renderRow: (row: number, active: boolean) => VNode;
  /** The active row (past the end, when the list shrank, the last row is) and how to move it. */
  cursor: RowCursor;
  onKey?: (row: number, key: string) => void;
  testId?: string;
  /** What the list says instead of the grid when it has no rows. */
  empty: ComponentChildren;
}

/** The grid, or its `empty` text when there are no rows (the grid mounts afresh, and measures itself, when rows come). */
export function VirtualGrid(props: VirtualGridProps) {
  return props.total === 0 ? <p class="empty">{props.empty}</p> : <Rows {...props} />;
}

function Rows({ label, total, header, renderRow, cursor, onKey, testId }: VirtualGridProps) {
  const { setActive } = cursor;
  const active = Math.min(cursor.active, total - 1);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const focusNext = useRef(false);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keyboard moves bring the active row into view, then focus it once rendered.
  useEffect(() => {
    if (!focusNext.current) return;
    focusNext.current = false;
    const el = scroller.current;
    if (!el) return;
    const y = active * ROW_HEIGHT;
    const headerH = ROW_HEIGHT;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_HEIGHT > el.scrollTop + el.clientHeight - headerH) el.scrollTop = y + ROW_HEIGHT - el.clientHeight + headerH;
    requestAnimationFrame(() => (el.querySelector(`[data-row="${active}"]`) as HTMLElement | null)?.focus({ preventScroll: true }));
  });

  const all = total <= RENDER_ALL;
  const first = all ? 0 : Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = all ? total : Math.min(total, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const rows: VNode[] = [];
  for (let r = first; r < last; r++) rows.push(renderRow(r, r === active));

  const onKeyDown = (e: KeyboardEvent) => {
    // Keys on a control inside a row (a row's fold button) are the control's.
    const target = e.target as HTMLElement | null;
    if (target?.closest?.('button, a, input') && target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor(view.height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: total - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      focusNext.current = true;
      setActive(Math.max(0, Math.min(total - 1, moves[e.key])));
    } else if (onKey && (e.key === 'Enter' || e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === ' ')) {
      e.preventDefault();
      focusNext.current = true;
      onKey(active, e.key);
    }
  };

  return (
    <div
      class="vgrid"
      ref={scroller}
      role="grid"
      aria-label={label}
      aria-rowcount={total + 1}
      data-testid={testId}
      onScroll={(e) => {
        const el = e.currentTarget as HTMLDivElement;
        setView({ top: el.scrollTop, height: el.clientHeight });
      }}
      onKeyDown={onKeyDown}
      onFocusIn={(e) => {
        // Focus by mouse or Tab makes that row the active one for the keyboard.
        const row = (e.target as HTMLElement).closest?.('[data-row]')?.getAttribute('data-row');
        if (row !== null && row !== undefined && Number(row) !== active) setActive(Number(row));
      }}
    >
      <div class="vgrid-head" role="rowgroup">
        {header}
      </div>
      <div class="vgrid-body" role="rowgroup" style={{ height: `${total * ROW_HEIGHT}px` }}>
        {rows}
      </div>
    </div>
  );
}

/** Absolute position of a row inside the grid body. */
export function rowStyle(row: number): Record<string, string> {
  return { transform: `translateY(${row * ROW_HEIGHT}px)` };
}
