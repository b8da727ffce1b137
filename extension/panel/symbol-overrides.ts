// Symbols the user loads for a module ("Load symbols…" in the module list):
// the unstripped .wasm, a .debug.wasm, an emscripten symbol map or a source
// map, read and matched by src/symbols/symbol-file.ts. A file that is another
// build is refused and the module says why; a matching one names the wasm
// frames of every stack of that module already recorded, and of those that
// arrive later (frames carry the function index and offset in the original
// module, so no page round trip is needed).
//
// Remembered across reloads, keyed by the module's name, size and code hash,
// in the extension page's IndexedDB (files can be tens of MB: too big for
// chrome.storage.local), at most MAX_KEPT files and MAX_KEPT_BYTES, oldest
// dropped first; in memory elsewhere (Node tests). An export carries the
// stacks as shown, so the names travel with a recording.
import { type FrameMsg, LIMITS, type ModuleMsg, type SiteMsg } from '../../src/protocol';
import { demangle } from '../../src/symbols/demangle';
import { type LoadedSymbols, loadSymbolFile, type SymbolFileKind } from '../../src/symbols/symbol-file';
import type { SourceLocation } from '../../src/symbols/symbolizer';

/** What the module list says about a module's symbols: the file applied, the last file refused. */
export interface ModuleSymbols {
  applied?: SymbolStatus;
  /** The last file refused (cleared when one is applied): what is applied stays. */
  refused?: SymbolStatus;
}

/** One file's outcome. */
export interface SymbolStatus {
  fileName: string;
  ok: boolean;
  /** How it matched (ok), or why it was refused. */
  message: string;
  kind?: SymbolFileKind;
  /** Restored from an earlier session rather than picked now. */
  remembered: boolean;
}

export interface StoredSymbolFile {
  fileName: string;
  bytes: Uint8Array;
  /** Epoch ms it was loaded: the oldest go first. */
  time: number;
}

export interface SymbolStorage {
  load(key: string): Promise<StoredSymbolFile | null>;
  save(key: string, file: StoredSymbolFile): Promise<void>;
}

export const MAX_KEPT = 16;
export const MAX_KEPT_BYTES = 512 * 1024 * 1024;

type ModuleFacts = Pick<ModuleMsg, 'name' | 'size' | 'code'>;

/** name + size + code hash: the same build of the same module across reloads. */
export function symbolKey(m: ModuleFacts): string {
  return `${m.name}#${m.size}#${m.code?.hash ?? ''}`;
}

/** Keeps the newest files within MAX_KEPT and MAX_KEPT_BYTES: the keys to drop. */
export function evictions(entries: { key: string; size: number; time: number }[]): string[] {
  const sorted = [...entries].sort((a, b) => b.time - a.time);
  const out: string[] = [];
  let total = 0;
  sorted.forEach((e, i) => {
    total += e.size;
    if (i >= MAX_KEPT || total > MAX_KEPT_BYTES) out.push(e.key);
  });
  return out;
}

export function memorySymbolStorage(): SymbolStorage {
  const kept = new Map<string, StoredSymbolFile>();
  return {
    load: async (key) => kept.get(key) ?? null,
    save: async (key, file) => {
      kept.set(key, file);
      const drop = evictions([...kept].map(([k, f]) => ({ key: k, size: f.bytes.length, time: f.time })));
      for (const k of drop) kept.delete(k);
    },
  };
}

