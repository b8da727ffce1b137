import { useEffect, useState } from 'preact/hooks';
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

export function App({ store, ctl, tabId }: { store: Store; ctl: Controller; tabId: number }) {
  const version = useStore(store);
  const [rec, setSite, refreshRec] = useRecordingState(tabId);
  // Reload and record was asked for: the page's hello follows.
  const [requested, setRequested] = useState(false);
  // Esc closes the block detail, as in DevTools' drawers.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && store.selected) store.deselect();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
  return (
    <div class="app">
      <Toolbar store={store} ctl={ctl} onReload={() => setRequested(true)} />
      <SiteSettings state={rec} setSite={setSite} />
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
          <ModuleList store={store} />
          <div class="right">
            <Timeline store={store} ctl={ctl} version={version} />
            <Comparison store={store} ctl={ctl} />
          </div>
        </div>
      )}
      <BlockDetail store={store} />
    </div>
  );
}
