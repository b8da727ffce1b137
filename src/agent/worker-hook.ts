// Reaching workers. Content scripts never run in workers, so the agent goes in
// with the worker: `Worker` and `SharedWorker` are replaced (in the page, and
// `Worker` in each hooked worker for nested ones) by proxies that start the
// worker from a small blob: script which installs the URL shims
// (worker-shims.ts), loads the agent, then loads the page's own script with its
// own URL (`importScripts` for classic workers, `import()` for module workers).
// The hooked worker talks to the page's agent over a BroadcastChannel whose
// name is random per page load (context-relay.ts). SharedWorkers are kept one
// per (script URL, name) in the document (shared-worker-hook.ts).
//
// Chosen over chrome.debugger's auto-attach (which reaches every worker, even
// cross-origin ones, but needs the "debugger" permission and shows Chrome's
// "started debugging this browser" bar while recording) because it needs nothing
// beyond the MAIN-world script recording already injects. What it cannot reach
// is reported, and the page then gets the untouched worker:
// - a page whose CSP forbids blob: workers (the constructor throws: we catch it);
// - data: URL workers (they run in an opaque origin; ours would run in the page's);
// - a page that visibly has a CSP (see inheritedPolicy);
// - audio worklets (reported only: see AUDIO_WORKLET_REASON).
import { type FirstRunError, SharedWorkerTable, sharedWorkerIsModule, sharedWorkerName } from './shared-worker-hook';
import { replaceMethod } from './native-look';
import { workerShimsSource } from './worker-shims';

/** What a hooked worker reads first (as `self[BOOT_KEY]`), and deletes. */
export interface WorkerBoot {
  /** The BroadcastChannel to the page's agent. */
  channel: string;
  /** Names this worker's messages; the page maps it to a context number. */
  token: string;
  /** blob: URL of the agent's script (the page made it; valid while the page lives). */
  agent: string;
  /** The worker's own script, absolute. */
  url: string;
  kind: WorkerKind;
  /** The `name` option, if any. */
  name: string;
}

export type WorkerKind = 'worker' | 'module worker' | 'shared worker' | 'module shared worker';
export const BOOT_KEY = '__wasmLeaksWorker';

export interface WorkerHookOptions {
  channel: string;
  /** blob: URL of the agent's script. */
  agent: string;
  /** Base URL of relative script URLs: the document's, or in a worker its script's. */
  base(): string;
  /** A worker the hook let start untouched, and why. */
  unreached(kind: string, url: string, reason: string): void;
  /** Unique per worker started (crypto.randomUUID where it exists). */
  token(): string;
  /** A worker started hooked, by the token its agent speaks with (worker-ports.ts). */
  started?(token: string, worker: Worker): void;
  /** A worker started hooked was terminated by this context (`Worker.prototype.terminate`), by its agent's token. */
  ended?(token: string, how: 'terminated', time: number): void;
}

/**
 * Measured in Chromium: an AudioWorkletGlobalScope has no BroadcastChannel,
 * postMessage, timers, queueMicrotask, performance, URL or TextDecoder, only
 * the MessagePort of each AudioWorkletProcessor: the agent can neither run
 * there nor report out without a node of ours in the page's audio graph.
 */
export const AUDIO_WORKLET_REASON =
  'an audio worklet has no BroadcastChannel, postMessage, timers, URL or TextDecoder (only its processors’ ports): the agent cannot run or report there, so its modules run untouched';

