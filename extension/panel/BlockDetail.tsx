// The block picked in a table: where it lives, when it was allocated, the
// whole stack that allocated it (JS frames open in the Sources panel; the
// allocator wrappers' frames dimmed, the site frame marked; each wasm frame
// can be folded into the wrappers or unfolded), its leak kind and its first
// bytes.
import type { Store } from './store';
import { BLOCK_TIME_PER_MS, siteFrameIndex, type FrameMsg } from '../../src/protocol';
import { bytes, hex, hexDump, seconds, age } from './format';
import { frameLabel, kindName } from './site-index';

/** JS frames carry the script URL; DevTools can open it at the line. */
function openable(f: FrameMsg): boolean {
  return (
    f.func < 0 &&
    /^(https?|file|chrome-extension):/.test(f.file) &&
    f.line > 0 &&
    typeof chrome !== 'undefined' &&
    !!chrome.devtools?.panels?.openResource
  );
}

export function BlockDetail({ store }: { store: Store }) {
  const sel = store.selected;
  if (!sel) return null;
  const frameId = Number(sel.moduleKey.split(':')[0]);
  const module = store.modules.get(sel.moduleKey);
  const frames = store.site(frameId, sel.site)?.frames ?? [];
  const allocatedAt = store.startOf(frameId) + sel.time / BLOCK_TIME_PER_MS;
  const now = store.now();
  const view = store.memoryView?.moduleKey === sel.moduleKey && store.memoryView.ptr === sel.ptr ? store.memoryView : null;
  const kind = sel.table.leaks ? kindName(sel.table.leaks.kinds[sel.row]) : null;
  const stackText = frames
    .map((f) => `${frameLabel(f)}${f.func >= 0 && f.offset >= 0 ? ` wasm-function[${f.func}]:${hex(f.offset, 0)}` : ''}`)
    .join('\n');
  const folded = (f: FrameMsg) => store.isFolded(sel.moduleKey, f);
  const siteAt = frames.length > 0 ? siteFrameIndex(frames, folded) : -1;
  return (
    <section class="detail" aria-label="Block detail" data-testid="block-detail">
      <div class="detail-head">
        <b>Block {hex(sel.ptr)}</b>
        <span data-testid="block-facts">
          {bytes(sel.size)} · {module?.name.split('/').pop() || sel.moduleKey} · memory 0 · allocation #{sel.seq} at{' '}
          {seconds(allocatedAt - store.recordingStart)} · {age(now - allocatedAt)}
        </span>
        {kind && (
          <span class={`kind k-${sel.table.leaks!.kinds[sel.row]}`} data-testid="block-leak-kind">
            {kind}
          </span>
        )}
        <button type="button" aria-label="Copy stack" onClick={() => void navigator.clipboard?.writeText(stackText)}>
          Copy stack
        </button>
        <button type="button" aria-label="Close detail" title="Close (Esc)" onClick={() => store.deselect()}>
          ✕
        </button>
      </div>
      <div class="stack" data-testid="block-stack">
        <h3>Allocation stack</h3>
        {frames.length === 0 && <p class="empty">No stack recorded for this site.</p>}
        <ol>
          {frames.map((f, i) => (
            <li
              key={i}
              data-testid="stack-frame"
              class={i === siteAt ? 'site' : folded(f) ? 'folded-frame' : undefined}
              data-folded={folded(f) ? 'true' : undefined}
              data-site={i === siteAt ? 'true' : undefined}
              title={
                i === siteAt
                  ? 'The allocation site: the first frame outside the allocator wrappers'
                  : folded(f)
                    ? 'Allocator wrapper: folded into the site above it'
                    : undefined
              }
            >
              <span class="fn">{f.name}</span>
              {i === siteAt && frames.length > 1 && <span class="site-tag">site</span>}
              {f.line > 0 &&
                (openable(f) ? (
                  <a
                    href="#"
                    class="loc"
                    title={`Open ${f.file}:${f.line} in the Sources panel`}
                    onClick={(e) => {
                      e.preventDefault();
                      chrome.devtools.panels.openResource(f.file, f.line - 1, () => {});
                    }}
                  >
                    {' '}
                    {f.file.split('/').pop()}:{f.line}
                  </a>
                ) : (
                  <span class="loc" title={f.file}>
                    {' '}
                    {f.file.split('/').pop()}:{f.line}
                  </span>
                ))}
              {f.func >= 0 && f.offset >= 0 ? (
                <span class="loc">
                  {' '}
                  wasm-function[{f.func}]:{hex(f.offset, 0)}
                </span>
              ) : null}
              {f.func >= 0 &&
                (folded(f) ? (
                  <button
                    type="button"
                    class="frame-action"
                    aria-label="Not an allocator wrapper"
                    title={`Not an allocator wrapper: blocks allocated through ${f.name} get it (or a caller under it) as their site`}
                    onClick={() => store.setWrapper(sel.moduleKey, f, false)}
                  >
                    unfold
                  </button>
                ) : (
                  <button
                    type="button"
                    class="frame-action"
                    aria-label="Treat as allocator wrapper"
                    title={`Treat ${f.name} as an allocator wrapper (like valgrind's --alloc-fn): its blocks go to the site of its caller. Remembered for this module.`}
                    onClick={() => store.setWrapper(sel.moduleKey, f, true)}
                  >
                    fold
                  </button>
                ))}
            </li>
          ))}
        </ol>
      </div>
      <pre class="hexdump" data-testid="hexdump">
        {view
          ? hexDump(view.ptr, view.data).join('\n')
          : store.readOnly
            ? 'Memory contents are not part of a recording.'
            : 'Reading memory…'}
      </pre>
    </section>
  );
}
