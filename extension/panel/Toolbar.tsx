// The toolbar: recording, snapshots, export/import, the totals. Actions that do
// not fit the panel's width move, lowest priority first, into the » menu with
// the same accessible names (DevTools' toolbar overflow). Widths are measured
// on a hidden copy of every action, so a hidden action's width is known when
// the panel grows back. In the narrow layout the totals and the status take a
// second line rather than an action's place.
import { Fragment } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Store } from './store';
import type { Controller } from './controller';
import { count, bytes } from './format';
import { useLayout } from './layout';
import { OverflowMenu, type MenuAction } from './OverflowMenu';

type ActionId = 'record' | 'reload' | 'clear' | 'stacks' | 'snapA' | 'snapB' | 'snapC' | 'export' | 'import';
/** Toolbar order, in groups separated by a divider. */
const GROUPS: ActionId[][] = [
  ['record', 'reload', 'clear'],
  ['stacks', 'snapA', 'snapB', 'snapC'],
  ['export', 'import'],
];
/** What stays in the toolbar longest: the first ids fit first. */
const PRIORITY: ActionId[] = ['record', 'snapA', 'snapB', 'snapC', 'reload', 'clear', 'stacks', 'export', 'import'];
/** Width kept for the status text (it ellipsizes) and the » button. */
const STATUS_RESERVE = 40;
const OVERFLOW_BUTTON = 30;
const SEPARATOR = 11;

interface Action extends MenuAction {
  id: ActionId;
  /** The control as the toolbar shows it. */
  bar: (tabbable: boolean) => preact.JSX.Element;
}

function actions(store: Store, ctl: Controller, openFile: () => void, onReload?: () => void): Action[] {
  const { A, B } = store.snapshots;
  const live = store.readOnly === null;
  const button = (a: Omit<Action, 'bar'> & { cls?: string; children?: preact.ComponentChildren }): Action => ({
    ...a,
    bar: (tabbable) => (
      <button
        type="button"
        class={a.cls}
        aria-label={a.name}
        title={a.title}
        disabled={a.disabled}
        tabIndex={tabbable ? undefined : -1}
        onClick={a.run}
      >
        {a.children ?? a.text}
      </button>
    ),
  });
  /** Snapshot A, B or C: marked once taken, enabled while live once the one before it (`after`) is taken. */
  const snap = (name: 'A' | 'B' | 'C', after: unknown, title?: string): Action =>
    button({
      id: `snap${name}`,
      name: `Snapshot ${name}`,
      text: `Snapshot ${name}`,
      cls: store.snapshots[name] ? 'taken' : '',
      disabled: !live || !after,
      title,
      run: () => ctl.snapshot(name),
    });
  const recordTitle = store.recording
    ? 'Stop: freeze the timeline and counters. The page keeps tracking every allocation, so snapshots and comparisons stay exact.'
    : 'Record: update the timeline and counters again (the page tracked all along)';
  const stacksTitle =
    'JS stack per allocation: capture the JavaScript frames of every allocation (slower: tens of µs each). Whole wasm stacks are always recorded; without this, the JS frames of a stack are those of the first allocation on its wasm path. Blocks allocated before switching keep their stacks.';
  return [
    button({
      id: 'record',
      name: store.recording ? 'Stop' : 'Record',
      text: store.recording ? 'Stop' : 'Record',
      title: recordTitle,
      disabled: !live,
      cls: `record ${store.recording ? 'on' : ''}`,
      run: () => ctl.toggleRecording(),
      children: (
        <>
          <span class="dot" aria-hidden="true" /> {store.recording ? 'Stop' : 'Record'}
        </>
      ),
    }),
    button({
      id: 'reload',
      name: 'Reload and record',
      text: '⟳ Reload and record',
      title: 'Reload the page with tracking from the first instruction',
      run: () => {
        onReload?.();
        ctl.reloadAndRecord();
      },
    }),
    button({
      id: 'clear',
      name: 'Clear',
      text: '⊘ Clear',
      title: live ? 'Clear the timeline, snapshots and comparison' : 'Close the imported recording and show the live page',
      run: () => ctl.clear(),
    }),
    {
      id: 'stacks',
      name: 'JS stack per allocation',
      text: 'JS stack per allocation',
      title: stacksTitle,
      disabled: !live,
      checked: store.fullStacks,
      run: () => ctl.toggleFullStacks(),
      bar: (tabbable) => (
        <label class="check" title={stacksTitle}>
          <input
            type="checkbox"
            aria-label="JS stack per allocation"
            checked={store.fullStacks}
            disabled={!live}
            tabIndex={tabbable ? undefined : -1}
            onChange={() => ctl.toggleFullStacks()}
          />{' '}
          JS stack per allocation
        </label>
      ),
    },
    snap('A', true),
    snap('B', A),
    snap('C', B, 'Optional: keep only blocks still alive at C'),
    button({
      id: 'export',
      name: 'Export',
      text: '⤓ Export',
      title: 'Save the modules, timeline, stacks, errors and comparison as a JSON recording',
      disabled: store.modules.size === 0,
      run: () => ctl.exportRecording(),
    }),
    button({
      id: 'import',
      name: 'Import',
      text: '⤒ Import',
      title: 'Open a recording saved with Export (read-only; Clear returns to the live page)',
      run: openFile,
    }),
  ];
}