/** Replaces `scope.Worker` and `scope.SharedWorker` so workers start with the agent, lists audio worklets; returns the undo. */
export function hookWorkers(scope: typeof globalThis, opts: WorkerHookOptions): () => void {
  const NativeWorker = scope.Worker;
  const NativeShared = scope.SharedWorker;
  const createObjectURL = URL.createObjectURL.bind(URL);
  const revokeObjectURL = URL.revokeObjectURL.bind(URL);
  const setTimer = scope.setTimeout.bind(scope);
  // The workers started hooked here, for terminate() (held weakly).
  const tokens = new WeakMap<object, string>();
  const undoTerminate = typeof NativeWorker === 'function' ? watchTerminate(scope, NativeWorker, tokens, opts) : () => {};
  if (typeof NativeWorker === 'function') {
    scope.Worker = stand(
      NativeWorker,
      new Proxy(NativeWorker, {
        construct(target, args, newTarget) {
          const started = start(target, args, newTarget);
          return started ?? Reflect.construct(target, args, newTarget);
        },
      }),
    );
  }
  const shared = typeof NativeShared === 'function' ? sharedWorkers(NativeShared) : null;
  if (shared) {
    scope.SharedWorker = stand(
      shared.native,
      new Proxy(shared.native, {
        construct(target, args, newTarget) {
          return shared.start(target, args, newTarget) ?? Reflect.construct(target, args, newTarget);
        },
      }),
    );
  }
  const undoWorklets = listAudioWorklets(scope, absolute, opts.unreached);
  return () => {
    undoTerminate();
    if (typeof NativeWorker === 'function') scope.Worker = stand(NativeWorker, NativeWorker);
    if (shared) {
      scope.SharedWorker = stand(shared.native, shared.native);
      shared.close();
    }
    undoWorklets();
  };

  function absolute(input: unknown): string | null {
    try {
      return new URL(String(input), opts.base()).href;
    } catch {
      return null;
    }
  }

  /** False (the reason reported) when a worker for `url` must start untouched; cross-origin ones throw natively. */
  function hookable(kind: WorkerKind, url: string, script: unknown): boolean {
    const inherited = inheritedPolicy(scope, script);
    if (inherited) {
      opts.unreached(kind, url, inherited);
      return false;
    }
    const parsed = new URL(url);
    if (parsed.protocol === 'data:') {
      opts.unreached(kind, url, 'data: URL workers run in an opaque origin; hooked, this one would run in the page’s');
      return false;
    }
    // Cross-origin scripts: the original throws a SecurityError, as it should.
    return parsed.protocol === 'blob:' || parsed.origin === new URL(opts.base()).origin;
  }

  function refused(kind: WorkerKind, url: string, error: unknown): void {
    opts.unreached(
      kind,
      url,
      `the browser refused to start it from a blob: URL, as a page's Content-Security-Policy without blob: in worker-src does (${String(error instanceof Error ? error.message : error).slice(0, 200)})`,
    );
  }

  /** The hooked worker, or null to start the original with the page's own arguments. */
  function start(target: typeof Worker, args: unknown[], newTarget: Function): Worker | null {
    if (args.length === 0) return null; // the original throws its own TypeError
    const url = absolute(args[0]);
    if (url === null) return null; // the original throws its own SyntaxError
    const options = args[1] as WorkerOptions | undefined;
    const kind: WorkerKind = options?.type === 'module' ? 'module worker' : 'worker';
    if (!hookable(kind, url, args[0])) return null;
    const boot: WorkerBoot = {
      channel: opts.channel,
      token: opts.token(),
      agent: opts.agent,
      url,
      kind,
      name: typeof options?.name === 'string' ? options.name : '',
    };
    const blob = createObjectURL(new Blob([bootstrap(boot)], { type: 'text/javascript' }));
    try {
      const worker = Reflect.construct(target, [blob, ...args.slice(1)], newTarget) as Worker;
      // The worker fetched its script when constructed; a moment later the blob can go.
      setTimer(() => revokeObjectURL(blob), 10_000);
      tokens.set(worker, boot.token);
      opts.started?.(boot.token, worker);
      return worker;
    } catch (error) {
      // (the original then runs with the page's own arguments and raises its own error, if any)
      revokeObjectURL(blob);
      refused(kind, url, error);
      return null;
    }
  }

  /**
   * SharedWorkers: one blob: URL per (script URL, name) for the document's
   * life (shared-worker-hook.ts). Same-origin frames of the tab share one
   * worker natively, so they share one table: the top-most same-origin
   * ancestor's (found through SHARED_REGISTRY), which makes the blob: URL in
   * its own document (it outlives its frames), and hears the worker's agent
   * on its own channel (the worker is that frame's context in the panel).
   */
  function sharedWorkers(native: typeof SharedWorker) {
    // (ours, kept: the page may replace them later)
    const dispatchEvent = EventTarget.prototype.dispatchEvent;
    const NativeEvent = Event;
    const NativeErrorEvent = ErrorEvent;
    // (a listener that throws is reported by the browser; dispatchEvent itself does not throw)
    const fire = (worker: object, threw: FirstRunError | null) => {
      const init = { cancelable: true };
      dispatchEvent.call(
        worker as EventTarget,
        threw ? new NativeErrorEvent('error', { ...init, ...threw, error: null }) : new NativeEvent('error', init),
      );
    };
    const own = sharedRegistry();
    try {
      Object.defineProperty(scope, SHARED_REGISTRY, { value: own, configurable: true, enumerable: false, writable: false });
    } catch {
      /* a frozen global: this frame keeps its own table */
    }
    return {
      native,
      close: () => {
        own.close();
        try {
          if ((scope as unknown as Record<symbol, unknown>)[SHARED_REGISTRY] === own)
            delete (scope as unknown as Record<symbol, unknown>)[SHARED_REGISTRY];
        } catch {
          /* left as it is */
        }
      },
      start(target: typeof SharedWorker, args: unknown[], newTarget: Function): SharedWorker | null {
        if (args.length === 0) return null;
        const url = absolute(args[0]);
        const name = sharedWorkerName(args[1]);
        if (url === null || name === null) return null;
        const kind: WorkerKind = sharedWorkerIsModule(args[1]) ? 'module shared worker' : 'shared worker';
        if (!hookable(kind, url, args[0])) return null;
        const registry = ownerRegistry(scope) ?? own;
        const known = registry.get(url, name);
        const made = known ? null : registry.make(url, name, kind);
        const use = known ?? made;
        if (!use) {
          opts.unreached(kind, url, 'more than 256 shared workers in this document: later ones are not followed');
          return null;
        }
        try {
          const worker = Reflect.construct(target, [use.blob, ...args.slice(1)], newTarget) as SharedWorker;
          if (made) registry.add(url, name, made);
          registry.constructed(url, name, worker, fire);
          return worker;
        } catch (error) {
          if (made) {
            registry.discard(made);
            // (a TypeError is the page's own options refused: the original raises it again)
            if (!(error instanceof TypeError)) refused(kind, url, error);
          }
          return null;
        }
      },
    };
  }

  /** This frame's table, for itself and its same-origin frames: its blob: URLs, tokens and channel. */
  function sharedRegistry(): SharedRegistry {
    const table = new SharedWorkerTable(revokeObjectURL);
    // Our own end of the channel, for failed starts (opened with the first hooked SharedWorker).
    let channel: BroadcastChannel | null = null;
    return {
      get: (url, name) => table.get(url, name),
      make(url, name, kind) {
        if (table.full) return null;
        const token = opts.token();
        const boot: WorkerBoot = { channel: opts.channel, token, agent: opts.agent, url, kind, name };
        return { blob: createObjectURL(new Blob([bootstrap(boot)], { type: 'text/javascript' })), token };
      },
      add(url, name, made) {
        if (!channel && typeof scope.BroadcastChannel === 'function') {
          channel = new scope.BroadcastChannel(opts.channel);
          channel.addEventListener('message', (event: MessageEvent) => table.receive(event.data));
        }
        table.add(url, name, made.blob, made.token);
      },
      discard: (made) => revokeObjectURL(made.blob),
      constructed: (url, name, worker, fire) => table.constructed(url, name, worker, fire),
      close: () => channel?.close(),
    };
  }
}

