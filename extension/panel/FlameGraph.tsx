// The Flame view: an icicle of the new bytes by whole stack (flame.ts lays it
// out), plain DOM boxes positioned in percent; allocator wrappers' frames are
// dimmed. Clicking a node zooms to it and lists the blocks of the stacks under
// it below; clicking the top node (all bytes) or an ancestor zooms back out.
import { useMemo, useState } from 'preact/hooks';
import type { Store, BlockTable } from './store';
import type { Controller } from './controller';
import { flameLayout, leakedStacks, isUnder, type FlameNode } from './flame';
import { BlockList } from './BlockList';
import { frameLabel } from './site-index';
import { bytes, count } from './format';

export const FLAME_ROW = 18;
/** Nodes narrower than this share of the zoomed node are not drawn (≈ 1 px at 1,000 px). */
const MIN_SHARE = 0.001;
/** At most this many boxes in the DOM at once. */
const MAX_BOXES = 4000;

/** Four shades per kind, picked by the function name so neighbours differ and a function keeps its colour. */
function shade(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return (h >>> 0) % 4;
}

function nodeTitle(n: FlameNode, total: number): string {
  const share = total > 0 ? ` (${((100 * n.bytes) / total).toFixed(1)}%)` : '';
  const what = n.frame ? frameLabel(n.frame) : n.name;
  const wrapper = n.folded ? '\nallocator wrapper (folded into its caller’s site)' : '';
  return `${what}\n${bytes(n.bytes)}${share} in ${count(n.count)} block${n.count === 1 ? '' : 's'}${wrapper}`;
}

export function FlameGraph({ store, ctl, table, filter }: { store: Store; ctl: Controller; table: BlockTable; filter: string }) {
  const source = store.siteSource(table);
  const layout = useMemo(() => {
    const stacks = leakedStacks(table, source, filter);
    let total = 0;
    for (const s of stacks) total += s.bytes;
    return flameLayout(stacks, source.folded, table.kind === 'diff' ? 'all new bytes' : 'all retained bytes', total * 1e-6);
  }, [table, filter, source.version]);
  const [zoomed, setZoomed] = useState(0);
  const zoom = zoomed < layout.nodes.length ? zoomed : 0;
  const z = layout.nodes[zoom];
  const stacks = useMemo(() => (zoom === 0 ? null : new Set(layout.stacks.subarray(z.lo, z.hi))), [layout, zoom]);

  if (layout.total === 0) return <p class="empty">No new bytes to show: no new block is still alive.</p>;

  // The zoomed node and its ancestors span the width; its descendants are scaled to it.
  const boxes: FlameNode[] = [];
  const indices: number[] = [];
  for (let i = 0; i < layout.nodes.length && boxes.length < MAX_BOXES; i++) {
    const n = layout.nodes[i];
    const inside = isUnder(layout, i, zoom);
    if (!inside && !isUnder(layout, zoom, i)) continue;
    if (inside && z.bytes > 0 && n.bytes / z.bytes < MIN_SHARE) continue;
    boxes.push(n);
    indices.push(i);
  }
  const height = (layout.depth + 1) * FLAME_ROW;
  const picked = z.frame ? z.name : null;

  return (
    <div class="flame-view">
      <div class="flame-scroll">
        <div class="flame" role="tree" aria-label="New bytes by stack (flame graph)" data-testid="flame" style={{ height: `${height}px` }}>
          {boxes.map((n, k) => {
            const i = indices[k];
            const inside = isUnder(layout, i, zoom);
            const left = inside && z.bytes > 0 ? ((n.x - z.x) / z.bytes) * 100 : 0;
            const width = inside && z.bytes > 0 ? (n.bytes / z.bytes) * 100 : 100;
            const kind = n.frame === null ? 'root' : n.folded ? 'folded' : n.frame.func >= 0 ? 'wasm' : 'js';
            return (
              <div
                key={i}
                role="treeitem"
                tabIndex={0}
                aria-level={n.depth + 1}
                aria-selected={i === zoom}
                class={`flame-node ${kind} s${shade(n.name)}${i === zoom ? ' zoomed' : ''}${inside ? '' : ' ancestor'}`}
                data-testid="flame-node"
                data-depth={n.depth}
                data-bytes={n.bytes}
                title={nodeTitle(n, layout.total)}
                style={{ left: `${left}%`, width: `${width}%`, top: `${n.depth * FLAME_ROW}px` }}
                onClick={() => setZoomed(i)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    setZoomed(i);
                  }
                }}
              >
                <span>{n.name}</span>
              </div>
            );
          })}
        </div>
      </div>
      <div class="flame-blocks-head" data-testid="flame-selection">
        {picked ? (
          <>
            Blocks under <b>{picked}</b>: {count(z.count)} ({bytes(z.bytes)}){' '}
            <button type="button" aria-label="Show all blocks" onClick={() => setZoomed(0)}>
              ✕
            </button>
          </>
        ) : (
          <>
            All blocks: {count(z.count)} ({bytes(z.bytes)}). Click a frame to list only the blocks allocated under it.
          </>
        )}
      </div>
      <BlockList store={store} ctl={ctl} table={table} filter={filter} stacks={stacks} />
    </div>
  );
}