/** The ids that fit in `avail` px, highest priority first, given each one's width. */
export function fitting(widths: ReadonlyMap<ActionId, number>, avail: number): Set<ActionId> {
  const all = PRIORITY.reduce((s, id) => s + (widths.get(id) ?? 0), 0) + SEPARATOR * (GROUPS.length - 1);
  if (all <= avail) return new Set(PRIORITY);
  const shown = new Set<ActionId>();
  let used = OVERFLOW_BUTTON;
  for (const id of PRIORITY) {
    const w = (widths.get(id) ?? 0) + (GROUPS.some((g) => g[0] === id) ? SEPARATOR : 0);
    if (used + w > avail) break;
    used += w;
    shown.add(id);
  }
  return shown;
}

function Totals({ store }: { store: Store }) {
  const t = store.totals();
  return (
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
  );
}

function Status({ store, ctl }: { store: Store; ctl: Controller }) {
  const live = store.readOnly === null;
  return (
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
  );
}

export function Toolbar({ store, ctl, onReload }: { store: Store; ctl: Controller; onReload?: () => void }) {
  const file = useRef<HTMLInputElement>(null);
  const bar = useRef<HTMLDivElement>(null);
  const measure = useRef<HTMLDivElement>(null);
  const totals = useRef<HTMLSpanElement>(null);
  const layout = useLayout();
  const [shown, setShown] = useState<Set<ActionId> | null>(null);
  const all = actions(store, ctl, () => file.current?.click(), onReload);

  useLayoutEffect(() => {
    const el = bar.current;
    const m = measure.current;
    if (!el || !m) return;
    const refit = () => {
      const widths = new Map<ActionId, number>();
      for (const child of m.children) {
        const id = (child as HTMLElement).dataset.action as ActionId;
        widths.set(id, (child as HTMLElement).getBoundingClientRect().width + 2);
      }
      const fixed = (layout.narrow ? 0 : (totals.current?.getBoundingClientRect().width ?? 0) + SEPARATOR) + STATUS_RESERVE + 24;
      const next = fitting(widths, el.clientWidth - fixed);
      setShown((prev) => (prev && prev.size === next.size && [...next].every((id) => prev.has(id)) ? prev : next));
    };
    refit();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    ro.observe(m);
    return () => ro.disconnect();
  }, [layout.narrow]);

  const visible = (id: ActionId) => shown === null || shown.has(id);
  const overflow = all.filter((a) => !visible(a.id));
  const groups = GROUPS.map((g) => g.filter(visible)).filter((g) => g.length > 0);
  const byId = new Map(all.map((a) => [a.id, a]));
  return (
    <>
      <div class="toolbar" role="toolbar" aria-label="WASM Leaks toolbar" ref={bar}>
        {groups.map((g, i) => (
          <Fragment key={g[0]}>
            {i > 0 && <span class="sep" />}
            {g.map((id) => (
              <span key={id} class="tool" data-action={id}>
                {byId.get(id)!.bar(true)}
              </span>
            ))}
          </Fragment>
        ))}
        {/* Always mounted (hidden when empty): a re-measure never replaces the » button. */}
        <OverflowMenu label="More tools" actions={overflow} />
        {!layout.narrow && (
          <>
            <span class="sep" />
            <span ref={totals}>
              <Totals store={store} />
            </span>
            <Status store={store} ctl={ctl} />
          </>
        )}
        <span class={`conn ${store.connected ? 'on' : 'off'}`} title={store.connected ? 'Connected to the page' : 'Reconnecting…'}>
          {store.connected ? '●' : '○'}
        </span>
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
        {/* Every action at its toolbar width, out of sight and of the accessibility tree: what fits is decided from these. */}
        <div class="toolbar-measure" ref={measure} aria-hidden="true">
          {all.map((a) => (
            <span key={a.id} class="tool" data-action={a.id}>
              {a.bar(false)}
            </span>
          ))}
        </div>
      </div>
      {layout.narrow && (
        <div class="toolbar-status">
          <Totals store={store} />
          <Status store={store} ctl={ctl} />
        </div>
      )}
    </>
  );
}