/** Where a frame's hook leaves its SharedWorker table for its same-origin frames (not enumerable). */
const SHARED_REGISTRY = Symbol.for('wasm-leaks.shared-workers');

interface SharedRegistry {
  get(url: string, name: string): { blob: string; token: string } | undefined;
  /** A new blob: bootstrap for this pair, or null when the table is full. */
  make(url: string, name: string, kind: WorkerKind): { blob: string; token: string } | null;
  add(url: string, name: string, made: { blob: string; token: string }): void;
  discard(made: { blob: string; token: string }): void;
  constructed(url: string, name: string, worker: object, fire: (worker: object, threw: FirstRunError | null) => void): void;
  close(): void;
}

/**
 * The table of the top-most ancestor frame of the same origin that has one
 * (up to the first cross-origin ancestor: past it, Chromium partitions
 * storage, and SharedWorkers, apart), or null when no ancestor has one.
 */
function ownerRegistry(scope: typeof globalThis): SharedRegistry | null {
  let found: SharedRegistry | null = null;
  try {
    const origin = (scope as unknown as Window).location?.origin;
    let w = scope as unknown as Window;
    for (let depth = 0; depth < 64 && w.parent && w.parent !== w; depth++) {
      w = w.parent;
      if (w.location.origin !== origin) break; // (a cross-origin ancestor throws here instead)
      const registry = (w as unknown as Record<symbol, unknown>)[SHARED_REGISTRY];
      if (registry && typeof registry === 'object') found = registry as SharedRegistry;
    }
  } catch {
    /* a cross-origin ancestor: stop there */
  }
  return found;
}

