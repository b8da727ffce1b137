// The user's allocator-wrapper marks (valgrind's --alloc-fn): per module, a
// function the user folds ("Treat as allocator wrapper") or unfolds ("Not an
// allocator wrapper"), overriding the page's `FrameMsg.alloc` mark. A block's
// site is its first frame outside the folded ones (src/protocol/site-frame.ts).
//
// Remembered per module across reloads, keyed by the module's name (its URL,
// or '(bytes)') and size, in chrome.storage.local when the panel runs as an
// extension page, else in memory (Node tests). A function is named by its
// index in the original module when the module has a URL (same URL and size:
// the same build, so the same indices), by its name for a module the page
// passed as bytes (nothing says two such modules are one build).
import type { FrameMsg } from '../../src/protocol';

/** A module as the marks know it: what identifies it across reloads. */
export interface ModuleIdentity {
  name: string;
  size: number;
}

/** One override: function `func` (or `name`) of a module is (alloc) or is not (!alloc) an allocator wrapper. */
export interface WrapperMark {
  func: number;
  name: string;
  alloc: boolean;
}

/** A mark with the module it belongs to: what a recording carries (docs/recording-format.md). */
export interface ModuleWrapperMark extends WrapperMark {
  module: string;
  size: number;
}

export function moduleIdentity(m: ModuleIdentity): string {
  return `${m.name}#${m.size}`;
}

/** Function indices name the same function across reloads only for a module fetched from a URL. */
export function stableIndices(m: ModuleIdentity): boolean {
  return m.name !== '(bytes)' && m.name !== '';
}

/** The key of `f`'s function inside its module; null for JS frames, which cannot be marked. */
export function functionKey(m: ModuleIdentity, f: Pick<FrameMsg, 'func' | 'name'>): string | null {
  if (f.func < 0) return null;
  return stableIndices(m) ? `f${f.func}` : `n${f.name}`;
}

/** Where marks are remembered: one list per module identity. */
export interface MarkStorage {
  load(identity: string): Promise<WrapperMark[]>;
  save(identity: string, marks: WrapperMark[]): Promise<void>;
}

export function memoryStorage(): MarkStorage {
  const kept = new Map<string, WrapperMark[]>();
  return {
    load: async (identity) => (kept.get(identity) ?? []).map((m) => ({ ...m })),
    save: async (identity, marks) => {
      if (marks.length === 0) kept.delete(identity);
      else
        kept.set(
          identity,
          marks.map((m) => ({ ...m })),
        );
    },
  };
}

const STORAGE_PREFIX = 'wrappers:';

/** A stored value is the page's and the user's business alike: keep only well-formed marks. */
function cleanMarks(x: unknown): WrapperMark[] {
  if (!Array.isArray(x)) return [];
  return x
    .filter(
      (m): m is WrapperMark =>
        typeof m === 'object' &&
        m !== null &&
        Number.isInteger(m.func) &&
        m.func >= 0 &&
        typeof m.name === 'string' &&
        typeof m.alloc === 'boolean',
    )
    .map((m) => ({ func: m.func, name: m.name, alloc: m.alloc }));
}

/**
 * chrome.storage.local through webextension-polyfill in an extension page;
 * memory elsewhere (the polyfill throws outside an extension, so it is only
 * imported when chrome.runtime.id exists).
 */
export function extensionStorage(): MarkStorage {
  const c = (globalThis as { chrome?: { runtime?: { id?: string }; storage?: { local?: unknown } } }).chrome;
  if (!c?.runtime?.id || !c.storage?.local) return memoryStorage();
  const local = import('webextension-polyfill').then((m) => m.default.storage.local);
  return {
    load: async (identity) => {
      const key = STORAGE_PREFIX + identity;
      const got = await (await local).get(key);
      return cleanMarks(got[key]);
    },
    save: async (identity, marks) => {
      const key = STORAGE_PREFIX + identity;
      if (marks.length === 0) await (await local).remove(key);
      else await (await local).set({ [key]: marks });
    },
  };
}

/**
 * The marks of every module seen, by identity. `version` changes with every
 * mark, so views that group by site recompute.
 */
export class WrapperMarks {
  #byModule = new Map<string, Map<string, WrapperMark>>();
  #loaded = new Set<string>();
  #version = 0;

  constructor(private readonly storage: MarkStorage = memoryStorage()) {}

  get version(): number {
    return this.#version;
  }

  /**
   * Reads the remembered marks of module `m` once; `done` runs when they
   * arrived (and changed something). A mark the user set meanwhile wins.
   */
  load(m: ModuleIdentity, done: () => void): void {
    const id = moduleIdentity(m);
    if (this.#loaded.has(id)) return;
    this.#loaded.add(id);
    this.storage.load(id).then(
      (marks) => {
        if (marks.length === 0) return;
        const map = this.#map(id);
        for (const mark of marks) {
          const key = functionKey(m, mark);
          if (key && !map.has(key)) map.set(key, mark);
        }
        this.#version++;
        done();
      },
      () => {
        /* storage unavailable: marks last for this session */
      },
    );
  }

  #map(id: string): Map<string, WrapperMark> {
    let map = this.#byModule.get(id);
    if (!map) this.#byModule.set(id, (map = new Map()));
    return map;
  }

  /** The user's override for `f`'s function, if any. */
  override(m: ModuleIdentity, f: Pick<FrameMsg, 'func' | 'name'>): boolean | undefined {
    const key = functionKey(m, f);
    return key === null ? undefined : this.#byModule.get(moduleIdentity(m))?.get(key)?.alloc;
  }

  /** Whether `f` is folded: the user's override, else the page's mark. */
  folded(m: ModuleIdentity | undefined, f: FrameMsg): boolean {
    const o = m ? this.override(m, f) : undefined;
    return o ?? f.alloc === true;
  }

  /**
   * Folds (`alloc` true) or unfolds `f`'s function. Setting what the page
   * said anyway removes the override. Returns false for a JS frame.
   */
  set(m: ModuleIdentity, f: FrameMsg, alloc: boolean): boolean {
    const key = functionKey(m, f);
    if (key === null) return false;
    const id = moduleIdentity(m);
    const map = this.#map(id);
    if (alloc === (f.alloc === true)) map.delete(key);
    else map.set(key, { func: f.func, name: f.name, alloc });
    this.#version++;
    this.storage.save(id, [...map.values()]).catch(() => {
      /* not remembered; still applied */
    });
    return true;
  }

  /** The overrides of module `m`, in the order they were made. */
  marksOf(m: ModuleIdentity): WrapperMark[] {
    return [...(this.#byModule.get(moduleIdentity(m))?.values() ?? [])].map((x) => ({ ...x }));
  }

  /** Adds marks from a recording (not remembered: an import only shows them). */
  restore(marks: ModuleWrapperMark[]): void {
    for (const mk of marks) {
      const m = { name: mk.module, size: mk.size };
      const key = functionKey(m, mk);
      if (key === null) continue;
      this.#map(moduleIdentity(m)).set(key, { func: mk.func, name: mk.name, alloc: mk.alloc });
      this.#loaded.add(moduleIdentity(m));
    }
    this.#version++;
  }
}
