// "Growing": the sites of one module ranked by the slope of their live bytes
// over the timeline's visible range (site-growth.ts), shown in place of the
// comparison while the timeline shows live bytes by site. A site picked on the
// chart (a click on its band) or here is selected and scrolled into view.
import { useEffect, useRef } from 'preact/hooks';
import type { Store } from './store';
import { siteGrowth, type SiteBands } from './site-growth';
import { siteOfStack } from './site-index';
import { shownModule } from './shown-module';
import { bytes, count, seconds, shortBytes } from './format';

/** The module the by-site chart and ranking show: the one picked, else the shown one with the most live bytes. */
export function bySiteModule(store: Store): string | null {
  return shownModule(store, store.siteSeries, (key) => store.modules.get(key)?.liveBytes ?? 0);
}

/** Bands and ranking of `moduleKey` over the timeline's window (everything when not zoomed). */
export function moduleGrowth(store: Store, moduleKey: string, top = 10): SiteBands | null {
  const series = store.siteSeries.get(moduleKey);
  const m = store.modules.get(moduleKey);
  if (!series || !m) return null;
  const source = store.siteSource({ frame: m.frame, moduleKey });
  const w = store.timeWindow;
  const keyOf = (stack: number) => siteOfStack(m.id, source.site(stack), source.folded);
  return siteGrowth(series, keyOf, w?.from ?? -Infinity, w?.to ?? Infinity, top);
}

function signedRate(v: number): string {
  const r = Math.round(v);
  return `${r > 0 ? '+' : ''}${shortBytes(r)}/s`;
}

export function GrowingSites({ store }: { store: Store }) {
  const key = bySiteModule(store);
  const g = key ? moduleGrowth(store, key) : null;
  const module = key ? store.modules.get(key) : undefined;
  const w = store.timeWindow;
  const rel = (t: number) => seconds(t - store.recordingStart);
  const picked = store.growthSite;
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    body.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [picked]);
  return (
    <section class="comparison growing" aria-label="Growing sites">
      <div class="diff-head">
        <span class="title">
          <b>Growing sites</b> {module ? (module.name.split('/').pop() ?? module.name) : ''} ·{' '}
          {w ? `${rel(w.from)} – ${rel(w.to)}` : 'whole recording'}
        </span>
      </div>
      <div class="tables">
        {!g || g.ranking.length === 0 ? (
          <p class="empty">No live bytes by site yet: they are sampled at each tick of the page (every 0.5 s while it runs).</p>
        ) : (
          <div class="table-section">
            <table class="sites growing-table" data-testid="growing-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Site</th>
                  <th scope="col" title="Least-squares slope of the site's live bytes over the range">
                    Growth
                  </th>
                  <th scope="col">Live at start</th>
                  <th scope="col">Live at end</th>
                  <th scope="col">Stacks</th>
                </tr>
              </thead>
              <tbody ref={body}>
                {g.ranking.slice(0, 200).map((r, i) => (
                  <tr
                    key={r.key}
                    data-testid="growth-row"
                    class={r.key === picked ? 'selected' : ''}
                    aria-selected={r.key === picked}
                    onClick={() => store.selectGrowthSite(r.key === picked ? null : r.key)}
                  >
                    <td>{i + 1}</td>
                    <td data-testid="growth-site" title={r.label}>
                      {r.label}
                    </td>
                    <td data-testid="growth-slope" data-value={Math.round(r.slope)}>
                      {signedRate(r.slope)}
                    </td>
                    <td>{bytes(r.start)}</td>
                    <td data-testid="growth-end">{bytes(r.end)}</td>
                    <td>{count(r.stacks.length)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