/**
 * `Worker.prototype.terminate` as a stand-in (name, length, descriptor and
 * toString stay native) that, for a worker this context started hooked, says
 * it ended after the native call: a terminated worker cannot say it itself.
 * Returns the undo.
 */
function watchTerminate(
  scope: typeof globalThis,
  NativeWorker: typeof Worker,
  tokens: WeakMap<object, string>,
  opts: WorkerHookOptions,
): () => void {
  const ended = opts.ended;
  if (!ended) return () => {};
  const perf = scope.performance;
  return replaceMethod(NativeWorker.prototype, 'terminate', (native, self, args) => {
    const result = Reflect.apply(native, self, args); // (a wrong receiver throws here, natively)
    const token = self !== null && typeof self === 'object' ? tokens.get(self) : undefined;
    if (token !== undefined) {
      tokens.delete(self as object);
      try {
        ended(token, 'terminated', perf.timeOrigin + perf.now());
      } catch {
        /* the page never sees our failure */
      }
    }
    return result;
  });
}

/** Lists each module an AudioWorklet is given as not tracked (AUDIO_WORKLET_REASON); returns the undo. */
function listAudioWorklets(
  scope: typeof globalThis,
  absolute: (input: unknown) => string | null,
  unreached: (kind: string, url: string, reason: string) => void,
): () => void {
  const g = scope as unknown as { Worklet?: { prototype: object }; AudioWorklet?: Function };
  const proto = g.Worklet?.prototype;
  const AudioWorklet = g.AudioWorklet;
  if (!proto || typeof AudioWorklet !== 'function') return () => {};
  return replaceMethod(proto, 'addModule', (native, self, args) => {
    try {
      if (self instanceof AudioWorklet) unreached('audio worklet', (args.length > 0 && absolute(args[0])) || '', AUDIO_WORKLET_REASON);
    } catch {
      /* a page's odd Symbol.hasInstance: list nothing */
    }
    return Reflect.apply(native, self, args);
  });
}

/**
 * `proxy` in the place of `native`: a proxy keeps the name, length, prototype
 * and native `toString`; the prototype's `constructor` is pointed at it too, so
 * `Worker.prototype.constructor === Worker` holds as it does natively.
 */
function stand<T extends Function>(native: T, proxy: T): T {
  try {
    Object.defineProperty(native.prototype, 'constructor', { value: proxy, writable: true, enumerable: false, configurable: true });
  } catch {
    /* a frozen prototype: `constructor` stays the native one */
  }
  return proxy;
}

/**
 * A blob: worker inherits the page's Content-Security-Policy, where the
 * page's own worker gets its script's (usually none): hooked, it could be
 * refused what it does natively (a string passed to importScripts under
 * Trusted Types, a fetch outside the page's connect-src). So a worker is left
 * alone where the page visibly has a policy: it passed a TrustedScriptURL
 * (the page uses Trusted Types), or the document has a CSP <meta>. A policy sent
 * only as an HTTP header cannot be seen from the page; see docs/ARCHITECTURE.md.
 */
function inheritedPolicy(scope: typeof globalThis, script: unknown): string {
  const why = 'a hooked worker would inherit the page’s Content-Security-Policy, which its own script does not have';
  const Trusted = (scope as { TrustedScriptURL?: Function }).TrustedScriptURL;
  // Passed a TrustedScriptURL: the page uses Trusted Types, enforced or not
  // (report-only cannot be told apart from the page): left alone either way.
  if (Trusted && script instanceof Trusted) return `the page uses Trusted Types: ${why}`;
  const doc = (scope as { document?: Document }).document;
  if (doc?.querySelector('meta[http-equiv="Content-Security-Policy" i]')) return `the page sets a Content-Security-Policy: ${why}`;
  return '';
}

