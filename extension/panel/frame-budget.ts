// What one frame of the inspected page can make the panel hold. A frame's
// messages are untrusted (any script in it can post with the page tag), and the
// validator only bounds each message: without these totals one frame could send
// sites, strings, modules, samples and errors until the panel runs out of
// memory (issue 15: 1 M forged sites took it to 446 MB). Within them the panel
// keeps what a real page sends; beyond them it drops whole items, counts them
// and says so for that frame ("dropped N, limit L"). Everything here goes with
// the frame's next hello (errors excepted: the page does not send them again)
// and with Clear.
import { LIMITS, frameHash, type AllocatorMsg, type FrameMsg, type ModuleMsg, type SiteMsg } from '../../src/protocol';
import { demangle } from '../../src/symbols/demangle';

export const FRAME_LIMITS = {
  /** Stacks (sites): what the page agent itself interns at most, so a real page never reaches it. */
  sites: LIMITS.maxSites,
  /** Distinct stack frames (a code location with its names) over all stacks: stacks share them. */
  frames: 250_000,
  /** Characters of distinct strings: function names and their demangled form, files, module names and texts. */
  chars: 16_000_000,
  /** Modules (instances; released ones stay as history). */
  modules: 10_000,
  /** Timeline points over all the frame's modules (each module thins its own beyond 20,000). */
  points: 1_000_000,
  errors: 1_000,
};
export type Limit = keyof typeof FRAME_LIMITS;
const KINDS = Object.keys(FRAME_LIMITS) as Limit[];

const n = (x: number) => x.toLocaleString('en-US');
/** Per limit: what was dropped when it was reached. */
const DROPPED: Record<Limit, string> = {
  sites: 'stacks',
  frames: 'stacks (their stack frames)',
  chars: 'stacks and modules (their names and text)',
  modules: 'modules',
  points: 'timeline points',
  errors: 'errors',
};
const LIMIT_OF: Record<Limit, string> = {
  sites: 'stacks',
  frames: 'distinct stack frames',
  chars: 'characters of names and text',
  modules: 'modules',
  points: 'timeline points',
  errors: 'errors',
};

type Counts = Record<Limit, number>;

/** A frame kept, with the name and file its first sender gave (the name before demangling). */
interface SentFrame {
  name: string;
  file: string;
  kept: FrameMsg;
}

/** The frame of `list` at f's location with this name and file, as sent (`sent`) or as kept. */
function match(list: readonly SentFrame[], f: FrameMsg, name: string, file: string, sent: boolean): FrameMsg | undefined {
  for (const s of list) {
    const g = s.kept;
    const strings = sent ? s.name === name && s.file === file : g.name === name && g.file === file;
    if (strings && g.func === f.func && g.offset === f.offset && g.line === f.line && g.alloc === f.alloc) return g;
  }
  return undefined;
}

const zero = (): Counts => ({ sites: 0, frames: 0, chars: 0, modules: 0, points: 0, errors: 0 });

/** A module's lists, shared by every instance of the same module. */
type ModuleLists = Pick<ModuleMsg, 'allocators' | 'wrappedExports'>;

export class FrameBudget {
  /** What the frame holds now, per limit. */
  held: Counts = zero();
  /** Items dropped because that limit was reached. */
  dropped: Counts = zero();
  /** The frame said hello in another protocol version (the text to show), until its next valid hello. */
  protocol: string | null = null;
  /** The frame's URL, from its last valid hello. */
  url = '';
  /** Ids of the sites held. */
  private siteIds = new Set<number>();
  private names = new Map<string, string>();
  private texts = new Map<string, string>();
  private lists = new Map<string, ModuleLists>();
  /**
   * Interned frames by a number mixed from func, offset and line (frameHash); each with the name and file as
   * sent, so a frame seen before is found by comparing numbers and strings, without building a key string or
   * hashing its name and file (a 15,000-stack batch of wasm-vips carries 195,000 frames, 2,600 distinct).
   */
  private frameIndex = new Map<number, SentFrame[]>();
  /** What the item being admitted added, undone if it does not fit. */
  private journal: (() => void)[] = [];
  private failed: Limit | null = null;

  constructor(readonly limits: Readonly<Counts> = FRAME_LIMITS) {}

  /** The frame reloaded (or resynchronises): everything but its errors, which the page does not send again. */
  reset(): void {
    this.held = { ...zero(), errors: this.held.errors };
    this.dropped = { ...zero(), errors: this.dropped.errors };
    this.protocol = null;
    this.url = '';
    this.siteIds.clear();
    this.names.clear();
    this.texts.clear();
    this.lists.clear();
    this.frameIndex.clear();
  }

  /** Whether the frame holds a site of this id. */
  hasSite(id: number): boolean {
    return this.siteIds.has(id);
  }

