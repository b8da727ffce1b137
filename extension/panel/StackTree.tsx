// The Tree view: leaked bytes (new blocks still alive at B) by whole stack,
// like heaptrack. Bottom-up starts at the innermost frame (the allocator
// wrappers' frames first, dimmed) and walks out to its callers; top-down
// starts at the outermost caller (JS) and ends at the allocation.
import { useMemo, useState } from 'preact/hooks';
import type { FrameMsg } from '../../src/protocol';
import type { Store, BlockTable } from './store';
import { bytes, count } from './format';
import { frameLabel } from './site-index';
import { leakedStacks, type StackBytes } from './flame';
import { VirtualGrid, rowStyle, useRowCursor } from './VirtualGrid';
import { useLayout } from './layout';

export interface TreeNode {
  id: string;
  label: string;
  /** An allocator wrapper's frame: dimmed. */
  folded: boolean;
  bytes: number;
  count: number;
  depth: number;
  children: Map<string, TreeNode>;
}

/** Frames merge into one node by label (function and source line); `folded` decides which are dimmed. */
export function buildTree(stacks: readonly StackBytes[], folded: (f: FrameMsg) => boolean, bottomUp: boolean): TreeNode {
  const root: TreeNode = { id: '', label: '', folded: false, bytes: 0, count: 0, depth: -1, children: new Map() };
  for (const s of stacks) {
    const frames: (FrameMsg | null)[] = s.frames.length > 0 ? [...s.frames] : [null];
    if (!bottomUp) frames.reverse();
    let node = root;
    root.bytes += s.bytes;
    root.count += s.count;
    for (const f of frames) {
      const l = f ? frameLabel(f) : '(unknown site)';
      let child = node.children.get(l);
      if (!child) {
        child = {
          id: `${node.id}/${l}`,
          label: l,
          folded: f ? folded(f) : false,
          bytes: 0,
          count: 0,
          depth: node.depth + 1,
          children: new Map(),
        };
        node.children.set(l, child);
      }
      child.bytes += s.bytes;
      child.count += s.count;
      node = child;
    }
  }
  return root;
}

export function StackTree({ store, table, filter }: { store: Store; table: BlockTable; filter: string }) {
  const [bottomUp, setBottomUp] = useState(true);
  const [open, setOpen] = useState<Set<string> | null>(null);
  const cursor = useRowCursor();
  const { setActive } = cursor;
  const source = store.siteSource(table);
  const root = useMemo(
    () => buildTree(leakedStacks(table, source, filter), source.folded, bottomUp),
    [table, bottomUp, filter, source.version],
  );

  // Until the user toggles a node, the heaviest path is open.
  const expanded = useMemo(() => {
    if (open) return open;
    const set = new Set<string>();
    for (let n: TreeNode = root; n.children.size > 0; ) {
      n = [...n.children.values()].sort((a, b) => b.bytes - a.bytes)[0];
      set.add(n.id);
    }
    return set;
  }, [open, root]);

  const rows = useMemo(() => {
    const out: TreeNode[] = [];
    const walk = (n: TreeNode) => {
      for (const c of [...n.children.values()].sort((a, b) => b.bytes - a.bytes)) {
        out.push(c);
        if (expanded.has(c.id)) walk(c);
      }
    };
    walk(root);
    return out;
  }, [root, expanded]);

  const toggle = (n: TreeNode, to?: boolean) => {
    const next = new Set(expanded);
    if (to ?? !next.has(n.id)) next.add(n.id);
    else next.delete(n.id);
    setOpen(next);
  };
  const template = useLayout().tableNarrow ? 'minmax(200px, 1fr) 100px 70px 56px' : 'minmax(260px, 1fr) 120px 96px 70px';
  const header = (
    <div class="vrow head" role="row" style={{ gridTemplateColumns: template }}>
      <div role="columnheader">
        <span class="switch" role="radiogroup" aria-label="Tree direction">
          <button
            type="button"
            role="radio"
            aria-checked={bottomUp}
            onClick={() => {
              setBottomUp(true);
              setOpen(null);
            }}
          >
            Bottom-up
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={!bottomUp}
            onClick={() => {
              setBottomUp(false);
              setOpen(null);
            }}
          >
            Top-down
          </button>
        </span>
      </div>
      <div role="columnheader">Leaked bytes</div>
      <div role="columnheader"># Blocks</div>
      <div role="columnheader">%</div>
    </div>
  );
  return (
    <VirtualGrid
      label="Leaked bytes by stack"
      total={rows.length}
      empty="No leaked bytes to show: no new block is still alive."
      header={header}
      cursor={cursor}
      testId="stack-tree"
      onKey={(r, key) => rows[r] && toggle(rows[r], key === 'ArrowRight' ? true : key === 'ArrowLeft' ? false : undefined)}
      renderRow={(r, isActive) => {
        const n = rows[r];
        return (
          <div
            key={n.id}
            class="vrow"
            role="row"
            aria-level={n.depth + 1}
            aria-expanded={n.children.size > 0 ? expanded.has(n.id) : undefined}
            data-row={r}
            data-testid="tree-row"
            tabIndex={isActive ? 0 : -1}
            style={{ ...rowStyle(r), gridTemplateColumns: template }}
            onClick={() => {
              setActive(r);
              toggle(n);
            }}
          >
            <div
              role="gridcell"
              class={n.folded ? 'folded-frame' : undefined}
              style={{ paddingLeft: `${8 + n.depth * 14}px` }}
              title={n.folded ? `${n.label} (allocator wrapper, folded into its caller's site)` : n.label}
            >
              {n.children.size > 0 ? (expanded.has(n.id) ? '▾ ' : '▸ ') : '  '}
              {n.label}
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
