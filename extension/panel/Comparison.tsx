// The lower half: the A → B comparison, or the retained allocations of a
// timeline selection, in one of four views (Sites | Tree | Flame | Blocks).
import { useState } from 'preact/hooks';
import { LEAK_KIND_NAMES } from '../../src/protocol';
import type { Store, BlockTable, RangeView } from './store';
import { forThread, threadsOf } from './thread-filter';
import { GrowingSites } from './GrowingSites';
import type { Controller } from './controller';
import { bytes, count, seconds } from './format';
import { SiteTable } from './SiteTable';
import { StackTree } from './StackTree';
import { BlockList } from './BlockList';
import { FlameGraph } from './FlameGraph';
import { usePref } from './prefs';
import { SNAPSHOT_WAIT_MS, type CutGap } from './snapshot-cuts';
import { endedText } from './context-note';

type View = 'Sites' | 'Tree' | 'Flame' | 'Blocks';
const VIEWS: View[] = ['Sites', 'Tree', 'Flame', 'Blocks'];
const VIEW_TITLES: Record<View, string> = {
  Sites: 'One row per allocation site: the first frame of a stack outside the allocator wrappers',
  Tree: 'New bytes by whole stack, bottom-up or top-down',
  Flame: 'Flame graph (icicle) of the new bytes by whole stack; click a frame for the blocks under it',
  Blocks: 'Every new block',
};

function LeakSummary({ table }: { table: BlockTable }) {
  if (!table.leaks) return null;
  const { counts, bytes: b } = table.leaks.msg;
  const parts = [3, 2, 1, 0].filter((k) => counts[k] > 0).map((k) => `${count(counts[k])} ${LEAK_KIND_NAMES[k]} (${bytes(b[k])})`);
  return (
    <div class="leak-summary" data-testid="leak-summary">
      Leak kinds: {parts.length ? parts.join(', ') : 'no block still alive'}
    </div>
  );
}

/**
 * The contexts a comparison across contexts leaves out (snapshot-cuts.ts): one that did not answer a snapshot in
 * time, or answered at another instant, is named, never mixed in.
 */
function CutGaps({ store, gaps }: { store: Store; gaps: CutGap[] }) {
  if (gaps.length === 0) return null;
  return (
    <div class="compare-gaps" data-testid="compare-gaps">
      {gaps.map((g) =>
        g.ended ? (
          <div key={`${g.source}:${g.name}`} data-testid="compare-ended">
            Not compared: {store.sourceLabel(g.source)} {endedText(g.ended.how)} before Snapshot {g.name}
            {g.ended.since
              ? `: its ${count(g.ended.liveCount)} live block${g.ended.liveCount === 1 ? '' : 's'} (${bytes(g.ended.liveBytes)}) at Snapshot ${g.ended.since} went with it`
              : ''}
            .
          </div>
        ) : (
          <div key={`${g.source}:${g.name}`} data-testid="compare-gap">
            Not compared: {store.sourceLabel(g.source)}{' '}
            {g.lateBy === null
              ? `did not answer Snapshot ${g.name} within ${SNAPSHOT_WAIT_MS / 1000} s (busy, or ended)`
              : `answered Snapshot ${g.name} ${seconds(g.lateBy)} after it was asked, at another instant`}
            .
          </div>
        ),
      )}
    </div>
  );
}

function TableSection({
  store,
  ctl,
  table,
  view,
  filter,
}: {
  store: Store;
  ctl: Controller;
  table: BlockTable;
  view: View;
  filter: string;
}) {
  const module = store.modules.get(table.moduleKey);
  const file = module?.name.split('/').pop() || table.moduleKey;
  const name = module?.context ? `${file} in ${module.context}` : file;
  return (
    <div class="table-section" data-testid="diff" data-module={table.moduleKey}>
      <div class="section-head">
        <span class="module-name" title={module?.name}>
          {name}
        </span>
        {table.kind === 'diff' ? (
          <span data-testid="diff-summary">
            <b data-testid="diff-new-count">{count(table.newCount)}</b> new blocks,{' '}
            <b data-testid="diff-new-bytes">{bytes(table.newBytes)}</b>; {count(table.freedCount)} freed ({bytes(table.freedBytes)})
          </span>
        ) : (
          <span data-testid="range-summary">
            <b data-testid="range-count">{count(table.newCount)}</b>{' '}
            {store.range?.peak
              ? `blocks live at the peak (${seconds((table as RangeView).msg.from - store.recordingStart)})`
              : (table as RangeView).msg.instant
                ? 'blocks live then'
                : 'blocks retained'}
            , <b data-testid="range-bytes">{bytes(table.newBytes)}</b>
          </span>
        )}
        {table.truncated && (
          <span class="notice">only the first {count(table.blocks.length / 5)} blocks are listed; the counts are exact</span>
        )}
      </div>
      <LeakSummary table={table} />
      {view === 'Sites' && <SiteTable key={table.id} store={store} ctl={ctl} table={table} filter={filter} />}
      {view === 'Tree' && <StackTree key={table.id} store={store} table={table} filter={filter} />}
      {view === 'Flame' && <FlameGraph key={table.id} store={store} ctl={ctl} table={table} filter={filter} />}
      {view === 'Blocks' && <BlockList key={table.id} store={store} ctl={ctl} table={table} filter={filter} />}
    </div>
  );
}

