// SharedWorkers, hooked like dedicated workers (worker-hook.ts): started from
// a blob: script that loads the agent first. The extension only runs in tabs
// being recorded, so this costs sharing only while a site is recorded:
// Chromium matches SharedWorkers by script URL and name, and a blob: URL is
// this document's own, so another tab that opens the same script gets its own
// copy (the panel says so on the hooked context; see context-note.ts).
// Within this document (and its same-origin frames, which share the top-most
// one's table: worker-hook.ts) sharing stays native: one blob: URL per (script
// URL, name), kept for the document's life, so every `new SharedWorker(url,
// name)` reaches the same worker. The page's own options go to the native constructor
// unchanged, so a construction with another type or credentials than the
// running worker gets Chromium's own error event, as it does natively.
// A script that throws as it first runs fires an ErrorEvent on the page's
// SharedWorker objects natively, one that fails to load or parse an Event
// (measured in Chromium); hooked, the bootstrap loaded, so it says which on
// the channel (worker-hook.ts firstRunErrors) and the page's objects of that
// worker get the same event, with the same message, file, line and column
// (not trusted: the one difference left). One that did not load closes, and
// the next construction tries again, as natively.

/** Distinct (script URL, name) pairs one document hooks; later ones start untouched and are listed. */
export const MAX_SHARED = 256;
/** SharedWorker objects per pair that a load failure is dispatched to (held weakly). */
const MAX_OBJECTS = 64;

/**
 * The name the SharedWorker constructor reads from its second argument: a
 * string (or anything not an object, as a string), or an options object's
 * `name`; null when reading it throws (the native constructor throws too).
 */
export function sharedWorkerName(options: unknown): string | null {
  try {
    if (options === undefined || options === null) return '';
    if (typeof options === 'object' || typeof options === 'function') {
      const name = (options as { name?: unknown }).name;
      return name === undefined ? '' : idlString(name);
    }
    return idlString(options);
  } catch {
    return null;
  }
}

/** Whether the options ask for a module worker (a string name never does). */
export function sharedWorkerIsModule(options: unknown): boolean {
  try {
    return typeof options === 'object' && options !== null && (options as { type?: unknown }).type === 'module';
  } catch {
    return false;
  }
}

/** What the worker's first run threw: the ErrorEvent's fields (null: it did not load, a plain Event). */
export interface FirstRunError {
  message: string;
  filename: string;
  lineno: number;
  colno: number;
}

/** Fires the error event on one SharedWorker object, with the constructors of its own realm. */
export type FireError = (worker: object, threw: FirstRunError | null) => void;

interface Entry {
  blob: string;
  token: string;
  objects: { ref: WeakRef<object>; fire: FireError }[];
}

/** This document's hooked SharedWorkers, by (script URL, name). */
export class SharedWorkerTable {
  private readonly byKey = new Map<string, Entry>();
  private readonly byToken = new Map<string, string>();

  constructor(private readonly revoke: (blob: string) => void) {}

  /** The blob: URL and token of the worker already started for this pair, if any. */
  get(url: string, name: string): { blob: string; token: string } | undefined {
    return this.byKey.get(key(url, name));
  }

  get full(): boolean {
    return this.byKey.size >= MAX_SHARED;
  }

  add(url: string, name: string, blob: string, token: string): void {
    this.byKey.set(key(url, name), { blob, token, objects: [] });
    this.byToken.set(token, key(url, name));
  }

  /** A SharedWorker object the page (this frame or a same-origin one) got for this pair, and how to fire its error. */
  constructed(url: string, name: string, worker: object, fire: FireError): void {
    const entry = this.byKey.get(key(url, name));
    if (!entry) return;
    if (entry.objects.length >= MAX_OBJECTS) entry.objects = entry.objects.filter((o) => o.ref.deref() !== undefined);
    if (entry.objects.length < MAX_OBJECTS) entry.objects.push({ ref: new WeakRef(worker), fire });
  }

  /** One message from the workers' channel: a hooked SharedWorker whose script failed to load. */
  receive(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const d = data as { from?: unknown; failed?: unknown; message?: unknown; filename?: unknown; lineno?: unknown; colno?: unknown };
    const { from, failed } = d;
    if (typeof from !== 'string' || (failed !== 'threw' && failed !== 'not loaded')) return;
    const k = this.byToken.get(from);
    const entry = k === undefined ? undefined : this.byKey.get(k);
    if (k === undefined || !entry) return;
    const objects = entry.objects;
    // (the objects that connected by now: later ones connect to a worker already running)
    entry.objects = [];
    if (failed === 'not loaded') {
      // The next construction tries the script again, as it does natively.
      this.byKey.delete(k);
      this.byToken.delete(from);
      this.revoke(entry.blob);
    }
    const threw: FirstRunError | null =
      failed === 'threw'
        ? { message: text(d.message), filename: text(d.filename), lineno: position(d.lineno), colno: position(d.colno) }
        : null;
    for (const { ref, fire } of objects) {
      const worker = ref.deref();
      if (worker) fire(worker, threw);
    }
  }
}

/** The channel is untrusted: a string of at most 10,000 characters, or ''. */
function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 10_000) : '';
}

function position(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 32 ? value : 0;
}

/** WebIDL's DOMString conversion: String(), which a symbol fails (as the constructor does). */
function idlString(value: unknown): string {
  if (typeof value === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
  return String(value);
}

function key(url: string, name: string): string {
  return `${url}\n${name}`;
}
