// The Tree view: leaked bytes (new blocks still alive at B) by stack, like
// heaptrack. Bottom-up starts at the allocating function and walks out to its
// callers; top-down starts at the outermost caller.
import { useMemo, useState } from 'preact/hooks';
import type { Store, BlockTable } from './store';
import { bytes, count } from './format';
import { frameLabel, siteLabel } from './site-index';
import { VirtualGrid, rowStyle } from './VirtualGrid';

interface Node {
  id: string;
  label: string;
  bytes: number;
  count: number;
  depth: number;
  children: Map<string, Node>;
}

function buildTree(store: Store, table: BlockTable, bottomUp: boolean, filter: string): Node {
  const root: Node = { id: '', label: '', bytes: 0, count: 0, depth: -1, children: new Map() };
  const f = filter.trim().toLowerCase();
  for (const g of table.groups) {
    if (g.newCount === 0) continue;
    const site = store.site(table.frame, g.site);
    if (f && !siteLabel(site).toLowerCase().includes(f)) continue;
    const labels = (site?.frames ?? []).map(frameLabel);
    if (labels.length === 0) labels.push('(unknown site)');
    if (!bottomUp) labels.reverse();
    let node = root;
    root.bytes += g.newBytes;
    root.count += g.newCount;
    for (const l of labels) {
      let child = node.children.get(l);
      if (!child) node.children.set(l, (child = { id: `${node.id}/${l}`, label: l, bytes: 0, count: 0, depth: node.depth + 1, children: new Map() }));
      child.bytes += g.newBytes;
      child.count += g.newCount;
      node = child;
    }
  }
  return root;
}

export function StackTree({ store, table, filter }: { store: Store; table: BlockTable; filter: string }) {
  const [bottomUp, setBottomUp] = useState(true);
  const [open, setOpen] = useState<Set<string> | null>(null);
  const [active, setActive] = useState(0);
  const root = useMemo(() => buildTree(store, table, bottomUp, filter), [table, bottomUp, filter, store.sites.size]);

  // Until the user toggles a node, the heaviest path is open.
  const expanded = useMemo(() => {
    if (open) return open;
    const set = new Set<string>();
    for (let n = root; n.children.size > 0; ) {
      n = [...n.children.values()].sort((a, b) => b.bytes - a.bytes)[0];
      set.add(n.id);
    }
    return set;
  }, [open, root]);

  const rows = useMemo(() => {
    const out: Node[] = [];
    const walk = (n: Node) => {
      for (const c of [...n.children.values()].sort((a, b) => b.bytes - a.bytes)) {
        out.push(c);
        if (expanded.has(c.id)) walk(c);
      }
    };
    walk(root);
    return out;
  }, [root, expanded]);

  const toggle = (n: Node, to?: boolean) => {
    const next = new Set(expanded);
    if (to ?? !next.has(n.id)) next.add(n.id);
    else next.delete(n.id);
    setOpen(next);
  };
  const template = 'minmax(260px, 1fr) 120px 96px 70px';
  const header = (
    <div class="vrow head" role="row" style={{ gridTemplateColumns: template }}>
      <div role="columnheader">
        <span class="switch" role="radiogroup" aria-label="Tree direction">
          <button type="button" role="radio" aria-checked={bottomUp} onClick={() => { setBottomUp(true); setOpen(null); }}>Bottom-up</button>
          <button type="button" role="radio" aria-checked={!bottomUp} onClick={() => { setBottomUp(false); setOpen(null); }}>Top-down</button>
        </span>
      </div>
      <div role="columnheader">Leaked bytes</div>
      <div role="columnheader"># Blocks</div>
      <div role="columnheader">%</div>
    </div>
  );
  if (rows.length === 0) return <p class="empty">No leaked bytes to show: no new block is still alive.</p>;
  return (
    <VirtualGrid label="Leaked bytes by stack" total={rows.length} header={header} active={Math.min(active, rows.length - 1)} setActive={setActive}
      testId="stack-tree"
      onKey={(r, key) => rows[r] && toggle(rows[r], key === 'ArrowRight' ? true : key === 'ArrowLeft' ? false : undefined)}
      renderRow={(r, isActive) => {
        const n = rows[r];
        return (
          <div key={n.id} class="vrow" role="row" aria-level={n.depth + 1} aria-expanded={n.children.size > 0 ? expanded.has(n.id) : undefined}
            data-row={r} data-testid="tree-row" tabIndex={isActive ? 0 : -1} style={{ ...rowStyle(r), gridTemplateColumns: template }}
            onClick={() => { setActive(r); toggle(n); }}>
            <div role="gridcell" style={{ paddingLeft: `${8 + n.depth * 14}px` }} title={n.label}>
              {n.children.size > 0 ? (expanded.has(n.id) ? '▾ ' : '▸ ') : '  '}{n.label}
            </div>
            <div role="gridcell">{bytes(n.bytes)}</div>
            <div role="gridcell">{count(n.count)}</div>
            <div role="gridcell">{root.bytes ? `${((100 * n.bytes) / root.bytes).toFixed(1)}%` : ''}</div>
          </div>
        );
      }}
    />
  );
}
