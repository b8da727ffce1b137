// Workers the page started that the hook could not follow
// (src/agent/worker-hook.ts says which and why): listed under the modules, so
// a user knows what the panel cannot see rather than guessing.
import type { Store } from './store';
import { scriptFile } from './format';

export function Unreached({ store }: { store: Store }) {
  if (store.unreached.length === 0) return null;
  return (
    <div class="unreached" data-testid="unreached">
      <h2>Not tracked ({store.unreached.length})</h2>
      <ul>
        {store.unreached.map((u, i) => (
          <li key={i} data-testid="unreached-worker" title={u.url}>
            <b>{u.kind}</b> <span class="mono">{shortUrl(u.url)}</span>: {u.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A script's file name; a data: or blob: URL's first characters (it has no file). */
function shortUrl(url: string): string {
  if (!/^https?:/.test(url)) return url.length > 80 ? `${url.slice(0, 80)}…` : url;
  return scriptFile(url);
}
