// The run's timeline for the HTML report: per module, linear memory and live
// heap over time, from the sample rows the page agent sends the panel
// (BatchMsg.samples, layout SR), and the moments the snapshots were taken.
// Pure: no Node or DOM API. Bounded, because the rows come from the page.
import { SR, SAMPLE_STRIDE } from '../protocol/sample-row';

/** One module's samples: epoch ms, linear memory bytes, live blocks, live bytes. */
export interface ModuleSeries {
  /** Tells apart modules of different frames/documents (the CLI's scope) and their ids. */
  key: string;
  name: string;
  instrumented: boolean;
  time: number[];
  memoryBytes: number[];
  liveCount: number[];
  liveBytes: number[];
}

export interface TimelineMark {
  /** "A", "B1", "B2"… */
  label: string;
  /** Epoch ms. */
  time: number;
}

export interface Timeline {
  /** Epoch ms: the run's start and end (the charts' x range). */
  start: number;
  end: number;
  modules: ModuleSeries[];
  marks: TimelineMark[];
  /** Sample rows left out beyond the bounds. */
  dropped: number;
}

/** Bounds on what a page can make the report hold. */
export const TIMELINE_LIMITS = { modules: 64, pointsPerModule: 50_000 } as const;

/** Collects sample rows as they arrive; rows re-sent on a resync (not newer than the last kept) are skipped. */
export class TimelineBuilder {
  private readonly byKey = new Map<string, ModuleSeries>();
  private readonly marks: TimelineMark[] = [];
  dropped = 0;

  /** Adds the rows of one batch; `module(id)` names a module of the sending document, `scope` tells documents apart. */
  addRows(scope: string, rows: Float64Array, module: (id: number) => { name: string; instrumented: boolean } | undefined): void {
    for (let i = 0; i + SAMPLE_STRIDE <= rows.length; i += SAMPLE_STRIDE) {
      const time = rows[i + SR.time];
      const id = rows[i + SR.module];
      const values = [rows[i + SR.memoryBytes], rows[i + SR.liveCount], rows[i + SR.liveBytes]];
      if (!Number.isFinite(time) || !Number.isInteger(id) || values.some((v) => !Number.isFinite(v) || v < 0)) {
        this.dropped++;
        continue;
      }
      const key = `${scope}|${id}`;
      let s = this.byKey.get(key);
      if (!s) {
        const m = module(id);
        if (!m || this.byKey.size >= TIMELINE_LIMITS.modules) {
          this.dropped++;
          continue;
        }
        s = { key, name: m.name, instrumented: m.instrumented, time: [], memoryBytes: [], liveCount: [], liveBytes: [] };
        this.byKey.set(key, s);
      }
      const last = s.time.length > 0 ? s.time[s.time.length - 1] : -Infinity;
      if (time <= last) continue; // a resync sends the kept history again
      if (s.time.length >= TIMELINE_LIMITS.pointsPerModule) {
        this.dropped++;
        continue;
      }
      s.time.push(time);
      s.memoryBytes.push(values[0]);
      s.liveCount.push(values[1]);
      s.liveBytes.push(values[2]);
    }
  }

  /** A module renamed or found instrumented after its first rows (its module message came later). */
  update(scope: string, id: number, name: string, instrumented: boolean): void {
    const s = this.byKey.get(`${scope}|${id}`);
    if (s) {
      s.name = name;
      s.instrumented = instrumented;
    }
  }

  mark(label: string, time: number): void {
    if (Number.isFinite(time)) this.marks.push({ label, time });
  }

  /** The timeline from its first sample or mark (else `start`) to `end` (or its last sample, if later). */
  build(start: number, end: number): Timeline {
    const modules = [...this.byKey.values()];
    let first = Infinity;
    let last = end;
    for (const m of modules) {
      if (m.time.length === 0) continue;
      first = Math.min(first, m.time[0]);
      last = Math.max(last, m.time[m.time.length - 1]);
    }
    for (const m of this.marks) {
      first = Math.min(first, m.time);
      last = Math.max(last, m.time);
    }
    return { start: Number.isFinite(first) ? first : start, end: last, modules, marks: [...this.marks], dropped: this.dropped };
  }
}
