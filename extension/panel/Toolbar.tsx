import { useRef } from 'preact/hooks';
import type { Store } from './store';
import type { Controller } from './controller';
import { count, bytes } from './format';

export function Toolbar({ store, ctl, onReload }: { store: Store; ctl: Controller; onReload?: () => void }) {
  const { A, B, C } = store.snapshots;
  const t = store.totals();
  const file = useRef<HTMLInputElement>(null);
  const live = store.readOnly === null;
  return (
    <div class="toolbar" role="toolbar" aria-label="WASM Leaks toolbar">
      <button
        type="button"
        class={`record ${store.recording ? 'on' : ''}`}
        aria-label={store.recording ? 'Stop' : 'Record'}
        disabled={!live}
        onClick={() => ctl.toggleRecording()}
        title={
          store.recording
            ? 'Stop: freeze the timeline and counters. The page keeps tracking every allocation, so snapshots and comparisons stay exact.'
            : 'Record: update the timeline and counters again (the page tracked all along)'
        }
      >
        <span class="dot" aria-hidden="true" /> {store.recording ? 'Stop' : 'Record'}
      </button>
      <button
        type="button"
        aria-label="Reload and record"
        title="Reload the page with tracking from the first instruction"
        onClick={() => {
          onReload?.();
          ctl.reloadAndRecord();
        }}
      >
        ⟳ Reload and record
      </button>
      <button
        type="button"
        aria-label="Clear"
        title={live ? 'Clear the timeline, snapshots and comparison' : 'Close the imported recording and show the live page'}
        onClick={() => ctl.clear()}
      >
        ⊘ Clear
      </button>
      <span class="sep" />
      <label
        class="check"
        title="JS stack per allocation: capture the JavaScript frames of every allocation (slower: tens of µs each). Whole wasm stacks are always recorded; without this, the JS frames of a stack are those of the first allocation on its wasm path. Blocks allocated before switching keep their stacks."
      >
        <input
          type="checkbox"
          aria-label="JS stack per allocation"
          checked={store.fullStacks}
          disabled={!live}
          onChange={() => ctl.toggleFullStacks()}
        />{' '}
        JS stack per allocation
      </label>
      <button type="button" aria-label="Snapshot A" class={A ? 'taken' : ''} disabled={!live} onClick={() => ctl.snapshot('A')}>
        Snapshot A
      </button>
      <button type="button" aria-label="Snapshot B" class={B ? 'taken' : ''} disabled={!live || !A} onClick={() => ctl.snapshot('B')}>
        Snapshot B
      </button>
      <button
        type="button"
        aria-label="Snapshot C"
        class={C ? 'taken' : ''}
        disabled={!live || !B}
        title="Optional: keep only blocks still alive at C"
        onClick={() => ctl.snapshot('C')}
      >
        Snapshot C
      </button>
      <span class="sep" />
      <button
        type="button"
        aria-label="Export"
        title="Save the modules, timeline, stacks, errors and comparison as a JSON recording"
        disabled={store.modules.size === 0}
        onClick={() => ctl.exportRecording()}
      >
        ⤓ Export
      </button>
      <button
        type="button"
        aria-label="Import"
        title="Open a recording saved with Export (read-only; Clear returns to the live page)"
        onClick={() => file.current?.click()}
      >
        ⤒ Import
      </button>
      <input
        ref={file}
        type="file"
        accept=".json,application/json"
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const input = e.currentTarget as HTMLInputElement;
          const f = input.files?.[0];
          input.value = '';
          if (f) void ctl.importFile(f);
        }}
      />
      <span class="sep" />
      <span class="totals" data-testid="totals">
        <span>
          Live blocks <b data-testid="total-live-count">{count(t.liveCount)}</b>
        </span>
        <span>
          Live heap <b data-testid="total-live-bytes">{bytes(t.liveBytes)}</b>
        </span>
        <span>
          Linear memory <b data-testid="total-memory-bytes">{bytes(t.memoryBytes)}</b>
        </span>
      </span>
      <span class="status" role="status" aria-live="polite" data-testid="busy">
        {store.busy && (
          <>
            <span class="spinner" aria-hidden="true" /> {store.busy.label}
            {store.busy.req >= 0 && (
              <button type="button" aria-label="Cancel" onClick={() => ctl.cancel()}>
                Cancel
              </button>
            )}
          </>
        )}
        {!store.busy && store.readOnly && <span data-testid="read-only">Recording {store.readOnly} (read-only)</span>}
        {!store.busy && live && !store.recording && <span>Stopped: timeline frozen</span>}
      </span>
      <span class={`conn ${store.connected ? 'on' : 'off'}`} title={store.connected ? 'Connected to the page' : 'Reconnecting…'}>
        {store.connected ? '●' : '○'}
      </span>
    </div>
  );
}
