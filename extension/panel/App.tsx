import type { Store } from './store';
import type { Controller } from './controller';
import { useStore } from './use-store';
import { Toolbar } from './Toolbar';
import { ModuleList } from './ModuleList';
import { Timeline } from './Timeline';
import { Comparison } from './Comparison';
import { BlockDetail } from './BlockDetail';

export function App({ store, ctl }: { store: Store; ctl: Controller }) {
  const version = useStore(store);
  return (
    <div class="app">
      <Toolbar store={store} ctl={ctl} />
      {store.fatal && <div class="banner error" role="alert">{store.fatal}</div>}
      {store.notices.length > 0 && (
        <div class="banner" role="status">
          {store.notices[store.notices.length - 1]}
          <button type="button" aria-label="Dismiss" onClick={() => { store.notices = []; store.changed(); }}>✕</button>
        </div>
      )}
      <div class="main">
        <ModuleList store={store} />
        <div class="right">
          <Timeline store={store} version={version} />
          <Comparison store={store} ctl={ctl} />
        </div>
      </div>
      <BlockDetail store={store} />
    </div>
  );
}
