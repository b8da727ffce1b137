// Recording on/off as the panel shows it. The extension is dormant on every
// page until asked (see extension/background/recording.ts): this is the
// empty state of an unrecorded page (what the panel does, "Reload and record",
// the Performance panel's pattern) and the per-site setting "Record this site
// on every load", with the list of recorded sites, each removable.
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { Store } from './store';
import type { Controller } from './controller';
import type { RecordingRequest, RecordingState } from '../background/recording';

async function ask(req: RecordingRequest): Promise<RecordingState> {
  const answer = (await browser.runtime.sendMessage(req)) as { ok: boolean; state?: RecordingState; error?: string } | undefined;
  if (!answer?.ok || !answer.state) throw new Error(answer?.error ?? 'no answer from the service worker');
  return answer.state;
}

export function useRecordingState(tab: number): [RecordingState | null, (origin: string, on: boolean) => void, () => void] {
  const [state, setState] = useState<RecordingState | null>(null);
  const refresh = () => void ask({ t: 'rec:state', tab }).then(setState, () => {});
  useEffect(refresh, [tab]);
  const setSite = (origin: string, on: boolean) => void ask({ t: 'rec:site', tab, origin, on }).then(setState, () => {});
  return [state, setSite, refresh];
}

/** The bar under the toolbar: this site's setting and the recorded sites. */
export function SiteSettings({ state, setSite }: { state: RecordingState | null; setSite: (origin: string, on: boolean) => void }) {
  if (!state) return null;
  return (
    <div class="site-settings" data-testid="site-settings">
      {state.origin && (
        <label
          class="check"
          title="Register the page hook for this site: every load of it, in any tab, is recorded from its first script until you turn this off"
        >
          <input
            type="checkbox"
            data-testid="record-site"
            aria-label="Record this site on every load"
            checked={state.site}
            onChange={(e) => setSite(state.origin!, (e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          Record this site on every load
        </label>
      )}
      <details>
        <summary>Recorded sites ({state.sites.length})</summary>
        {state.sites.length === 0 && <div class="muted">None: pages are recorded only after Reload and record.</div>}
        <ul>
          {state.sites.map((s) => (
            <li key={s} class="recorded-site" data-testid="recorded-site">
              <span>{s}</span>
              <button type="button" aria-label={`Stop recording ${s}`} onClick={() => setSite(s, false)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

/** Whether to show the empty state: a live, unrecorded page that has said nothing. */
export function unrecorded(store: Store, state: RecordingState | null, requested: boolean): boolean {
  return state !== null && !state.site && !requested && store.readOnly === null && store.pageUrl === '' && store.modules.size === 0;
}

export function EmptyState({ ctl, state, onReload }: { ctl: Controller; state: RecordingState; onReload: () => void }) {
  return (
    <div class="empty-state" data-testid="empty-state">
      <h2>This page is not being recorded</h2>
      <p>
        WASM Leaks tracks every malloc and free inside the page's WebAssembly modules: live blocks, snapshots and their comparison by
        allocation site, stacks and bytes. Until you ask, it costs the page nothing: no script is injected and no module is rewritten.
      </p>
      <p>Tracking must start before the page's first script, so recording reloads the page.</p>
      <button
        type="button"
        class="primary"
        data-testid="empty-reload"
        disabled={!state.origin}
        onClick={() => {
          onReload();
          ctl.reloadAndRecord();
        }}
      >
        ⟳ Reload and record
      </button>
      {!state.origin && <p class="muted">Only http and https pages can be recorded.</p>}
      <p class="muted">Or turn on "Record this site on every load" above, for apps whose leaks start at startup.</p>
    </div>
  );
}
