// The block picked in a table, in a drawer below the tables (beside them when
// the panel is short): where it lives, when it was allocated, the whole stack
// that allocated it (a frame's location opens its script, source file or
// module in DevTools: open-source.ts; the allocator wrappers' frames dimmed,
// the site frame marked; each wasm frame can be folded into the wrappers or
// unfolded), its leak kind and its first bytes.
import { useState } from 'preact/hooks';
import type { Store } from './store';
import { BLOCK_TIME_PER_MS, siteFrameIndex, type FrameMsg } from '../../src/protocol';
import { bytes, hex, hexDump, seconds, age } from './format';
import { frameLabel, kindName } from './site-index';
import { frameTargets, moduleUrl, openFrame } from './open-source';

/** A frame's location: a link that opens it in DevTools when there is somewhere to go, else text. */
function Location({ f, module, say }: { f: FrameMsg; module: string | null; say: (message: string | null) => void }) {
  const text = [
    f.line > 0 ? `${f.file.split('/').pop()}:${f.line}` : '',
    f.func >= 0 && f.offset >= 0 ? `wasm-function[${f.func}]:${hex(f.offset, 0)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (!text) return null;
  const targets = frameTargets(f, module);
  if (targets.length === 0)
    return (
      <span class="loc" title={f.file || undefined}>
        {' '}
        {text}
      </span>
    );
  return (
    <>
      {' '}
      <a
        href="#"
        class="loc"
        data-testid="frame-location"
        title={`Open in DevTools: ${targets.map((t) => (t.what === 'module' ? `${t.url} at ${hex(t.column, 0)}` : `${t.url}:${t.line + 1}`)).join(', else ')}`}
        onClick={(e) => {
          e.preventDefault();
          say(null);
          void openFrame(f, module).then((r) => 'message' in r && say(r.message));
        }}
      >
        {text}
      </a>
    </>
  );
}

export function BlockDetail({ store, size, side }: { store: Store; size: number; side: boolean }) {
  const [message, setMessage] = useState<string | null>(null);
  const sel = store.selected;
  if (!sel) return null;
  const frameId = Number(sel.moduleKey.split(':')[0]);
  const module = store.modules.get(sel.moduleKey);
  const site = store.site(frameId, sel.site);
  const frames = site?.frames ?? [];
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
    <section
      class={`detail ${side ? 'side' : ''}`}
      aria-label="Block detail"
      data-testid="block-detail"
      style={side ? { width: `${size}px` } : { height: `${size}px` }}
    >
      <div class="detail-head">
        <b>Block {hex(sel.ptr)}</b>
        <span data-testid="block-facts">
          {bytes(sel.size)} · {module?.name.split('/').pop() || sel.moduleKey} · memory 0 · {site?.thread ? `${site.thread} · ` : ''}
          allocation #{sel.seq} at {seconds(allocatedAt - store.recordingStart)} · {age(now - allocatedAt)}
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
        {message && (
          <p class="open-message" role="status" data-testid="open-message">
            {message}
          </p>
        )}
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
              <Location f={f} module={moduleUrl(module?.name)} say={setMessage} />
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
