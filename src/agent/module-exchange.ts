// Modules compiled in one context and instantiated in another (module-mark.ts):
// every context on the workers' BroadcastChannel answers for the modules it
// marked, and asks the others for the ones it did not compile. Messages:
//   { from: token, want: id }                       who compiled module `id`?
//   { to: token, have: id, bytes, name[, log: 1] }  its original bytes, to the asker
// A module on a shared memory also has a log its threads write to
// (shared-log.ts), a SharedArrayBuffer, which a BroadcastChannel does not
// carry (Chromium delivers it as null): it goes on the asking worker's own
// port (worker-ports.ts) as { have: id, log }, and `log: 1` says to wait for it.
// The channel is as untrusted as the page: answers are checked and bounded,
// and a module nobody answers for within ANSWER_MS instantiates untracked.

export interface ForeignModule {
  bytes: Uint8Array<ArrayBuffer>;
  name: string;
  /** A SharedArrayBuffer (checked where it is used: SharedLog.from). */
  log?: SharedArrayBuffer;
}

const ANSWER_MS = 10_000;
const MAX_BYTES = 1 << 30;

export class ModuleExchange {
  private readonly pending = new Map<string, ((found: ForeignModule | null) => void)[]>();
  /** Answers waiting for their log on this worker's port, and logs that came first. */
  private readonly awaitingLog = new Map<string, ForeignModule>();
  private readonly logs = new Map<string, SharedArrayBuffer>();

  constructor(
    /** This context's token on the channel. */
    private readonly token: string,
    private readonly send: (data: unknown) => void,
    /** A module this context compiled and marked. */
    private readonly lookup: (id: string) => ForeignModule | null,
    private readonly setTimer: (fn: () => void, ms: number) => unknown,
    /** Posts to the port of the worker speaking as `token` (a worker this context started); false when it cannot. */
    private readonly toPort: (token: string, data: unknown) => boolean = () => false,
  ) {}

  /** The bytes of module `id`, from the context that compiled it; null when none answers. */
  request(id: string): Promise<ForeignModule | null> {
    return new Promise((resolve) => {
      const waiting = this.pending.get(id);
      if (waiting) return waiting.push(resolve);
      this.pending.set(id, [resolve]);
      this.send({ from: this.token, want: id });
      this.setTimer(() => this.settle(id, null), ANSWER_MS);
    });
  }

  /** One message from the channel; true when it was the exchange's. */
  receive(data: unknown): boolean {
    if (!data || typeof data !== 'object') return false;
    const d = data as { from?: unknown; want?: unknown; to?: unknown; have?: unknown; bytes?: unknown; name?: unknown; log?: unknown };
    if (typeof d.want === 'string') {
      if (typeof d.from === 'string' && d.from !== this.token) {
        const found = this.lookup(d.want);
        if (found) {
          const log = found.log !== undefined && this.toPort(d.from, { have: d.want, log: found.log });
          this.send({ to: d.from, have: d.want, bytes: found.bytes.slice().buffer, name: found.name, ...(log ? { log: 1 } : {}) });
        }
      }
      return true;
    }
    if (typeof d.have === 'string') {
      if (d.to === this.token && d.bytes instanceof ArrayBuffer && d.bytes.byteLength <= MAX_BYTES && typeof d.name === 'string') {
        const found: ForeignModule = { bytes: new Uint8Array(d.bytes), name: d.name.slice(0, 2000) };
        const log = this.logs.get(d.have);
        if (log) found.log = log;
        if (d.log === 1 && !log && this.pending.has(d.have)) this.awaitingLog.set(d.have, found);
        else this.settle(d.have, found);
      }
      return true;
    }
    return false;
  }

  /** Our message on this worker's port (worker-ports.ts): a shared heap's log. */
  receivePort(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const d = data as { have?: unknown; log?: unknown };
    if (typeof d.have !== 'string' || typeof SharedArrayBuffer !== 'function' || !(d.log instanceof SharedArrayBuffer)) return;
    const found = this.awaitingLog.get(d.have);
    if (found) {
      found.log = d.log;
      this.settle(d.have, found);
    } else if (this.pending.has(d.have) && this.logs.size < 64) this.logs.set(d.have, d.log);
  }

  private settle(id: string, found: ForeignModule | null): void {
    this.awaitingLog.delete(id);
    this.logs.delete(id);
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    for (const resolve of waiting) resolve(found);
  }
}