  /**
   * The site as the panel keeps it (names demangled, frames and strings shared
   * with the frame's other sites), or null when it does not fit: dropped and
   * counted. A site of an id held replaces it (no new stack).
   */
  admitSite(site: SiteMsg): SiteMsg | null {
    const known = this.siteIds.has(site.id);
    if (!known && this.full('sites')) return null;
    const frames: FrameMsg[] = new Array(site.frames.length);
    for (let i = 0; i < frames.length; i++) {
      const f = this.frame(site.frames[i]);
      if (!f) return this.undo();
      frames[i] = f;
    }
    // The thread that allocated (threads on one shared memory): a string like the frames'.
    const thread = site.thread === undefined ? undefined : this.text(site.thread);
    if (thread === null) return this.undo();
    this.journal.length = 0;
    if (!known) {
      this.held.sites++;
      this.siteIds.add(site.id);
    }
    return thread === undefined ? { id: site.id, module: site.module, frames } : { id: site.id, module: site.module, frames, thread };
  }

  /** The module message as kept (strings and lists shared), or null when dropped. `known`: same id as a held module. */
  admitModule(msg: ModuleMsg, known: boolean): ModuleMsg | null {
    if (!known && this.full('modules')) return null;
    const name = this.text(msg.name);
    const reason = name === null ? null : this.text(msg.reason);
    const lists = reason === null ? null : this.moduleLists(msg.allocators, msg.wrappedExports);
    if (name === null || reason === null || lists === null) return this.undo();
    this.journal.length = 0;
    if (!known) this.held.modules++;
    return { ...msg, name, reason, ...lists };
  }

  /** Whether one more error may be kept (else it is counted). */
  admitError(): boolean {
    if (this.full('errors')) return false;
    this.held.errors++;
    return true;
  }

  /** Whether one more timeline point may be kept (else it is counted). */
  admitPoint(): boolean {
    return !this.full('points');
  }

  /** A series of the frame changed length by `delta` (a push, or a push that thinned). */
  points(delta: number): void {
    this.held.points += delta;
  }

  /** How many more items of `kind` fit. */
  room(kind: Limit): number {
    return Math.max(0, this.limits[kind] - this.held[kind]);
  }

  /** `count` items taken out before they reached admit*() (Store.receive): counted against `kind`. */
  drop(kind: Limit, count: number): void {
    this.dropped[kind] += count;
  }

  /** One line per limit reached: "stacks: dropped 900,000, limit 100,000 stacks per frame". */
  notices(): string[] {
    const out: string[] = [];
    for (const k of KINDS) {
      if (this.dropped[k] > 0)
        out.push(`${DROPPED[k]}: dropped ${n(this.dropped[k])}, limit ${n(this.limits[k])} ${LIMIT_OF[k]} per frame`);
    }
    return out;
  }

  /** Counts `kind` as dropped when the frame holds its limit. */
  private full(kind: Limit): boolean {
    if (this.held[kind] < this.limits[kind]) return false;
    this.dropped[kind]++;
    return true;
  }

  /** Rolls back what the item being admitted added; counts it against the limit that stopped it. */
  private undo(): null {
    for (let i = this.journal.length - 1; i >= 0; i--) this.journal[i]();
    this.journal.length = 0;
    if (this.failed) this.dropped[this.failed]++;
    this.failed = null;
    return null;
  }

  private frame(f: FrameMsg): FrameMsg | null {
    const key = frameHash(f);
    let same = this.frameIndex.get(key);
    const sent = same && match(same, f, f.name, f.file, true);
    if (sent) return sent;
    const name = this.name(f.name);
    if (name === null) return null;
    const file = this.text(f.file);
    if (file === null) return null;
    // (another name or file as sent that reads the same once interned, e.g. demangled: one kept frame for both)
    const kept = same && match(same, f, name, file, false);
    if (kept) return kept;
    if (this.held.frames >= this.limits.frames) {
      this.failed = 'frames';
      return null;
    }
    const g: FrameMsg = { name, func: f.func, offset: f.offset, file, line: f.line };
    if (f.alloc !== undefined) g.alloc = f.alloc;
    if (!same) this.frameIndex.set(key, (same = []));
    const list = same;
    list.push({ name: f.name, file: f.file, kept: g });
    this.held.frames++;
    this.journal.push(() => {
      list.pop();
      if (list.length === 0) this.frameIndex.delete(key);
      this.held.frames--;
    });
    return g;
  }

  /** A function name, demangled once (C++/Rust names arrive as the module has them). */
  private name(raw: string): string | null {
    const known = this.names.get(raw);
    if (known !== undefined) return known;
    const shown = demangle(raw);
    return this.intern(this.names, raw, shown, raw.length + (shown === raw ? 0 : shown.length));
  }

  private text(raw: string): string | null {
    const known = this.texts.get(raw);
    if (known !== undefined) return known;
    return this.intern(this.texts, raw, raw, raw.length);
  }

  /** A module's allocator and export lists, shared by the instances of one module; their JSON counts as text. */
  private moduleLists(allocators: AllocatorMsg[], wrappedExports: string[]): ModuleLists | null {
    const key = JSON.stringify([allocators, wrappedExports]);
    const known = this.lists.get(key);
    if (known) return known;
    return this.intern(this.lists, key, { allocators, wrappedExports }, key.length);
  }

  private intern<T>(map: Map<string, T>, key: string, value: T, chars: number): T | null {
    if (this.held.chars + chars > this.limits.chars) {
      this.failed = 'chars';
      return null;
    }
    map.set(key, value);
    this.held.chars += chars;
    this.journal.push(() => {
      map.delete(key);
      this.held.chars -= chars;
    });
    return value;
  }
}
