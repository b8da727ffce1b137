// One heap shared by threads (shared-log.ts): the draining side, in the
// context that compiled the module, and the writing side, in every thread
// (that context's own instance included, so all events share one order).
import { EV, type TrackerLike } from './types';
import { OP_SITE, type SharedLog } from './shared-log';
import type { SiteTable } from './site-table';
import type { FrameMsg } from '../protocol/messages';
import { parseFrames } from '../protocol/validate';
import { LIMITS } from '../protocol/version';

/** Applies one allocator event to a tracker (posix_memalign's pointer already read from memory into `b`). */
export function applyEvent(t: TrackerLike, kind: number, a: number, b: number, c: number, site: number): void {
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
    case EV.posixMemalign:
      t.posixMemalign(a, b, c, site);
      break;
    case EV.reallocBegin:
      t.reallocBegin?.(a);
      break;
    default:
      throw new Error(`unknown event kind ${kind}`);
  }
}

/** The label of thread `n` on the heap's sites: 0 is the context that compiled the module. */
export function threadLabel(n: number, ownerIsPage: boolean): string {
  return n === 0 ? (ownerIsPage ? 'main thread' : 'thread 0') : `thread ${n}`;
}

/**
 * The heap as the compiling context keeps it: the log, the one tracker its
 * events are replayed into, and the other threads' sites mapped to this
 * context's (interned with the thread's label).
 */
export class SharedHeap {
  /** The time of the record being replayed (the tracker's clock reads it), else null. */
  private replaying: number | null = null;
  readonly tracker: TrackerLike;
  /** (thread · 2^32 + the thread's site id) → site id here. */
  private readonly sites = new Map<number, number>();
  /** Events that could not be replayed (a malformed record). */
  bad = 0;

  constructor(
    readonly log: SharedLog,
    newTracker: (clock: () => number) => TrackerLike,
    private readonly env: { sites: SiteTable; now(): number; ownerIsPage: boolean },
    /** The id of the record the heap's blocks are reported under (its module), set when that instance exists. */
    public module = 0,
  ) {
    this.tracker = newTracker(() => this.replaying ?? env.now());
  }

  /** Replays every published event into the tracker, in order. */
  drain(): void {
    this.log.drain(this.visit);
    this.replaying = null;
  }

  private readonly visit = (op: number, a: number, b: number, c: number, site: number, thread: number, time: number): void => {
    try {
      if (op === OP_SITE) {
        this.define(thread, a, b, c);
        return;
      }
      this.replaying = time;
      // Thread 0's ids are this context's; the others' are mapped (0: unknown).
      const here = thread === 0 ? site >>> 0 : (this.sites.get(thread * 2 ** 32 + (site >>> 0)) ?? 0);
      applyEvent(this.tracker, op, a >>> 0, b >>> 0, c >>> 0, here);
    } catch {
      this.bad++;
    }
  };

  private define(thread: number, id: number, offset: number, length: number): void {
    if (thread <= 0 || this.sites.size >= LIMITS.maxSites) return;
    let frames: FrameMsg[] = [];
    try {
      frames = parseFrames(JSON.parse(this.log.siteText(offset, length) || '[]'));
    } catch {
      /* malformed text: the site is kept, without frames */
    }
    const here = this.env.sites.intern(this.module, frames, threadLabel(thread, this.env.ownerIsPage));
    this.sites.set(thread * 2 ** 32 + (id >>> 0), here);
  }
}

/**
 * A thread's side of a shared heap: its events go to the log, each of its
 * sites defined there once before the first event that names it.
 */
export class ThreadLink {
  private readonly defined = new Uint8Array(LIMITS.maxSites + 1);

  constructor(
    readonly log: SharedLog,
    /** 0 for the compiling context's own instance (its site ids need no definition). */
    readonly thread: number,
    private readonly sites: SiteTable,
    private readonly now: () => number,
    /** A worker may block while the ring is full; the page's main thread may not. */
    private readonly canWait: boolean,
    /** The compiling context's own drain, to make room. */
    private readonly drain?: () => void,
  ) {}

  event(kind: number, a: number, b: number, c: number, site: number): void {
    const now = this.now();
    if (this.thread !== 0 && site !== 0 && site <= LIMITS.maxSites && this.defined[site] === 0) {
      const frames = this.sites.get(site)?.frames ?? [];
      this.log.appendSite(this.thread, site, JSON.stringify(frames), now, this.canWait, this.drain);
      this.defined[site] = 1;
    }
    this.log.append(kind, a, b, c, site, this.thread, now, this.canWait, this.drain);
  }
}
