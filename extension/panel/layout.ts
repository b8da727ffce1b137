// The panel's size class, measured (ResizeObserver on the document), so the
// views adapt wherever DevTools is docked: wide (≥ 1000 px), narrow (below
// 760 px: docked right; Modules become a strip, the comparison keeps its key
// columns, the detail drawer stacks its stack above its bytes) and short
// (below 400 px tall: docked bottom; the timeline shrinks before the table
// does and the detail drawer opens at the side). CSS reads the same classes
// from data attributes on .app; components read them from the context.
import { createContext } from 'preact';
import { useContext, useLayoutEffect, useState } from 'preact/hooks';

export const NARROW_BELOW = 760;
export const WIDE_FROM = 1000;
export const SHORT_BELOW = 400;

/** Below this width the comparison's tables keep their key columns only (the others on demand). */
export const TABLE_NARROW_BELOW = 700;

export interface Layout {
  width: number;
  height: number;
  narrow: boolean;
  short: boolean;
  /**
   * The comparison itself is narrow: the window is, or the Modules column and
   * a drawer beside the tables leave it little room (App sets it).
   */
  tableNarrow: boolean;
}

export function layoutOf(width: number, height: number): Layout {
  const narrow = width < NARROW_BELOW;
  return { width, height, narrow, short: height < SHORT_BELOW, tableNarrow: narrow };
}

export const LayoutContext = createContext<Layout>(layoutOf(1400, 900));

export function useLayout(): Layout {
  return useContext(LayoutContext);
}

/** The window's size class, updated as DevTools is resized or docked elsewhere. */
export function useMeasuredLayout(): Layout {
  const [layout, setLayout] = useState(() => layoutOf(window.innerWidth, window.innerHeight));
  useLayoutEffect(() => {
    const update = () => {
      const next = layoutOf(window.innerWidth, window.innerHeight);
      setLayout((prev) => (prev.width === next.width && prev.height === next.height ? prev : next));
    };
    const ro = new ResizeObserver(update);
    ro.observe(document.documentElement);
    window.addEventListener('resize', update);
    update();
    return () => {
      ro.disconnect();
      window.removeEventListener('resize', update);
    };
  }, []);
  return layout;
}