/**
 * The worker's first script: shims, agent, then the page's script. If the
 * agent cannot load (a CSP allowing blob: workers but not blob: scripts), the
 * page's script still runs, and the page is told why this worker is not seen.
 */
export function bootstrap(boot: WorkerBoot): string {
  const b = JSON.stringify(boot);
  const url = JSON.stringify(boot.url);
  const failed = `function(e){try{delete self.${BOOT_KEY}}catch(_){}${say(boot, `unreached:{kind:${JSON.stringify(boot.kind)},url:${url},reason:'the agent could not load in the worker: '+String(e&&e.message||e).slice(0,200)}`)}}`;
  const shims = `(${workerShimsSource})(self,${url});`;
  const shared = boot.kind === 'shared worker' || boot.kind === 'module shared worker';
  const watch = shared ? firstRunErrors(boot) : '';
  const watched = shared ? 'self.removeEventListener("error",firstRun);' : '';
  if (boot.kind === 'module worker' || boot.kind === 'module shared worker') {
    // A module worker's messages (a shared one's connections) are dispatched
    // as soon as its script starts, and this one waits for two imports before
    // the page's script has set its handlers: events that arrive meanwhile
    // are held, then dispatched again in order once that script has run
    // (natively, its handlers exist by then).
    const events = shared ? ['message', 'connect'] : ['message'];
    const each = (method: string) => events.map((type) => `self.${method}(${JSON.stringify(type)},hold);`).join('');
    return (
      `self.${BOOT_KEY}=${b};${shims}${watch}\n` +
      `const held=[],hold=(e)=>{e.stopImmediatePropagation();held.push(e)};${each('addEventListener')}\n` +
      `try{await import(${JSON.stringify(boot.agent)})}catch(e){(${failed})(e)}\n` +
      `try{await import(${url});${watched}}finally{${each('removeEventListener')}` +
      'for(const e of held)self.dispatchEvent(new MessageEvent(e.type,{data:e.data,origin:e.origin,lastEventId:e.lastEventId,source:e.source,ports:[...e.ports]}))}\n'
    );
  }
  return `self.${BOOT_KEY}=${b};${shims}${watch}\ntry{importScripts(${JSON.stringify(boot.agent)})}catch(e){(${failed})(e)}\nimportScripts(${url});${watched}\n`;
}

/** Source that posts `fields` (an object literal's body) on the page's channel, as this worker. */
function say(boot: WorkerBoot, fields: string): string {
  return `try{new BroadcastChannel(${JSON.stringify(boot.channel)}).postMessage({from:${JSON.stringify(boot.token)},${fields}})}catch(_){}`;
}

/**
 * A SharedWorker's script that throws as it first runs fires an ErrorEvent
 * (message, file, line, column) on the page's SharedWorker objects natively,
 * and one that fails to load or parse a plain Event (measured in Chromium).
 * Hooked, a classic worker's exception leaves the bootstrap and Chromium fires
 * the ErrorEvent itself; a module worker's leaves it as a rejected top-level
 * await, which Chromium does not forward, and a failed load would be an
 * ErrorEvent. So the bootstrap watches the worker's own `error` event until
 * the page's script has run, cancels those two (the page is not sent
 * Chromium's) and says on the channel ({from, failed: 'threw' | 'not loaded',
 * message, filename, lineno, colno}) what the page fires instead
 * (shared-worker-hook.ts). One that did not load closes, so the next
 * construction tries again, as natively.
 */
function firstRunErrors(boot: WorkerBoot): string {
  const module = boot.kind === 'module shared worker';
  const loadFailed = module
    ? `m.includes(${JSON.stringify(`Failed to fetch dynamically imported module: ${boot.url}`)})`
    : `m.includes(${JSON.stringify(`The script at '${boot.url}' failed to load`)})`;
  const parseFailed = `(m.startsWith("Uncaught SyntaxError")&&e.filename===${JSON.stringify(boot.url)})`;
  return (
    'const firstRun=(e)=>{self.removeEventListener("error",firstRun);' +
    `const m=String(e.message),gone=${loadFailed}||${parseFailed};` +
    `if(!gone&&!${module})return;e.preventDefault();` +
    say(boot, "failed:gone?'not loaded':'threw',message:m,filename:String(e.filename),lineno:e.lineno,colno:e.colno") +
    'if(gone)self.close()};self.addEventListener("error",firstRun);'
  );
}
