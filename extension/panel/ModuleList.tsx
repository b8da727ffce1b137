// Every module of the tab: instrumented or why not, the allocator functions
// found, its counters; clicking one filters the timeline and tables to it.
// Below: errors (double free, invalid free, …), each expandable to its stack.
import { useState } from 'preact/hooks';
import type { Store, ModuleView } from './store';
import { baseName, bytes, count, hex, shortBytes } from './format';
import { frameLabel } from './site-index';
import { Unreached } from './Unreached';
import { LoadSymbols } from './LoadSymbols';
import { contextNote, endedText } from './context-note';

function ModuleItem({ store, m }: { store: Store; m: ModuleView }) {
  const picked = store.moduleFilter === m.key;
  const toggle = () => store.selectModule(picked ? null : m.key);
  const ended = store.ended(m.frame);
  return (
    <li data-testid="module" data-module={m.key} class={picked ? 'picked' : ''}>
      <button
        type="button"
        class="name"
        title={`${m.name}\n${picked ? 'Show all modules' : 'Show only this module in the timeline and tables'}`}
        aria-pressed={picked}
        aria-label={`Filter to ${baseName(m.name)}${m.context ? ` in ${m.context}` : ''}`}
        onClick={toggle}
      >
        {baseName(m.name)} <span class="size">{bytes(m.size)}</span>
      </button>
      {m.context && (
        <div
          class="context"
          data-testid="module-context"
          title={m.frame < 2 ** 32 ? 'This module runs in a frame of the page' : 'This module runs in a worker the page started'}
        >
          in {m.context}
        </div>
      )}
      {m.context && contextNote(m.context) && (
        <div class="context note" data-testid="module-context-note">
          {contextNote(m.context)}
        </div>
      )}
      {ended ? (
        <div
          class="ended"
          data-testid="module-status"
          title={`Its worker ended at ${new Date(ended.time).toISOString()}: the figures below are its last`}
        >
          {endedText(ended.how)}
        </div>
      ) : (
        <div class={m.instrumented && !m.reason ? 'ok' : 'warn'} data-testid="module-status">
          {m.instrumented
            ? m.reason
              ? `instrumented, ${m.reason}`
              : 'instrumented ✓'
            : `not instrumented: ${m.reason || 'allocator calls from JS only'}`}
        </div>
      )}
      {!m.instrumented && (
        <div class="allocators">Still works: the memory chart{m.wrappedExports.length > 0 ? ', allocations made from JS' : ''}.</div>
      )}
      <dl>
        <dt>Linear memory</dt>
        <dd data-testid="module-memory">{bytes(m.memoryBytes)}</dd>
        <dt>{ended ? 'Live blocks when it ended' : 'Live blocks'}</dt>
        <dd data-testid="module-live-count">{count(m.liveCount)}</dd>
        <dt>Live bytes</dt>
        <dd data-testid="module-live-bytes">{bytes(m.liveBytes)}</dd>
      </dl>
      {m.allocators.length > 0 && (
        <table class="allocators" aria-label="Allocator functions found">
          <tbody>
            {m.allocators.map((a, i) => (
              <tr key={i} title={`confidence: ${a.confidence}`}>
                <td>{a.role}</td>
                <td>
                  → <span class="mono">{a.name}</span>
                </td>
                <td class="dim">{a.foundBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {m.wrappedExports.length > 0 && <div class="allocators">JS calls to {m.wrappedExports.join(', ')} tracked</div>}
      <LoadSymbols store={store} m={m} />
    </li>
  );
}

/** Big modules the page is still rewriting off its main thread (PendingMsg): listed until their module arrives. */
function Pending({ store }: { store: Store }) {
  const pending = store.pending;
  if (pending.length === 0) return null;
  return (
    <ul class="pending-modules">
      {pending.map((p, i) => (
        <li key={`${p.frame}:${i}`} data-testid="module-pending" title={p.name}>
          instrumenting {baseName(p.name)} <span class="size">{shortBytes(p.size)}</span>…
        </li>
      ))}
    </ul>
  );
}

function Errors({ store }: { store: Store }) {
  const [open, setOpen] = useState<number | null>(null);
  if (store.errors.length === 0) return null;
  const shown = store.errors.slice(-50);
  const offset = store.errors.length - shown.length;
  return (
    <div class="errors" data-testid="errors">
      <h2>Errors ({count(store.errors.length + store.droppedErrors)})</h2>
      <ul>
        {shown.map((e, i) => {
          const frames = store.site(e.frame, e.site)?.frames ?? [];
          const other = e.otherSite ? (store.site(e.frame, e.otherSite)?.frames ?? []) : [];
          const isOpen = open === offset + i;
          return (
            <li key={offset + i}>
              <button type="button" class="error" aria-expanded={isOpen} onClick={() => setOpen(isOpen ? null : offset + i)}>
                {e.kind} {e.ptr ? hex(e.ptr) : ''} {e.message}
              </button>
              {isOpen && (
                <div class="error-stack">
                  {frames.length ? (
                    frames.map((f, k) => (
                      <div key={k}>
                        {k === 0 ? 'at ' : '← '}
                        {frameLabel(f)}
                      </div>
                    ))
                  ) : (
                    <div>No stack recorded.</div>
                  )}
                  {other.length > 0 && <div class="dim">first at {frameLabel(other[0])}</div>}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * A tiny module with no allocator and nothing tracked: the trampolines some
 * runtimes make to install JS functions as wasm function pointers
 * (@sqlite.org/sqlite-wasm makes 28 of 35 bytes at startup). Listed folded, so
 * the modules that matter stay in view.
 */
function isHelper(m: ModuleView): boolean {
  return !m.instrumented && m.size < 1024 && m.allocators.length === 0 && m.wrappedExports.length === 0 && m.liveCount === 0;
}

function Helpers({ store, modules }: { store: Store; modules: ModuleView[] }) {
  if (modules.length === 0) return null;
  return (
    <details class="helper-modules" data-testid="helper-modules">
      <summary>
        {count(modules.length)} small module{modules.length === 1 ? '' : 's'} without an allocator
      </summary>
      <ul>
        {modules.map((m) => (
          <ModuleItem key={m.key} store={store} m={m} />
        ))}
      </ul>
    </details>
  );
}

/** One line for the narrow layout's collapsed strip: how many modules, the first one's state, live blocks, errors. */
function stripSummary(store: Store, modules: ModuleView[]): string {
  if (modules.length === 0) return 'none yet';
  const m = modules[0];
  const ended = store.ended(m.frame);
  const state = ended
    ? endedText(ended.how)
    : m.instrumented
      ? m.reason
        ? 'instrumented, see details'
        : 'instrumented ✓'
      : 'not instrumented';
  const more = modules.length > 1 ? ` +${modules.length - 1} more` : '';
  const live = modules.reduce((n, x) => n + x.liveCount, 0);
  const errors = store.errors.length + store.droppedErrors;
  return `${baseName(m.name)} ${state}${more} · ${count(live)} live blocks${errors ? ` · ${count(errors)} errors` : ''}`;
}

/**
 * The modules and errors: a column in the wide layout; in the narrow one a
 * strip above the timeline, collapsed to one line until opened (`strip`).
 */
export function ModuleList({
  store,
  strip = false,
  open = true,
  setOpen,
  width,
}: {
  store: Store;
  strip?: boolean;
  open?: boolean;
  setOpen?: (open: boolean) => void;
  /** The column's width (px) in the wide layout. */
  width?: number;
}) {
  const modules = [...store.modules.values()];
  const expanded = !strip || open;
  return (
    <section class={`modules ${strip ? 'strip' : ''}`} aria-label="Modules" style={!strip && width ? { width: `${width}px` } : undefined}>
      {strip ? (
        <button type="button" class="strip-head" aria-expanded={open} data-testid="modules-strip" onClick={() => setOpen?.(!open)}>
          <span class="twisty">{open ? '▾' : '▸'}</span> <b>Modules ({modules.length})</b>{' '}
          <span class="dim">{stripSummary(store, modules)}</span>
        </button>
      ) : (
        <h2>Modules</h2>
      )}
      <div class="modules-body" hidden={!expanded}>
        <Pending store={store} />
        {modules.length === 0 && store.pending.length === 0 && (
          <p class="empty" data-testid="no-modules">
            {store.readOnly ? (
              'This recording has no module.'
            ) : (
              <>
                No WebAssembly module seen in this tab yet — use <b>Reload and record</b>, or run code that instantiates one.
              </>
            )}
          </p>
        )}
        <ul>
          {modules
            .filter((m) => !isHelper(m))
            .map((m) => (
              <ModuleItem key={m.key} store={store} m={m} />
            ))}
        </ul>
        <Helpers store={store} modules={modules.filter(isHelper)} />
        <Errors store={store} />
        <Unreached store={store} />
      </div>
    </section>
  );
}
