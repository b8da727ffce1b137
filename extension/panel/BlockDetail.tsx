import type { Store } from './store';
import { bytes, hex, hexDump, seconds } from './format';

export function BlockDetail({ store }: { store: Store }) {
  const sel = store.selected;
  if (!sel) return null;
  const [frame] = sel.moduleKey.split(':').map(Number);
  const module = store.modules.get(sel.moduleKey);
  const site = store.site(frame, sel.site);
  const start = store.frameStart.get(frame) ?? store.recordingStart;
  const allocatedAt = start + sel.time / 10 - store.recordingStart;
  const view = store.memoryView?.moduleKey === sel.moduleKey && store.memoryView.ptr === sel.ptr ? store.memoryView : null;
  const stackText = (site?.frames ?? []).map((f) => (f.line ? `${f.name} (${f.file}:${f.line})` : f.name)).join('\n');
  return (
    <section class="detail" aria-label="Block detail" data-testid="block-detail">
      <div class="detail-head">
        <b>Block {hex(sel.ptr)}</b>
        <span>{bytes(sel.size)} · {module?.name.split('/').pop() ?? sel.moduleKey} · memory 0 · allocation #{sel.seq} at {seconds(allocatedAt)}</span>
        <button type="button" aria-label="Copy stack" onClick={() => void navigator.clipboard?.writeText(stackText)}>Copy stack</button>
        <button type="button" aria-label="Close detail" onClick={() => { store.selected = null; store.changed(); }}>✕</button>
      </div>
      <div class="stack" data-testid="block-stack">
        <h3>Allocation stack</h3>
        <ol>
          {(site?.frames ?? []).map((f, i) => (
            <li key={i} data-testid="stack-frame">
              <span class="fn">{f.name}</span>
              {f.line ? <span class="loc"> {f.file.split('/').pop()}:{f.line}</span> : null}
              {f.func >= 0 && f.offset >= 0 ? <span class="loc"> wasm-function[{f.func}]:{hex(f.offset, 0)}</span> : null}
            </li>
          ))}
        </ol>
      </div>
      <pre class="hexdump" data-testid="hexdump">{view ? hexDump(view.ptr, view.data).join('\n') : 'Reading memory…'}</pre>
    </section>
  );
}
