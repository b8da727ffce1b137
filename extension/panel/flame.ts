// The flame graph's model (an icicle: the outermost caller at the top, the
// allocation at the bottom): a comparison's new bytes by whole stack, laid
// out in bytes so a node's width is exactly the new bytes of the stacks under
// it. Pure: FlameGraph.tsx draws it, flame.test.ts checks it in Node.
import type { FrameMsg } from '../../src/protocol';
import type { BlockTable } from './store';
import type { SiteSource } from './site-index';
import { groupSites } from './site-index';

/** One stack of a table with the new blocks still alive at B (or retained) it allocated. */
export interface StackBytes {
  /** Stack id (as the page's groups name it; 0 = unknown). */
  id: number;
  /** Innermost first, as on the wire; empty when unknown. */
  frames: readonly FrameMsg[];
  bytes: number;
  count: number;
}

/** The stacks of a table that have new blocks, optionally only those whose site's label contains `filter`. */
export function leakedStacks(table: BlockTable, src: SiteSource, filter = ''): StackBytes[] {
  const f = filter.trim().toLowerCase();
  const grouping = f ? groupSites(table, src) : null;
  const out: StackBytes[] = [];
  for (const g of table.groups) {
    if (g.newCount === 0) continue;
    if (grouping && !grouping.rows[grouping.rowOf.get(g.site)!].label.toLowerCase().includes(f)) continue;
    out.push({ id: g.site, frames: (g.site === 0 ? undefined : src.site(g.site))?.frames ?? [], bytes: g.newBytes, count: g.newCount });
  }
  return out;
}

export interface FlameNode {
  /** Index of the parent in FlameLayout.nodes; -1 for the root. */
  parent: number;
  /** 0 for the root ("all"), 1 for the outermost frames, … */
  depth: number;
  /** Left edge, in bytes from the root's left edge; the width is `bytes`. */
  x: number;
  bytes: number;
  count: number;
  /** The node's frame (the first stack's, for the function it names); null for the root. */
  frame: FrameMsg | null;
  name: string;
  /** An allocator wrapper's frame (drawn dimmed). */
  folded: boolean;
  /** The stacks under the node: FlameLayout.stacks[lo … hi − 1]. */
  lo: number;
  hi: number;
}

export interface FlameLayout {
  /** Parents before children; the root is nodes[0]; siblings largest first (then by name), left to right. */
  nodes: FlameNode[];
  /** Stack ids ordered so that every node's stacks are one range. */
  stacks: Uint32Array;
  /** Deepest depth. */
  depth: number;
  total: number;
}

/** Frames of one function merge into one node: wasm by function index, JS by name and script. */
function functionKey(f: FrameMsg): string {
  return f.func >= 0 ? `w${f.func}` : `j${f.name}@${f.file}`;
}

/**
 * Lays the stacks out top-down from the outermost frame. Children start at
 * their parent's left edge, largest first; a stack that ends at a node (its
 * allocation is there) leaves the node's right part without children.
 * Children narrower than `minBytes` are left out (their bytes stay in the
 * parent): the panel passes a fraction of the total no zoom can show.
 */
export function flameLayout(input: readonly StackBytes[], folded: (f: FrameMsg) => boolean, rootName = 'all', minBytes = 0): FlameLayout {
  let total = 0;
  let count = 0;
  for (const s of input) {
    total += s.bytes;
    count += s.count;
  }
  const perm = new Uint32Array(input.length);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  const nodes: FlameNode[] = [
    { parent: -1, depth: 0, x: 0, bytes: total, count, frame: null, name: rootName, folded: false, lo: 0, hi: input.length },
  ];
  let depth = 0;
  // Outermost-first frame `d` (1-based depth) of stack i.
  const frameAt = (i: number, d: number): FrameMsg | undefined => {
    const fr = input[i].frames;
    return fr[fr.length - d];
  };
  const work: number[] = [0];
  while (work.length > 0) {
    const at = work.pop()!;
    const node = nodes[at];
    const d = node.depth + 1;
    // Bucket the node's stacks by their frame at depth d; stacks that end here go last.
    const buckets = new Map<string, { frame: FrameMsg; ids: number[]; bytes: number; count: number }>();
    const ends: number[] = [];
    for (let k = node.lo; k < node.hi; k++) {
      const i = perm[k];
      const f = frameAt(i, d);
      if (!f) {
        ends.push(i);
        continue;
      }
      const key = functionKey(f);
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { frame: f, ids: [], bytes: 0, count: 0 }));
      b.ids.push(i);
      b.bytes += input[i].bytes;
      b.count += input[i].count;
    }
    const children = [...buckets.values()].sort((a, b) => b.bytes - a.bytes || a.frame.name.localeCompare(b.frame.name));
    let k = node.lo;
    let x = node.x;
    const made: number[] = [];
    for (const c of children) {
      const lo = k;
      for (const i of c.ids) perm[k++] = i;
      if (c.bytes < minBytes) continue;
      made.push(nodes.length);
      nodes.push({
        parent: at,
        depth: d,
        x,
        bytes: c.bytes,
        count: c.count,
        frame: c.frame,
        name: c.frame.name,
        folded: folded(c.frame),
        lo,
        hi: k,
      });
      x += c.bytes;
      if (d > depth) depth = d;
    }
    for (const i of ends) perm[k++] = i;
    // Depth first, leftmost child first: each node's children are pushed together after it.
    for (let j = made.length - 1; j >= 0; j--) work.push(made[j]);
  }
  const stacks = new Uint32Array(input.length);
  for (let k = 0; k < perm.length; k++) stacks[k] = input[perm[k]].id;
  return { nodes, stacks, depth, total };
}

/** Whether node `n` is `of` or lies under it. */
export function isUnder(layout: FlameLayout, n: number, of: number): boolean {
  const a = layout.nodes[n];
  const b = layout.nodes[of];
  return a.depth >= b.depth && a.lo >= b.lo && a.hi <= b.hi && (a.depth > b.depth || n === of);
}
