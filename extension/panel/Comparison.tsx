import { useMemo, useState } from 'preact/hooks';
import type { Store, DiffView } from './store';
import type { Controller } from './controller';
import { BLOCK_STRIDE, type SiteMsg } from '../../src/protocol';
import { bytes, count, hex, signedBytes, signedCount } from './format';

/** Blocks listed under an expanded site; the counts above stay exact. */
const MAX_ROWS = 500;

export function siteLabel(site: SiteMsg | undefined): string {
  if (!site || site.frames.length === 0) return '(unknown site)';
  const f = site.frames.find((fr) => fr.func >= 0) ?? site.frames[0];
  return f.line ? `${f.name} (${f.file.split('/').pop()}:${f.line})` : f.name;
}

function DiffSection({ store, ctl, diff }: { store: Store; ctl: Controller; diff: DiffView }) {
  const [open, setOpen] = useState<number | null>(diff.groups[0]?.site ?? null);
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? diff.groups.filter((g) => siteLabel(store.site(diff.frame, g.site)).toLowerCase().includes(f)) : diff.groups;
  }, [diff, filter]);
  const module = store.modules.get(diff.moduleKey);
  const rowsOf = (site: number) => {
    const out: number[] = [];
    for (let i = 0; i < diff.blocks.length && out.length < MAX_ROWS; i += BLOCK_STRIDE) {
      if (diff.blocks[i + 2] === site) out.push(i);
    }
    return out;
  };
  return (
    <div class="diff" data-testid="diff" data-module={diff.moduleKey}>
      <div class="diff-head">
        <span>
          {module?.name.split('/').pop() ?? diff.moduleKey}: Comparison {diff.from} → {diff.to}
          {diff.final ? `, still alive at ${diff.final}` : ''}
        </span>
        <span data-testid="diff-summary">
          <b data-testid="diff-new-count">{count(diff.newCount)}</b> new blocks,{' '}
          <b data-testid="diff-new-bytes">{bytes(diff.newBytes)}</b>; {count(diff.freedCount)} freed ({bytes(diff.freedBytes)})
        </span>
        <input type="search" placeholder="Filter sites" aria-label="Filter allocation sites" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      </div>
      <table class="grid" role="grid">
        <thead>
          <tr>
            <th>Allocation site</th><th># New</th><th># Freed</th><th># Delta</th><th>Size Delta</th><th>Live bytes</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const site = store.site(diff.frame, g.site);
            const expanded = open === g.site;
            return [
              <tr key={`g${g.site}`} class="group" data-testid="site-row" tabIndex={0} aria-expanded={expanded}
                onClick={() => setOpen(expanded ? null : g.site)}
                onKeyDown={(e) => { if (e.key === 'Enter') setOpen(expanded ? null : g.site); }}>
                <td data-testid="site-label">{expanded ? '▾' : '▸'} {siteLabel(site)}</td>
                <td data-testid="site-new">{count(g.newCount)}</td>
                <td>{count(g.freedCount)}</td>
                <td>{signedCount(g.newCount - g.freedCount)}</td>
                <td data-testid="site-size-delta">{signedBytes(g.newBytes - g.freedBytes)}</td>
                <td>{bytes(g.liveBytes)}</td>
              </tr>,
              ...(expanded
                ? rowsOf(g.site).map((i) => {
                    const ptr = diff.blocks[i];
                    const size = diff.blocks[i + 1];
                    const sel = store.selected?.moduleKey === diff.moduleKey && store.selected.ptr === ptr;
                    return (
                      <tr key={`b${ptr}`} class={`block ${sel ? 'selected' : ''}`} data-testid="block-row" tabIndex={0}
                        onClick={() => select(store, ctl, diff, i)}
                        onKeyDown={(e) => { if (e.key === 'Enter') select(store, ctl, diff, i); }}>
                        <td class="mono" data-testid="block-address">&nbsp;&nbsp;&nbsp;{hex(ptr)}</td>
                        <td data-testid="block-size">{bytes(size)}</td>
                        <td colSpan={4}>#{diff.blocks[i + 3]}</td>
                      </tr>
                    );
                  })
                : []),
            ];
          })}
        </tbody>
      </table>
      {diff.truncated && <p class="notice">Only the first {count(diff.blocks.length / BLOCK_STRIDE)} blocks were sent; the counts are exact.</p>}
    </div>
  );
}

function select(store: Store, ctl: Controller, diff: DiffView, i: number): void {
  const b = diff.blocks;
  store.selected = { moduleKey: diff.moduleKey, ptr: b[i], size: b[i + 1], site: b[i + 2], seq: b[i + 3], time: b[i + 4] };
  store.memoryView = null;
  store.changed();
  ctl.readBytes(diff.moduleKey, b[i], Math.min(b[i + 1], 256));
}

export function Comparison({ store, ctl }: { store: Store; ctl: Controller }) {
  const { A, B } = store.snapshots;
  if (!A || !B) {
    return (
      <section class="comparison empty" aria-label="Comparison">
        <p data-testid="compare-hint">
          {A ? 'Snapshot A taken. Do the suspect action, then take Snapshot B.' : 'Take Snapshot A, do the suspect action, take Snapshot B.'}
        </p>
      </section>
    );
  }
  return (
    <section class="comparison" aria-label="Comparison">
      {store.diffs.length === 0 && <p class="empty">Comparing…</p>}
      {store.diffs.map((d) => <DiffSection key={d.moduleKey} store={store} ctl={ctl} diff={d} />)}
    </section>
  );
}
