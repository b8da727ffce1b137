import type { Store } from './store';
import { bytes, count } from './format';

export function ModuleList({ store }: { store: Store }) {
  const modules = [...store.modules.values()];
  return (
    <section class="modules" aria-label="Modules">
      <h2>Modules</h2>
      {modules.length === 0 && (
        <p class="empty" data-testid="no-modules">
          No WebAssembly module seen in this tab yet — use <b>Reload and record</b>, or run code that instantiates one.
        </p>
      )}
      <ul>
        {modules.map((m) => (
          <li key={m.key} data-testid="module" data-module={m.key}>
            <div class="name" title={m.name}>{m.name.split('/').pop() || m.name}</div>
            <div class={m.instrumented ? 'ok' : 'warn'} data-testid="module-status">
              {m.instrumented ? 'instrumented ✓' : `not instrumented: ${m.reason || 'allocator calls from JS only'}`}
            </div>
            <dl>
              <dt>Linear memory</dt><dd data-testid="module-memory">{bytes(m.memoryBytes)}</dd>
              <dt>Live blocks</dt><dd data-testid="module-live-count">{count(m.liveCount)}</dd>
              <dt>Live bytes</dt><dd data-testid="module-live-bytes">{bytes(m.liveBytes)}</dd>
              <dt>Size</dt><dd>{bytes(m.size)}</dd>
            </dl>
            {m.allocators.length > 0 && (
              <div class="allocators" title="Allocator functions found">
                {m.allocators.map((a) => `${a.name} (${a.role}, by ${a.foundBy})`).join(', ')}
              </div>
            )}
            {m.wrappedExports.length > 0 && <div class="allocators">JS calls to {m.wrappedExports.join(', ')} tracked</div>}
          </li>
        ))}
      </ul>
      {store.errors.length > 0 && (
        <div class="errors" data-testid="errors">
          <h2>Errors ({count(store.errors.length + store.droppedErrors)})</h2>
          <ul>
            {store.errors.slice(-50).map((e, i) => (
              <li key={i}>{e.kind} {e.ptr ? `0x${e.ptr.toString(16)}` : ''} {e.message}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
