// Our messages on a hooked worker's own port: what cannot cross the workers'
// BroadcastChannel. Chromium delivers a SharedArrayBuffer posted on a
// BroadcastChannel as null, so a shared heap's log (shared-log.ts) goes to
// the thread that asked for it through the Worker object that started it.
// The worker's agent takes these messages before the page's script can see
// them (its listener is the first, and stops them).

/** The key of our messages on a worker's port. */
export const PORT_TAG = '__wasmLeaks:port';

/** The workers this context started hooked, by their agent's token (held weakly, at most MAX). */
export class WorkerPorts {
  private readonly byToken = new Map<string, WeakRef<Worker>>();
  private readonly post: (worker: Worker, data: unknown) => void;

  constructor(NativeWorker: typeof Worker) {
    // (the native method, kept: the page may replace Worker.prototype.postMessage later)
    const postMessage = NativeWorker.prototype.postMessage;
    this.post = (worker, data) => postMessage.call(worker, data);
  }

  started(token: string, worker: Worker): void {
    if (this.byToken.size >= 4096) for (const [k, ref] of this.byToken) if (ref.deref() === undefined) this.byToken.delete(k);
    this.byToken.set(token, new WeakRef(worker));
  }

  /** Posts `data` to the worker whose agent speaks as `token`; false when this context did not start it. */
  send(token: string, data: unknown): boolean {
    const worker = this.byToken.get(token)?.deref();
    if (!worker) return false;
    try {
      this.post(worker, { [PORT_TAG]: data });
      return true;
    } catch {
      return false;
    }
  }
}

/** Our part of a message that arrived on this worker's port, or undefined when it is the page's. */
export function portMessage(data: unknown): unknown {
  if (!data || typeof data !== 'object' || !Object.hasOwn(data, PORT_TAG)) return undefined;
  return (data as Record<string, unknown>)[PORT_TAG];
}
