// Recording on/off as the panel shows it. The extension is dormant on every
// page until asked (see extension/background/recording.ts): this is the
// empty state of an unrecorded page (what the panel does, "Reload and record",
// the Performance panel's pattern) and the per-site setting "Record this site
// on every load", with the list of recorded sites, each removable; and, for a
// page that was already running when recording started, which WebAssembly
// modules it loaded before (untracked until a reload), with the reload.
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
  // A load of the tab completed: it is hooked now, or it loaded other modules before recording.
  useEffect(() => {
    const onUpdated = (id: number, info: { status?: string }) => {
      if (id === tab && info.status === 'complete') refresh();
    };
    browser.tabs.onUpdated.addListener(onUpdated);
    return () => browser.tabs.onUpdated.removeListener(onUpdated);
  }, [tab]);
  const setSite = (origin: string, on: boolean) => void ask({ t: 'rec:site', tab, origin, on }).then(setState, () => {});
  return [state, setSite, refresh];
}

/** "leak.wasm" of "http://site/wasm/leak.wasm?v=2": a module's file, else its whole URL. */
export function moduleFile(url: string): string {
  try {
    const path = new URL(url).pathname;
    const file = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    return file || url;
  } catch {
    return url;
  }
}

const SHOWN = 10;

/** "This page already loaded 2 WebAssembly modules before recording (a.wasm, b.wasm); Reload and record to see them." */
export function beforeText(urls: readonly string[]): string {
  const names = urls.slice(0, SHOWN).map(moduleFile);
  const more = urls.length > SHOWN ? ` and ${urls.length - SHOWN} more` : '';
  const n = urls.length;
  return `This page already loaded ${n} WebAssembly module${n === 1 ? '' : 's'} before recording (${names.join(', ')}${more}); Reload and record to see them.`;
}

/** Modules the page loaded without the hook: they run untracked until the page is reloaded with recording on. */
function BeforeRecording({ urls, onReload }: { urls: readonly string[]; onReload?: () => void }) {
  return (
    <div class="banner before-recording" role="status" data-testid="before-recording" title={urls.join('\n')}>
      <span>{beforeText(urls)}</span>
      {onReload && (
        <button type="button" class="primary" data-testid="before-reload" onClick={onReload}>
          ⟳ Reload and record
        </button>
      )}
    </div>
  );
}

/** The bar under the toolbar: this site's setting and the recorded sites; modules loaded before recording. */
export function SiteSettings({
  state,
  setSite,
  ctl,
  onReload,
}: {
  state: RecordingState | null;
  setSite: (origin: string, on: boolean) => void;
  ctl?: Controller;
  onReload?: () => void;
}) {
  // Hidden from the click on Reload until the worker's next answer (after the load completes).
  const [reloading, setReloading] = useState(false);
  useEffect(() => setReloading(false), [state]);
  if (!state) return null;
  // Recording is on for the site but this document predates it (the empty state says so otherwise).
  const before = state.site && !reloading && state.before.length > 0;
  return (
    <>
      <SiteSettingsBar state={state} setSite={setSite} />
      {before && (
        <BeforeRecording
          urls={state.before}
          onReload={
            ctl &&
            (() => {
              setReloading(true);
              onReload?.();
              ctl.reloadAndRecord();
            })
          }
        />
      )}
    </>
  );
}

function SiteSettingsBar({ state, setSite }: { state: RecordingState; setSite: (origin: string, on: boolean) => void }) {
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
      {state.before.length > 0 && (
        <p data-testid="before-recording" title={state.before.join('\n')}>
          {beforeText(state.before)}
        </p>
      )}
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
