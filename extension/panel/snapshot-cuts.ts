// Snapshots across every context of the tab (the page, its frames, each worker)
// at one instant. Each snapshot request gets one number from the panel, the
// cut, sent to every context alike; each records its snapshot under it and
// says so in its answer. A comparison then compares, per context, the cuts of
// A and B (and C) it names, and says which contexts did not answer in time (a
// worker busy in a long task answers when its task ends, at another instant)
// instead of mixing their later snapshot in. The page cannot order a snapshot
// against events across contexts otherwise: each context only has its own
// event order (a shared memory's threads have one, see thread-heaps.ts).
// A worker known to have ended (EndedMsg) is not waited for: a comparison says
// its blocks went with it, not that it did not answer.
import type { DiffCuts, EndedHow, SnapshotMsg, SnapshotName } from '../../src/protocol';

/** How long a snapshot waits for every context before the comparison goes on without those that did not answer. */
export const SNAPSHOT_WAIT_MS = 3000;

export interface CutAnswer {
  /** The context's own time of its cut (epoch ms). */
  time: number;
  liveCount: number;
  liveBytes: number;
  /** When the panel received it (epoch ms). */
  received: number;
  /** It came after the cut was settled: another instant, left out of comparisons. */
  late: boolean;
}

export interface Cut {
  name: SnapshotName;
  /** The panel's number for this request: one sequence for every context. */
  cut: number;
  /** When the panel asked (epoch ms). */
  asked: number;
  /** Sources that had said hello when it was asked: a source not among them was not running then. */
  known: ReadonlySet<number>;
  /** Sources with modules whose blocks they count: the cut waits for each of them (not for those that ended). */
  expected: Set<number>;
  /** Sources that had ended when it was asked, or ended before answering it, and how. */
  ended: Map<number, EndedHow>;
  answers: Map<number, CutAnswer>;
  /** Every expected source answered, or SNAPSHOT_WAIT_MS passed. */
  settled: boolean;
}

/**
 * A context left out of a comparison: the snapshot it did not answer in time, and when it did answer (ms after
 * asked), if at all; or, `ended`, that it had ended by then, with its blocks at its last snapshot answered in time.
 */
export interface CutGap {
  source: number;
  name: SnapshotName;
  lateBy: number | null;
  ended?: { how: EndedHow; since: SnapshotName | null; liveCount: number; liveBytes: number };
}

export interface ComparedSources {
  sources: { source: number; cuts: DiffCuts }[];
  gaps: CutGap[];
}

export class SnapshotCuts {
  #next = 1;
  #cuts: Partial<Record<SnapshotName, Cut>> = {};

  get(name: SnapshotName): Readonly<Cut> | undefined {
    return this.#cuts[name];
  }

  /** A new request for snapshot `name`; a new A drops B and C (a new baseline). */
  begin(
    name: SnapshotName,
    asked: number,
    known: Iterable<number>,
    expected: Iterable<number>,
    ended: ReadonlyMap<number, EndedHow> = new Map(),
  ): Readonly<Cut> {
    const cut: Cut = {
      name,
      cut: this.#next++,
      asked,
      known: new Set(known),
      expected: new Set([...expected].filter((s) => !ended.has(s))),
      ended: new Map(ended),
      answers: new Map(),
      settled: false,
    };
    if (name === 'A') this.#cuts = { A: cut };
    else this.#cuts = { ...this.#cuts, [name]: cut };
    return cut;
  }

  /**
   * One context's answer. Null when it answers another request (an older cut of that name); `settledNow` when it
   * was the last one the cut waited for. An answer without a cut (an agent older than cuts) is taken for the
   * current request.
   */
  answer(source: number, msg: SnapshotMsg, received: number): { cut: Readonly<Cut>; settledNow: boolean; first: boolean } | null {
    const c = this.#cuts[msg.name];
    if (!c || (msg.cut !== undefined && msg.cut !== c.cut) || c.answers.has(source)) return null;
    let liveCount = 0;
    let liveBytes = 0;
    for (const m of msg.modules) {
      liveCount += m.liveCount;
      liveBytes += m.liveBytes;
    }
    const first = c.answers.size === 0;
    c.answers.set(source, { time: msg.time, liveCount, liveBytes, received, late: c.settled });
    if (c.settled || ![...c.expected].every((s) => c.answers.has(s))) return { cut: c, settledNow: false, first };
    c.settled = true;
    return { cut: c, settledNow: true, first };
  }

