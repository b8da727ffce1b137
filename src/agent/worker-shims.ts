// A hooked worker runs from a blob: URL (see worker-hook.ts), so its own
// location and the base of its relative URLs would be the blob's, not its
// script's: emscripten finds its .wasm from `self.location.href`, code fetches
// 'x.wasm' relative to the worker. These shims give the worker its script's URL
// back for everything the worker can resolve a URL through.
//
// `workerShims` is sent into the worker as source text (workerShimsSource) and
// runs before the agent and the page's script, so it must not reference
// anything outside its own body: no imports, no helpers, plain ES2020.

/** Installs the shims on `scope` (a WorkerGlobalScope) for the script at `url`. */
export function workerShims(scope: Record<string, unknown>, url: string): void {
  const resolve = (input: unknown): unknown => {
    if (typeof input !== 'string') return input;
    try {
      return new URL(input, url).href;
    } catch {
      return input; // let the original raise its own error
    }
  };
  // A proxy keeps the original's name, length, prototype and `toString`
  // (V8 prints a proxied function as native code), so the page sees no change.
  const wrapConstruct = (name: string): void => {
    const original = scope[name];
    if (typeof original !== 'function') return;
    const proxy = new Proxy(original, {
      construct(target, args, newTarget) {
        if (args.length > 0) args[0] = resolve(args[0]);
        return Reflect.construct(target, args, newTarget);
      },
    });
    scope[name] = proxy;
    // `Request.prototype.constructor === Request`, as natively.
    try {
      Object.defineProperty(original.prototype, 'constructor', { value: proxy, writable: true, enumerable: false, configurable: true });
    } catch {
      /* frozen: stays the original */
    }
  };
  const wrapCall = (holder: Record<string, unknown>, name: string, index: number): void => {
    const original = holder[name];
    if (typeof original !== 'function') return;
    holder[name] = new Proxy(original, {
      apply(target, self, args) {
        if (args.length > index) args[index] = resolve(args[index]);
        return Reflect.apply(target, self, args);
      },
    });
  };
  try {
    const location = new URL(url);
    Object.defineProperty(scope, 'location', { configurable: true, enumerable: true, get: () => location });
  } catch {
    /* not a URL: the worker keeps the blob's location */
  }
  wrapCall(scope, 'fetch', 0);
  const importScripts = scope.importScripts;
  if (typeof importScripts === 'function') {
    scope.importScripts = new Proxy(importScripts, {
      apply(target, self, args) {
        return Reflect.apply(target, self, args.map(resolve));
      },
    });
  }
  for (const name of ['Request', 'EventSource', 'WebSocket']) wrapConstruct(name);
  const xhr = scope.XMLHttpRequest as { prototype?: Record<string, unknown> } | undefined;
  if (xhr?.prototype) wrapCall(xhr.prototype, 'open', 1);
}

/** The function's source, to run in a worker before anything else. */
export const workerShimsSource = workerShims.toString();
