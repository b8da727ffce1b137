// Comparison of snapshots, as in Chrome's Memory panel (Comparison view: # New,
// # Deleted, # Delta, Size Delta) grouped by allocation site, as heaptrack
// does: a person reads sites first, blocks second.
//
// Both snapshots are sorted by sequence number and a sequence number belongs to
// one allocation only, so "alive in A and in B" is "same seq": one linear merge,
// no hashing. A block alive in B and not in A was allocated after A (lifetimes
// are intervals), so the new blocks are the suffix of B from A.nextSeq.
//
// With a third snapshot C (memlab's baseline / target / final), a new block
// counts only if it is still alive in C: what the action allocated and going
// "back" did not release (a cache emptied between B and C is not a leak).
import { lowerBoundSeq, type TrackerSnapshot } from './snapshot';

export interface SiteGroup {
  readonly site: number;
  readonly newCount: number;
  readonly newBytes: number;
  readonly freedCount: number;
  readonly freedBytes: number;
  /** newCount − freedCount, newBytes − freedBytes. */
  readonly deltaCount: number;
  readonly deltaBytes: number;
  /** Blocks of this site alive in B. */
  readonly liveCount: number;
  readonly liveBytes: number;
  /** This group's blocks are newBlocks[newStart, newStart + newCount). */
  readonly newStart: number;
  /** … and freedBlocks[freedStart, freedStart + freedCount). */
  readonly freedStart: number;
}

export interface SnapshotDiff {
  /** Indices into B of the blocks alive in B (and C) allocated after A; grouped as `groups`, oldest first within a group. */
  readonly newBlocks: Uint32Array;
  /** Indices into A of the blocks alive in A and not in B; grouped as `groups`. */
  readonly freedBlocks: Uint32Array;
  readonly newBytes: number;
  readonly freedBytes: number;
  /** One per site alive in B or with freed blocks; by newBytes, descending. */
  readonly groups: SiteGroup[];
}

/** Sites up to this value are grouped through a flat array, others through a Map. */
const DENSE_SITES = 1 << 20;