  /**
   * Source `source` has ended: the requests still waiting that it has not answered stop waiting for it (they
   * settle with the next answer, or when their wait is over), and it is named as ended, not as silent.
   */
  ended(source: number, how: EndedHow): void {
    for (const c of Object.values(this.#cuts)) {
      if (!c || c.settled || c.answers.has(source)) continue;
      c.expected.delete(source);
      c.ended.set(source, how);
    }
  }

  /** The wait for cut `cut` of `name` is over; true when this settled it (it was still waiting). */
  settle(name: SnapshotName, cut: number): boolean {
    const c = this.#cuts[name];
    if (!c || c.cut !== cut || c.settled) return false;
    c.settled = true;
    return true;
  }

  /** The totals of a cut's answers in time (the toolbar's and the timeline's figures of a snapshot). */
  static totals(c: Readonly<Cut>): { time: number; liveCount: number; liveBytes: number } {
    let time = Number.POSITIVE_INFINITY;
    let liveCount = 0;
    let liveBytes = 0;
    for (const a of c.answers.values()) {
      if (a.late) continue;
      time = Math.min(time, a.time);
      liveCount += a.liveCount;
      liveBytes += a.liveBytes;
    }
    return { time: Number.isFinite(time) ? time : c.asked, liveCount, liveBytes };
  }

  /**
   * Which contexts a comparison of A → B (→ C) compares, each with the cuts it must have, and which it leaves out
   * and why. A context that was not running at A compares from nothing (cut 0); one that was, but did not answer
   * A in time, is left out, as is one that did not answer B (or C) in time. Null without A and B.
   */
  compared(): ComparedSources | null {
    const { A, B, C } = this.#cuts;
    if (!A || !B) return null;
    const sources: ComparedSources['sources'] = [];
    const gaps: CutGap[] = [];
    const gap = (source: number, c: Readonly<Cut>) => {
      const a = c.answers.get(source);
      const how = a ? undefined : c.ended.get(source);
      if (how) {
        // (its blocks at the last of A, B it answered in time; none if neither)
        const last = [B, A].find((x) => x !== c && inTime(x, source));
        const at = last?.answers.get(source);
        const ended = { how, since: last?.name ?? null, liveCount: at?.liveCount ?? 0, liveBytes: at?.liveBytes ?? 0 };
        gaps.push({ source, name: c.name, lateBy: null, ended });
      } else gaps.push({ source, name: c.name, lateBy: a ? Math.max(0, a.received - c.asked) : null });
    };
    const inTime = (c: Readonly<Cut>, source: number) => {
      const a = c.answers.get(source);
      return a !== undefined && !a.late;
    };
    for (const source of [...B.answers.keys()].sort((x, y) => x - y)) {
      if (!inTime(B, source)) continue;
      let from: number;
      if (inTime(A, source)) from = A.cut;
      else if (!A.known.has(source) && !A.answers.has(source)) from = 0;
      else {
        gap(source, A);
        continue;
      }
      if (C && !inTime(C, source)) {
        gap(source, C);
        continue;
      }
      sources.push({ source, cuts: { from, to: B.cut, final: C ? C.cut : null } });
    }
    // Contexts B waited for, or that answered A, with no answer to B in time.
    const waited = new Set([...B.expected, ...[...A.answers.keys()].filter((s) => inTime(A, s))]);
    for (const source of [...waited].sort((x, y) => x - y)) if (!inTime(B, source)) gap(source, B);
    return { sources, gaps };
  }

  clear(): void {
    this.#cuts = {};
  }
}
