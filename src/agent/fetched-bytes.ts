// Where a module's bytes came from when the page fetched them itself and
// passed the buffer: `fetch(url)` → `response.arrayBuffer()` →
// `WebAssembly.instantiate(buffer)` (emscripten's side modules under dynamic
// linking, its fallback when streaming is refused, wasm-bindgen's when the
// server's Content-Type is not application/wasm, many hand-written loaders).
// While hooked, Response.prototype.arrayBuffer notes the URL of each buffer it
// resolves with, so such a module is named by its URL instead of '(bytes)'.
// Weakly held: the page's buffers stay the page's to drop.
import { nativeLike } from './native-look';

const urls = new WeakMap<ArrayBuffer, string>();

/** The URL `source` was fetched from: a fetched buffer, or a view of all of one; else null. */
export function fetchedUrl(source: unknown): string | null {
  let buffer: unknown = null;
  if (source instanceof ArrayBuffer) buffer = source;
  else if (ArrayBuffer.isView(source) && source.byteOffset === 0 && source.byteLength === source.buffer.byteLength) buffer = source.buffer;
  return buffer instanceof ArrayBuffer ? (urls.get(buffer) ?? null) : null;
}

/**
 * The global Response when it is already there: a data property of the global
 * object (browsers, workers). Never through a lazy getter: Node's loads undici
 * on first access, which instantiates its own wasm (llhttp) under our hooks; a
 * Node process that has not used fetch has fetched no bytes to name anyway.
 */
export function loadedResponse(): typeof Response | null {
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  const ctor: unknown = desc && 'value' in desc ? desc.value : undefined;
  return typeof ctor === 'function' && typeof (ctor as typeof Response).prototype?.arrayBuffer === 'function'
    ? (ctor as typeof Response)
    : null;
}

/**
 * A stand-in for Response.prototype.arrayBuffer (`native`): the native's own
 * promise, then the buffer noted with the response's URL. A receiver that is
 * not a Response gets the native's rejection untouched.
 */
export function notingArrayBuffer(native: Response['arrayBuffer']): Response['arrayBuffer'] {
  return nativeLike(native, (self, args) => {
    const read = Reflect.apply(native, self, args) as Promise<ArrayBuffer>;
    let url = '';
    try {
      url = (self as Response).url;
    } catch {
      return read;
    }
    if (!url) return read;
    return read.then((buffer) => {
      urls.set(buffer, url);
      return buffer;
    });
  });
}