export function diff(a: TrackerSnapshot, b: TrackerSnapshot, c?: TrackerSnapshot): SnapshotDiff {
  // Order key of a seq: (seq − base − 1) mod 2^32 ascends with allocation order
  // up to the latest snapshot (see snapshot.ts on wrap-around).
  const base = (c ?? b).nextSeq;
  const bSeq = b.seq;
  const nb = b.count;

  // Freed: in A, not in B.
  const aSeq = a.seq;
  const na = a.count;
  let freed = new Uint32Array(na);
  let nf = 0;
  for (let i = 0, j = 0; i < na; i++) {
    const s = aSeq[i];
    const key = (s - base - 1) >>> 0;
    while (j < nb && (bSeq[j] - base - 1) >>> 0 < key) j++;
    if (j < nb && bSeq[j] === s) j++;
    else freed[nf++] = i;
  }

  // New: alive in B, allocated at or after A.nextSeq (and alive in C).
  const start = lowerBoundSeq(bSeq, a.nextSeq, base);
  let fresh: Uint32Array;
  let nn = 0;
  if (!c) {
    fresh = new Uint32Array(nb - start);
    for (let i = start; i < nb; i++) fresh[nn++] = i;
  } else {
    fresh = new Uint32Array(nb - start);
    const cSeq = c.seq;
    const nc = c.count;
    let j = start < nb ? lowerBoundSeq(cSeq, bSeq[start], base) : nc;
    for (let i = start; i < nb; i++) {
      const s = bSeq[i];
      const key = (s - base - 1) >>> 0;
      while (j < nc && (cSeq[j] - base - 1) >>> 0 < key) j++;
      if (j < nc && cSeq[j] === s) {
        fresh[nn++] = i;
        j++;
      }
    }
  }
  fresh = fresh.subarray(0, nn);
  freed = freed.subarray(0, nf);

  // Group by site: a group index per site, then sums per group.
  let maxSite = 0;
  for (let i = 0; i < nb; i++) if (b.site[i] > maxSite) maxSite = b.site[i];
  for (let k = 0; k < nf; k++) if (a.site[freed[k]] > maxSite) maxSite = a.site[freed[k]];
  const dense = maxSite < DENSE_SITES ? new Int32Array(maxSite + 1).fill(-1) : null;
  const sparse = dense ? null : new Map<number, number>();
  const sites: number[] = [];
  const groupOf = (site: number): number => {
    let g = dense ? dense[site] : (sparse!.get(site) ?? -1);
    if (g < 0) {
      g = sites.length;
      sites.push(site);
      if (dense) dense[site] = g;
      else sparse!.set(site, g);
    }
    return g;
  };
  // Per-block group, kept for the ordering pass below.
  const bGroup = new Uint32Array(nb);
  for (let i = 0; i < nb; i++) bGroup[i] = groupOf(b.site[i]);
  const fGroup = new Uint32Array(nf);
  for (let k = 0; k < nf; k++) fGroup[k] = groupOf(a.site[freed[k]]);

  const ng = sites.length;
  const liveCount = new Float64Array(ng);
  const liveBytes = new Float64Array(ng);
  const newCount = new Float64Array(ng);
  const newBytes = new Float64Array(ng);
  const freedCount = new Float64Array(ng);
  const freedBytes = new Float64Array(ng);
  for (let i = 0; i < nb; i++) {
    liveCount[bGroup[i]]++;
    liveBytes[bGroup[i]] += b.size[i];
  }
  let totalNew = 0;
  for (let k = 0; k < nn; k++) {
    const i = fresh[k];
    newCount[bGroup[i]]++;
    newBytes[bGroup[i]] += b.size[i];
    totalNew += b.size[i];
  }
  let totalFreed = 0;
  for (let k = 0; k < nf; k++) {
    const s = a.size[freed[k]];
    freedCount[fGroup[k]]++;
    freedBytes[fGroup[k]] += s;
    totalFreed += s;
  }

  // Rank groups, then lay the blocks out group after group (counting sort, stable).
  const rank = Array.from({ length: ng }, (_, g) => g).sort(
    (x, y) =>
      newBytes[y] - newBytes[x] ||
      newCount[y] - newCount[x] ||
      newBytes[y] - freedBytes[y] - (newBytes[x] - freedBytes[x]) ||
      liveBytes[y] - liveBytes[x] ||
      sites[x] - sites[y],
  );
  const newStart = new Uint32Array(ng);
  const freedStart = new Uint32Array(ng);
  for (let r = 0, sn = 0, sf = 0; r < ng; r++) {
    const g = rank[r];
    newStart[g] = sn;
    freedStart[g] = sf;
    sn += newCount[g];
    sf += freedCount[g];
  }
  const newBlocks = new Uint32Array(nn);
  const fill = newStart.slice();
  for (let k = 0; k < nn; k++) newBlocks[fill[bGroup[fresh[k]]]++] = fresh[k];
  const freedBlocks = new Uint32Array(nf);
  const fillF = freedStart.slice();
  for (let k = 0; k < nf; k++) freedBlocks[fillF[fGroup[k]]++] = freed[k];

  const groups: SiteGroup[] = new Array(ng);
  for (let r = 0; r < ng; r++) {
    const g = rank[r];
    groups[r] = {
      site: sites[g],
      newCount: newCount[g],
      newBytes: newBytes[g],
      freedCount: freedCount[g],
      freedBytes: freedBytes[g],
      deltaCount: newCount[g] - freedCount[g],
      deltaBytes: newBytes[g] - freedBytes[g],
      liveCount: liveCount[g],
      liveBytes: liveBytes[g],
      newStart: newStart[g],
      freedStart: freedStart[g],
    };
  }
  return { newBlocks, freedBlocks, newBytes: totalNew, freedBytes: totalFreed, groups };
}
