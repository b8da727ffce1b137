// The page's half of the rewrite worker (rewrite-worker.ts): big modules that
// reach an async entry point (compile, compileStreaming, instantiate with
// bytes, instantiateStreaming) are rewritten and compiled there, so the page's
// main thread is not blocked by the rewriter (issue 15: a 32 MB module held it
// for seconds). Small modules, the synchronous entry points and pages where no
// worker can be started are rewritten in the page as before.
//
// The worker starts on the first big module and lives as long as the page.
// Bytes are transferred (never copied), and only to a worker that said it is
// ready: one refused by the page's Content-Security-Policy (the constructor
// throws, or the script never runs) leaves the bytes here, and the page
// rewrites them itself from then on.
import type { InstrumentOutcome } from './types';
import { type RewriteFailed, type RewriteReply, type RewriteRequest, fromWire } from './rewrite-wire';

/** The rewrite worker's `name` (the worker agent's script serves rewrites when started with it and no bootstrap). */
export const REWRITER_NAME = 'wasm-leaks rewriter';

/** What the page's side needs of a Worker. */
export interface WorkerLike {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'error', fn: (event: { data?: unknown }) => void): void;
  terminate(): void;
}

export interface RewriteClientOptions {
  /** Starts the worker; throws or returns null where none can be had. */
  start(): WorkerLike | null;
  setTimer(fn: () => void, ms: number): unknown;
  /** Modules smaller than this are rewritten in the page (a few ms; a worker would only add latency). */
  minBytes: number;
  /** The modules being rewritten there, whenever that list changes (the panel shows them). */
  onPending?(modules: { name: string; size: number }[]): void;
}

/** A module rewritten and compiled in the worker, its outcome rebuilt for the page agent. */
export type Offloaded = Omit<RewriteReply, 't' | 'id' | 'outcome'> & { outcome: InstrumentOutcome | null };

/** The worker was not used after all: the bytes (still the page's, or sent back) are to be rewritten here. */
export interface Declined {
  here: Uint8Array<ArrayBuffer>;
}

/** How long a starting worker may take to say it is ready before the page gives up on it. */
const READY_MS = 10_000;
/** How long one module may take there before its call fails (the worker is presumed dead). */
const ANSWER_MS = 180_000;
/** Modules whose progress the panel is told about at once. */
const MAX_PENDING = 64;

interface Waiting {
  resolve(value: Offloaded | Declined): void;
  reject(error: Error): void;
  name: string;
  size: number;
}

export class RewriteClient {
  private worker: WorkerLike | null = null;
  private state: 'idle' | 'starting' | 'ready' | 'broken' = 'idle';
  private readyWaiters: (() => void)[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(private readonly opts: RewriteClientOptions) {}

  /** Whether rewrites go to the worker (false once it could not be started). */
  get usable(): boolean {
    return this.state !== 'broken';
  }

  /**
   * Rewrites and compiles `bytes` in the worker, or returns null to have the
   * page do it (small module, no worker). The bytes are transferred: the
   * caller uses the ones it gets back.
   */
  rewrite(bytes: Uint8Array<ArrayBuffer>, name: string, mark: string | null): Promise<Offloaded | Declined> | null {
    if (bytes.byteLength < this.opts.minBytes || this.state === 'broken') return null;
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) return null; // (a view: transferring would take the rest)
    return this.whenReady().then((ok) => (ok ? this.send(bytes, name, mark) : { here: bytes }));
  }

  private whenReady(): Promise<boolean> {
    if (this.state === 'ready') return Promise.resolve(true);
    if (this.state === 'broken') return Promise.resolve(false);
    const ready = new Promise<boolean>((resolve) => this.readyWaiters.push(() => resolve(this.state === 'ready')));
    if (this.state === 'idle') this.startWorker();
    return ready;
  }

  private settle(state: 'ready' | 'broken'): void {
    if (this.state !== 'starting') return;
    this.state = state;
    if (state === 'broken') {
      try {
        this.worker?.terminate();
      } catch {
        /* already gone */
      }
      this.worker = null;
    }
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private startWorker(): void {
    this.state = 'starting';
    try {
      this.worker = this.opts.start();
    } catch {
      this.worker = null;
    }
    const worker = this.worker;
    if (!worker) return this.settle('broken');
    worker.addEventListener('message', (event) => this.receive(event.data));
    // Before ready: its script did not load (a CSP refusing blob: workers, or
    // wasm in them). After: a failure of ours inside it, answered per request.
    worker.addEventListener('error', () => this.settle('broken'));
    this.opts.setTimer(() => this.settle('broken'), READY_MS);
  }

  private send(bytes: Uint8Array<ArrayBuffer>, name: string, mark: string | null): Promise<Offloaded | Declined> {
    const id = this.nextId++;
    const size = bytes.byteLength; // (0 once transferred)
    return new Promise<Offloaded | Declined>((resolve, reject) => {
      const req: RewriteRequest = { t: 'rewrite', id, bytes, mark };
      try {
        this.worker!.postMessage(req, [bytes.buffer]);
      } catch {
        // (not sent, so not transferred: the bytes are still here)
        return resolve({ here: bytes });
      }
      this.waiting.set(id, { resolve, reject, name, size });
      this.pendingChanged();
      this.opts.setTimer(() => {
        if (!this.waiting.delete(id)) return;
        this.pendingChanged();
        reject(new Error('WebAssembly: the module was lost (the extension’s rewrite worker stopped answering)'));
      }, ANSWER_MS);
    });
  }

  private receive(data: unknown): void {
    const msg = data as RewriteReply | RewriteFailed | { t: 'ready' } | null;
    if (!msg || typeof msg !== 'object') return;
    if (msg.t === 'ready') return this.settle('ready');
    const w = this.waiting.get(msg.id);
    if (!w) return;
    this.waiting.delete(msg.id);
    this.pendingChanged();
    if (msg.t === 'failed') return w.resolve({ here: msg.original });
    try {
      w.resolve({
        original: msg.original,
        module: msg.module,
        marked: msg.marked,
        outcome: msg.outcome ? fromWire(msg.outcome) : null,
        refused: msg.refused,
        rewritten: msg.rewritten,
        rewrittenError: msg.rewrittenError,
      });
    } catch {
      w.resolve({ here: msg.original });
    }
  }

  private pendingChanged(): void {
    if (!this.opts.onPending) return;
    const list: { name: string; size: number }[] = [];
    for (const w of this.waiting.values()) {
      if (list.length >= MAX_PENDING) break;
      list.push({ name: w.name, size: w.size });
    }
    try {
      this.opts.onPending(list);
    } catch {
      /* never let bookkeeping break the page */
    }
  }
}
