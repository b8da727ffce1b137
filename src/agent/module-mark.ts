// A module compiled in one context and instantiated in another (emscripten
// pthreads compile on the main thread and post the Module to each worker): the
// receiving context never saw its bytes, so it cannot rewrite it. The context
// that compiled it appends a custom section naming it with a random id (custom
// sections may come last; code offsets do not move), and the receiver asks for
// the bytes by that id over the workers' channel (extension/page/main.ts and
// worker.ts). Only modules the rewriter parsed whole are marked, so appending
// can never change how malformed bytes fail.

import { pushName, pushU32 } from '../wasm/leb128';

export const MARK_SECTION = 'wasm-leaks.id';

/** `bytes` with a custom section MARK_SECTION holding `id` (ASCII) appended. */
export function withMark(bytes: Uint8Array, id: string): Uint8Array<ArrayBuffer> {
  const body: number[] = [];
  pushName(body, MARK_SECTION);
  body.push(...new TextEncoder().encode(id));
  const section = [0];
  pushU32(section, body.length);
  section.push(...body);
  const out = new Uint8Array(bytes.length + section.length);
  out.set(bytes);
  out.set(section, bytes.length);
  return out;
}

/** The id a module was marked with, or null. */
export function markOf(module: WebAssembly.Module, customSections: (m: WebAssembly.Module, name: string) => ArrayBuffer[]): string | null {
  try {
    const found = customSections(module, MARK_SECTION);
    if (found.length !== 1 || found[0].byteLength > 64) return null;
    return new TextDecoder().decode(found[0]);
  } catch {
    return null;
  }
}

/** Modules this context compiled, by mark, held weakly; bounded by pruning the dead. */
export class MarkedModules<T extends object> {
  private readonly byId = new Map<string, WeakRef<T>>();

  add(id: string, value: T): void {
    if (this.byId.size >= 256) for (const [k, ref] of this.byId) if (ref.deref() === undefined) this.byId.delete(k);
    this.byId.set(id, new WeakRef(value));
  }

  get(id: string): T | undefined {
    return this.byId.get(id)?.deref();
  }
}
