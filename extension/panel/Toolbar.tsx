import type { Store } from './store';
import type { Controller } from './controller';
import { count, bytes } from './format';

export function Toolbar({ store, ctl }: { store: Store; ctl: Controller }) {
  const { A, B, C } = store.snapshots;
  const t = store.totals();
  return (
    <div class="toolbar" role="toolbar" aria-label="WASM Leaks toolbar">
      <button type="button" aria-label="Reload and record" title="Reload the page with tracking from the first instruction" onClick={() => ctl.reloadAndRecord()}>
        ⟳ Reload and record
      </button>
      <button type="button" aria-label="Clear" title="Clear the timeline, snapshots and comparison" onClick={() => ctl.clear()}>
        ⊘ Clear
      </button>
      <span class="sep" />
      <button type="button" aria-label="Snapshot A" class={A ? 'taken' : ''} onClick={() => ctl.snapshot('A')}>
        Snapshot A
      </button>
      <button type="button" aria-label="Snapshot B" class={B ? 'taken' : ''} disabled={!A} onClick={() => ctl.snapshot('B')}>
        Snapshot B
      </button>
      <button type="button" aria-label="Snapshot C" class={C ? 'taken' : ''} disabled={!B} title="Optional: keep only blocks still alive at C" onClick={() => ctl.snapshot('C')}>
        Snapshot C
      </button>
      <span class="sep" />
      <span class="totals" data-testid="totals">
        <span>Live blocks <b data-testid="total-live-count">{count(t.liveCount)}</b></span>
        <span>Live heap <b data-testid="total-live-bytes">{bytes(t.liveBytes)}</b></span>
        <span>Linear memory <b data-testid="total-memory-bytes">{bytes(t.memoryBytes)}</b></span>
      </span>
      <span class={`conn ${store.connected ? 'on' : 'off'}`} title={store.connected ? 'Connected to the page' : 'Reconnecting…'}>
        {store.connected ? '●' : '○'}
      </span>
    </div>
  );
}
