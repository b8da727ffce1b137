// Reaching workers. Content scripts never run in workers, so the agent goes in
// with the worker: `Worker` is replaced (in the page, and in each hooked worker
// for nested ones) by a proxy that starts the worker from a small blob: script
// which installs the URL shims (worker-shims.ts), loads the agent, then loads
// the page's own script with its own URL (`importScripts` for classic workers,
// `import()` for module workers). The hooked worker talks to the page's agent
// over a BroadcastChannel whose name is random per page load (context-relay.ts).
//
// Chosen over chrome.debugger's auto-attach (which reaches every worker, even
// cross-origin ones, but needs the "debugger" permission and shows Chrome's
// "started debugging this browser" bar while recording) because it needs nothing
// beyond the MAIN-world script recording already injects. What it cannot reach
// is reported, and the page then gets the untouched worker:
// - a page whose CSP forbids blob: workers (the constructor throws: we catch it);
// - data: URL workers (they run in an opaque origin; ours would run in the page's);
// - SharedWorker: a blob: URL is unique to this page, so the same worker would
//   no longer be shared with the site's other tabs.
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

export type WorkerKind = 'worker' | 'module worker';
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
}

/** Replaces `scope.Worker` (and reports `SharedWorker`s) so workers start with the agent; returns the undo. */
export function hookWorkers(scope: typeof globalThis, opts: WorkerHookOptions): () => void {
  const NativeWorker = scope.Worker;
  const NativeShared = scope.SharedWorker;
  const createObjectURL = URL.createObjectURL.bind(URL);
  const revokeObjectURL = URL.revokeObjectURL.bind(URL);
  const setTimer = scope.setTimeout.bind(scope);
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
  if (typeof NativeShared === 'function') {
    scope.SharedWorker = stand(
      NativeShared,
      new Proxy(NativeShared, {
        construct(target, args, newTarget) {
          const url = absolute(args[0]);
          if (url)
            opts.unreached(
              'shared worker',
              url,
              'a SharedWorker is shared between the tabs of a site; hooking it would give this tab its own copy',
            );
          return Reflect.construct(target, args, newTarget);
        },
      }),
    );
  }
  return () => {
    if (typeof NativeWorker === 'function') scope.Worker = stand(NativeWorker, NativeWorker);
    if (typeof NativeShared === 'function') scope.SharedWorker = stand(NativeShared, NativeShared);
  };

  function absolute(input: unknown): string | null {
    try {
      return new URL(String(input), opts.base()).href;
    } catch {
      return null;
    }
  }

  /** The hooked worker, or null to start the original with the page's own arguments. */
  function start(target: typeof Worker, args: unknown[], newTarget: Function): Worker | null {
    const url = absolute(args[0]);
    if (url === null) return null; // the original throws its own SyntaxError
    const options = args[1] as WorkerOptions | undefined;
    const kind: WorkerKind = options?.type === 'module' ? 'module worker' : 'worker';
    const parsed = new URL(url);
    const inherited = inheritedPolicy(scope, args[0]);
    if (inherited) {
      opts.unreached(kind, url, inherited);
      return null;
    }
    if (parsed.protocol === 'data:') {
      opts.unreached(kind, url, 'data: URL workers run in an opaque origin; hooked, this one would run in the page’s');
      return null;
    }
    // Cross-origin scripts: the original throws a SecurityError, as it should.
    if (parsed.protocol !== 'blob:' && parsed.origin !== new URL(opts.base()).origin) return null;
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
      opts.started?.(boot.token, worker);
      return worker;
    } catch (error) {
      // (the original then runs with the page's own arguments and raises its own error, if any)
      revokeObjectURL(blob);
      opts.unreached(
        kind,
        url,
        `the browser refused to start it from a blob: URL, as a page's Content-Security-Policy without blob: in worker-src does (${String(error instanceof Error ? error.message : error).slice(0, 200)})`,
      );
      return null;
    }
  }
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
  const failed = `function(e){try{delete self.${BOOT_KEY};new BroadcastChannel(${JSON.stringify(boot.channel)}).postMessage({from:${JSON.stringify(boot.token)},unreached:{kind:${JSON.stringify(boot.kind)},url:${url},reason:'the agent could not load in the worker: '+String(e&&e.message||e).slice(0,200)}})}catch(_){}}`;
  const shims = `(${workerShimsSource})(self,${url});`;
  if (boot.kind === 'module worker') {
    // A module worker's messages are dispatched as soon as its script starts,
    // and this one waits for two imports before the page's script has set its
    // handlers: messages that arrive meanwhile are held, then dispatched again
    // in order once that script has run (natively, its handlers exist by then).
    return (
      `self.${BOOT_KEY}=${b};${shims}\n` +
      'const held=[],hold=(e)=>{e.stopImmediatePropagation();held.push(e)};self.addEventListener("message",hold);\n' +
      `try{await import(${JSON.stringify(boot.agent)})}catch(e){(${failed})(e)}\n` +
      `try{await import(${url})}finally{self.removeEventListener("message",hold);` +
      'for(const e of held)self.dispatchEvent(new MessageEvent("message",{data:e.data,origin:e.origin,lastEventId:e.lastEventId,ports:[...e.ports]}))}\n'
    );
  }
  return `self.${BOOT_KEY}=${b};${shims}\ntry{importScripts(${JSON.stringify(boot.agent)})}catch(e){(${failed})(e)}\nimportScripts(${url});\n`;
}