export function Comparison({ store, ctl }: { store: Store; ctl: Controller }) {
  // The chosen view is remembered (per user, across sessions).
  const [savedView, setView] = usePref('view');
  const view: View = (VIEWS as string[]).includes(savedView) ? (savedView as View) : 'Sites';
  const [filter, setFilter] = useState('');
  const [thread, setThread] = useState('');
  const { A, B, C } = store.snapshots;
  const range = store.range;
  const all: BlockTable[] = (range ? range.tables : store.diffs).filter((t) => store.shows(t.moduleKey));
  // Threads on one shared memory: a filter by the thread that allocated (thread-filter.ts).
  const siteOf = (t: BlockTable, id: number) => store.site(t.frame, id);
  const threads = threadsOf(all, siteOf);
  const picked = threads.includes(thread) ? thread : '';
  const tables = picked ? all.map((t) => forThread(t, picked, siteOf)) : all;
  const rel = (t: number) => seconds(t - store.recordingStart);
  // The timeline shows live bytes by site: its ranking takes this place (a selection or Peak still shows here).
  if (store.bySite && !range) return <GrowingSites store={store} />;

  let title: preact.ComponentChildren;
  // An instant (a click on the timeline) opens a selection with from = to; its replies say `instant`.
  const instant = range !== null && !range.peak && range.from === range.to;
  if (range && instant) {
    const incomplete = range.tables.some((t) => t.msg.complete === false);
    title = (
      <>
        <b>Live at</b> {rel(range.from)}
        {incomplete ? ' (incomplete: blocks freed after it were dropped from the page’s bounded history)' : ''}
      </>
    );
  } else if (range) {
    title = range.peak ? (
      <>
        <b>Live at the peak</b> {range.tables.length ? rel(range.from) : ''}
      </>
    ) : (
      <>
        <b>Retained allocations in selection</b> {rel(range.from)} – {rel(range.to)}
      </>
    );
  } else if (A && B) {
    title = <b>Comparison: A → B{C ? ', still alive at C' : ''}</b>;
  }
  // Snapshots of the live page are one cut across its contexts: how many answered each in time.
  const cutA = !range && !store.readOnly ? store.cut('A') : undefined;
  const cutB = !range && !store.readOnly ? store.cut('B') : undefined;
  const inTime = (c: typeof cutA) => (c ? [...c.answers.values()].filter((a) => !a.late).length : 0);
  const across =
    cutA && cutB && A && B && Math.max(inTime(cutA), inTime(cutB)) > 1
      ? ` across ${inTime(cutB)} context${inTime(cutB) === 1 ? '' : 's'} (cut #${cutA.cut} → #${cutB.cut})`
      : '';

  let body: preact.ComponentChildren;
  if (!range && !(A && B)) {
    body = (
      <p class="empty" data-testid="compare-hint">
        {store.readOnly
          ? 'This recording has no comparison.'
          : A
            ? 'Snapshot A taken. Do the suspect action, then take Snapshot B.'
            : 'Take Snapshot A, do the suspect action, take Snapshot B. Or Shift-drag on the timeline to see the allocations of a time range that are still alive.'}
      </p>
    );
  } else if (tables.length === 0) {
    body = (
      <p class="empty">
        {store.busy ? store.busy.label : store.moduleFilter ? 'Nothing for the selected module.' : 'No module had blocks to compare.'}
      </p>
    );
  } else {
    body = tables.map((t) => <TableSection key={t.id} store={store} ctl={ctl} table={t} view={view} filter={filter} />);
  }

  const canClassify = !range && store.diffs.length > 0 && !store.readOnly && !store.busy;
  return (
    <section class="comparison" aria-label="Comparison">
      <div class="diff-head">
        <span class="title" data-testid="compare-title">
          {title}
          {across && <span class="dim">{across}</span>}
        </span>
        {/* Beside the title, not in it: a narrow panel cuts the title short, never this button. */}
        {range && (
          <button type="button" aria-label="Close selection" title="Back to the comparison" onClick={() => ctl.closeRange()}>
            ✕
          </button>
        )}
        {!range && (
          <button
            type="button"
            aria-label="Leak kinds"
            disabled={!canClassify}
            title="Scan linear memory for pointers to each new block: definitely, indirectly, possibly lost or still reachable (valgrind's definitions)"
            onClick={() => ctl.leakKinds()}
          >
            Leak kinds
          </button>
        )}
        <span class="switch" role="radiogroup" aria-label="View">
          {VIEWS.map((v) => (
            <button key={v} type="button" role="radio" aria-checked={view === v} title={VIEW_TITLES[v]} onClick={() => setView(v)}>
              {v}
            </button>
          ))}
        </span>
        {threads.length > 0 && (
          <select
            aria-label="Thread"
            title="Blocks allocated by one thread"
            value={picked}
            onChange={(e) => setThread((e.target as HTMLSelectElement).value)}
          >
            <option value="">All threads</option>
            {threads.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
        <input
          type="search"
          placeholder="Filter sites"
          aria-label="Filter allocation sites"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
      </div>
      {!range && A && B && <CutGaps store={store} gaps={store.comparisonGaps} />}
      <div class="tables">{body}</div>
    </section>
  );
}
