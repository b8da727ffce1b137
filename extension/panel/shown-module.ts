// Which module a one-module view (the by-site chart and ranking, the memory
// breakdown) shows when the user has not picked one.
import type { Store } from './store';

/**
 * The module picked in the module filter if `series` has rows of it (else
 * none); without a pick, of the modules `series` has rows of, the one with
 * the largest `weight` (the first of equals); a null weight leaves a module out.
 */
export function shownModule(store: Store, series: ReadonlyMap<string, unknown>, weight: (key: string) => number | null): string | null {
  if (store.moduleFilter !== null) return series.has(store.moduleFilter) ? store.moduleFilter : null;
  let best: string | null = null;
  let most = -1;
  for (const key of series.keys()) {
    const w = weight(key);
    if (w !== null && w > most) {
      most = w;
      best = key;
    }
  }
  return best;
}
