// One instantiated module as the page sees it: its tracker, its memory, and the
// `ev` hook its rewritten code calls. A failure inside the hook disables the
// hook for this instance and is reported; it never reaches the page's code.
import { EV, type InstrumentOutcome, type TrackerLike } from './types';
import { captureStack, toOriginalFrames, type RawFrame } from './stack';
import type { SiteTable } from './site-table';
import { LIMITS } from '../protocol/version';

export interface RecordEnv {
  sites: SiteTable;
  newTracker(): TrackerLike;
  /** A memory.grow ran inside wasm (instrumented modules only). */
  onGrow(rec: InstanceRecord): void;
  onHookError(rec: InstanceRecord, error: unknown): void;
  /** Function names of the original module, for frames without a name section. */
  funcName?: (rec: InstanceRecord, index: number) => string | undefined;
}

export class InstanceRecord {
  readonly tracker: TrackerLike;
  memory: WebAssembly.Memory | null = null;
  wrappedExports: string[] = [];
  instrumented: boolean;
  reason: string;
  disabled = false;
  /** Static call-site id (rewriter) → interned site id, 0 = not seen yet. */
  private readonly staticSites: Uint32Array;
  /** Bound once: the import object of every instance shares nothing. */
  readonly ev: (kind: number, a: number, b: number, c: number, site: number) => void;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly size: number,
    readonly outcome: InstrumentOutcome | null,
    reason: string,
    readonly time: number,
    private readonly env: RecordEnv,
  ) {
    this.tracker = env.newTracker();
    this.instrumented = outcome !== null && outcome.sites.length > 0 && !outcome.reason;
    this.reason = reason;
    this.staticSites = new Uint32Array(outcome ? outcome.sites.length : 0);
    const ev = (kind: number, a: number, b: number, c: number, site: number): void => {
      if (this.disabled) return;
      try {
        this.dispatch(kind, a >>> 0, b >>> 0, c >>> 0, this.siteFor(site, ev));
      } catch (error) {
        this.disabled = true;
        env.onHookError(this, error);
      }
    };
    this.ev = ev;
  }

  /** Interns the stack of a static site on first sight (≈2 µs once, then free). */
  private siteFor(site: number, below: Function): number {
    if (site >= this.staticSites.length) return 0;
    const known = this.staticSites[site];
    if (known !== 0) return known;
    const id = this.internStack(captureStack(below, LIMITS.maxFrames));
    this.staticSites[site] = id;
    return id;
  }

  internStack(raw: RawFrame[]): number {
    const o = this.outcome;
    const frames = toOriginalFrames(
      raw,
      o ? (i) => o.toOriginalFunc(i) : null,
      o ? (x) => o.toOriginalOffset(x) : null,
      this.env.funcName ? (i) => this.env.funcName!(this, i) : null,
      LIMITS.maxFrames,
    );
    return this.env.sites.intern(this.id, frames);
  }

  private dispatch(kind: number, a: number, b: number, c: number, site: number): void {
    const t = this.tracker;
    switch (kind) {
      case EV.malloc:
      case EV.rustAlloc:
      case EV.rustAllocZeroed:
        t.malloc(a, b, site);
        break;
      case EV.calloc:
        t.calloc(a, b, c, site);
        break;
      case EV.realloc:
      case EV.rustRealloc:
        t.realloc(a, b, c, site);
        break;
      case EV.free:
      case EV.rustDealloc:
        t.free(a, site);
        break;
      case EV.alignedAlloc:
        t.alignedAlloc(a, b, c, site);
        break;
      case EV.posixMemalign: {
        // The pointer is in the out-parameter (b) when the call succeeded.
        const out = a === 0 && this.memory ? new DataView(this.memory.buffer).getUint32(b, true) : 0;
        t.posixMemalign(a, out, c, site);
        break;
      }
      case EV.memoryGrow:
        this.env.onGrow(this);
        break;
      default:
        throw new Error(`unknown event kind ${kind}`);
    }
  }

  get memoryBytes(): number {
    const m = this.memory;
    return m ? m.buffer.byteLength : 0;
  }
}