const DB = 'wasm-leaks-symbols';
const STORE = 'files';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** IndexedDB of the extension page; memory outside an extension (or without IndexedDB). */
export function extensionSymbolStorage(): SymbolStorage {
  const c = (globalThis as { chrome?: { runtime?: { id?: string } } }).chrome;
  if (!c?.runtime?.id || typeof indexedDB === 'undefined') return memorySymbolStorage();
  let db: Promise<IDBDatabase> | null = null;
  const open = () => {
    db ??= new Promise((resolve, reject) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return db;
  };
  const clean = (x: unknown): StoredSymbolFile | null => {
    const o = x as Partial<StoredSymbolFile> | undefined;
    if (!o || typeof o.fileName !== 'string' || !(o.bytes instanceof Uint8Array) || typeof o.time !== 'number') return null;
    return { fileName: o.fileName, bytes: o.bytes, time: o.time };
  };
  return {
    load: async (key) => clean(await request((await open()).transaction(STORE).objectStore(STORE).get(key))),
    save: async (key, file) => {
      const store = (await open()).transaction(STORE, 'readwrite').objectStore(STORE);
      await request(store.put({ fileName: file.fileName, bytes: file.bytes, time: file.time }, key));
      const keys = (await request(store.getAllKeys())) as string[];
      const all = (await request(store.getAll())) as StoredSymbolFile[];
      const drop = evictions(keys.map((k, i) => ({ key: k, size: clean(all[i])?.bytes.length ?? 0, time: clean(all[i])?.time ?? 0 })));
      for (const k of drop) await request(store.delete(k));
    },
  };
}

/** Each symbolized site's frames as the page sent them, to apply another file later. */
const originals = new WeakMap<SiteMsg, SiteMsg>();

/** The script V8 names the module's own code with (`wasm://wasm/<hash>`): its innermost unsymbolized wasm frame's. */
function ownScript(frames: readonly FrameMsg[]): string | null {
  for (const f of frames) if (f.func >= 0 && f.file.startsWith('wasm://')) return f.file;
  return null;
}

/**
 * `site`'s frames with `symbols` applied: each wasm frame of the module's own
 * code becomes the file's location (and its inlined-into chain); frames of
 * other modules (another `wasm://` script) and JS frames stay as they are.
 * A name-only answer (symbol map) keeps the frame's file; a placeholder name
 * (a source map without names) keeps the frame's name.
 */
export function symbolizeSite(site: SiteMsg, symbols: LoadedSymbols): SiteMsg {
  const own = ownScript(site.frames);
  const out: FrameMsg[] = [];
  const fs = site.frames;
  let changed = false;
  for (let i = 0; i < fs.length; i++) {
    const f = fs[i];
    // frames the page expanded from one location (inlined calls): one lookup
    let j = i;
    while (f.func >= 0 && j + 1 < fs.length && fs[j + 1].func === f.func && fs[j + 1].offset === f.offset) j++;
    const foreign = f.file.startsWith('wasm://') && own !== null && f.file !== own;
    let loc: SourceLocation | null = null;
    if (f.func >= 0 && f.offset >= 0 && !foreign) loc = symbols.lookup(f.func, f.offset);
    if (!loc) {
      for (let k = i; k <= j; k++) out.push(fs[k]);
      i = j;
      continue;
    }
    changed = true;
    const outer = fs[j];
    for (let l: SourceLocation | null = loc; l; l = l.inlinedInto ?? null) {
      const named = l.function && !l.function.startsWith('wasm-function[');
      const frame: FrameMsg = {
        name: named ? l.function : l === loc ? f.name : outer.name,
        func: f.func,
        offset: f.offset,
        file: l.file || (l.line ? '' : f.file),
        line: l.line,
      };
      if (f.alloc || outer.alloc) frame.alloc = true;
      out.push(frame);
    }
    i = j;
  }
  return changed ? { ...site, frames: out.slice(0, LIMITS.maxFrames) } : site;
}

/** The loaded symbols of every module, by symbolKey; `version` changes with each file applied. */
export class SymbolOverrides {
  #symbols = new Map<string, LoadedSymbols>();
  #status = new Map<string, ModuleSymbols>();
  #asked = new Set<string>();
  #version = 0;

  constructor(private readonly storage: SymbolStorage = memorySymbolStorage()) {}

  get version(): number {
    return this.#version;
  }

  status(m: ModuleFacts): ModuleSymbols | undefined {
    return this.#status.get(symbolKey(m));
  }

  /** Reads and matches a file the user picked for module `m`; remembered when it matches. */
  load(m: ModuleFacts, fileName: string, bytes: Uint8Array, now = Date.now()): SymbolStatus {
    const status = this.#apply(m, fileName, bytes, false);
    if (status.ok) this.storage.save(symbolKey(m), { fileName, bytes, time: now }).catch(() => {});
    return status;
  }

  /** Looks once for a file remembered for `m`; `done` runs when one was applied. */
  restore(m: ModuleFacts, done: () => void): void {
    const key = symbolKey(m);
    if (this.#asked.has(key) || !m.code) return;
    this.#asked.add(key);
    this.storage.load(key).then(
      (file) => {
        if (!file || this.#symbols.has(key)) return;
        if (this.#apply(m, file.fileName, file.bytes, true).ok) done();
      },
      () => {},
    );
  }

  #apply(m: ModuleFacts, fileName: string, bytes: Uint8Array, remembered: boolean): SymbolStatus {
    const key = symbolKey(m);
    const name = fileName.slice(0, 256);
    const r = loadSymbolFile(bytes, name, m, demangle);
    const status: SymbolStatus = r.ok
      ? { fileName: name, ok: true, message: r.symbols.matched, kind: r.symbols.kind, remembered }
      : { fileName: name, ok: false, message: r.reason, remembered };
    this.#status.set(key, status.ok ? { applied: status } : { ...this.#status.get(key), refused: status });
    if (r.ok) {
      this.#symbols.set(key, r.symbols);
      this.#version++;
    }
    return status;
  }

  /** `site` (of module `m`) as shown: symbolized when a file is loaded for `m`, from the page's frames. */
  apply(m: ModuleFacts | undefined, site: SiteMsg): SiteMsg {
    const symbols = m ? this.#symbols.get(symbolKey(m)) : undefined;
    if (!symbols) return site;
    const original = originals.get(site) ?? site;
    const shown = symbolizeSite(original, symbols);
    if (shown !== original) originals.set(shown, original);
    return shown;
  }
}
