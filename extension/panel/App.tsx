import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { Store } from './store';
import type { Controller } from './controller';
import { useStore } from './use-store';
import { FrameNotices } from './FrameNotices';
import { Toolbar } from './Toolbar';
import { ModuleList } from './ModuleList';
import { Timeline } from './Timeline';
import { Comparison } from './Comparison';
import { BlockDetail } from './BlockDetail';
import { EmptyState, SiteSettings, unrecorded, useRecordingState } from './Recording';
import { LayoutContext, TABLE_NARROW_BELOW, useMeasuredLayout } from './layout';
import { usePref } from './prefs';
import { Splitter } from './Splitter';
import { revealSelectedRow } from './reveal';

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(Math.max(lo, hi), v));

export function App({ store, ctl, tabId }: { store: Store; ctl: Controller; tabId: number }) {
  const version = useStore(store);
  const [rec, setSite, refreshRec] = useRecordingState(tabId);
  // Reload and record was asked for: the page's hello follows.
  const [requested, setRequested] = useState(false);
  const layout = useMeasuredLayout();
  const [modulesWidth, setModulesWidth] = usePref('modulesWidth');
  const [modulesOpen, setModulesOpen] = usePref('modulesOpen');
  const [timelineHeight, setTimelineHeight] = usePref('timelineHeight');
  const [drawerHeight, setDrawerHeight] = usePref('drawerHeight');
  const [drawerWidth, setDrawerWidth] = usePref('drawerWidth');
  // The sizes as used: the remembered ones, within what this window allows. Docked
  // to the bottom the timeline gives way first, so the table keeps its rows.
  const maxModules = Math.round(layout.width * 0.45);
  const modulesW = clamp(modulesWidth, 160, maxModules);
  const maxTimeline = Math.round(layout.height * (layout.short ? 0.36 : 0.5));
  const timelineH = clamp(timelineHeight, 70, maxTimeline);
  const sideDrawer = layout.short && !layout.narrow;
  const maxDrawer = sideDrawer ? Math.round(layout.width * 0.6) : Math.round(layout.height * 0.6);
  const drawerSize = sideDrawer ? clamp(drawerWidth, 280, maxDrawer) : clamp(drawerHeight, 120, maxDrawer);
  // What the comparison has left: its tables keep only their key columns below TABLE_NARROW_BELOW.
  const tableWidth = layout.width - (layout.narrow ? 0 : modulesW) - (sideDrawer && store.selected ? drawerSize : 0);
  const context = { ...layout, tableNarrow: layout.narrow || tableWidth < TABLE_NARROW_BELOW };
  // The drawer never covers the row it belongs to: once it opens or changes size, that row is scrolled into view.
  useLayoutEffect(() => {
    if (!store.selected) return;
    const id = requestAnimationFrame(revealSelectedRow);
    return () => cancelAnimationFrame(id);
  }, [store.selected, drawerSize, sideDrawer, layout.width, layout.height]);
  // Esc closes the block detail, as in DevTools' drawers.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && store.selected) store.deselect();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
  return (
    <LayoutContext.Provider value={context}>
      <div class="app" data-narrow={layout.narrow ? 'true' : undefined} data-short={layout.short ? 'true' : undefined}>
        <Toolbar store={store} ctl={ctl} onReload={() => setRequested(true)} />
        <SiteSettings state={rec} setSite={setSite} ctl={ctl} onReload={() => setRequested(true)} />
        <FrameNotices store={store} />
        {store.error && (
          <div class="banner error" role="alert" data-testid="error-banner">
            <span>{store.error}</span>
            <button type="button" aria-label="Dismiss error" onClick={() => store.setError(null)}>
              ✕
            </button>
          </div>
        )}
        {store.notices.length > 0 && (
          <div class="banner" role="status">
            <span>{store.notices[store.notices.length - 1]}</span>
            <button type="button" aria-label="Dismiss" onClick={() => store.dismissNotices()}>
              ✕
            </button>
          </div>
        )}
        <div class={`workspace ${sideDrawer ? 'side' : ''}`}>
          {rec && unrecorded(store, rec, requested) ? (
            <EmptyState
              ctl={ctl}
              state={rec}
              onReload={() => {
                setRequested(true);
                refreshRec();
              }}
            />
          ) : (
            <div class="main">
              <ModuleList store={store} strip={layout.narrow} open={modulesOpen} setOpen={setModulesOpen} width={modulesW} />
              {!layout.narrow && (
                <Splitter label="Resize modules" vertical value={modulesW} min={160} max={maxModules} sign={1} onChange={setModulesWidth} />
              )}
              <div class="right">
                <Timeline store={store} ctl={ctl} version={version} height={timelineH} />
                <Splitter
                  label="Resize timeline"
                  vertical={false}
                  value={timelineH}
                  min={70}
                  max={maxTimeline}
                  sign={1}
                  onChange={setTimelineHeight}
                />
                <Comparison store={store} ctl={ctl} />
              </div>
            </div>
          )}
          {store.selected && (
            <Splitter
              label="Resize block detail"
              vertical={sideDrawer}
              value={drawerSize}
              min={sideDrawer ? 280 : 120}
              max={maxDrawer}
              sign={-1}
              onChange={sideDrawer ? setDrawerWidth : setDrawerHeight}
            />
          )}
          <BlockDetail store={store} size={drawerSize} side={sideDrawer} />
        </div>
      </div>
    </LayoutContext.Provider>
  );
}
