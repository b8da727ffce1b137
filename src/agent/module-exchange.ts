// Modules compiled in one context and instantiated in another (module-mark.ts):
// every context on the workers' BroadcastChannel answers for the modules it
// marked, and asks the others for the ones it did not compile. Messages:
//   { from: token, want: id }             who compiled module `id`?
//   { to: token, have: id, bytes, name }  its original bytes, to the asker
//   { to: token, have: id, port: 1 }      sent on the asker's own port instead
// A worker this context started is answered on its own port (worker-ports.ts)
// with everything at once, { have: id, bytes, name[, log][, compiled] }: a
// shared heap's log (a SharedArrayBuffer, which Chromium delivers as null on a
// BroadcastChannel), and the rewritten module already compiled with the
// rewriter's outcome, so the worker neither rewrites nor compiles it again
// (wasm-vips' 6 pthread workers each spent 8–11 s rewriting its 5 MB module);
// bytes sent on one port are copied once, not to every listener of the channel.
// The channel and the port are as untrusted as the page: answers are checked
// and bounded, and a module nobody answers for within ANSWER_MS instantiates untracked.
import type { WireOutcome } from './rewrite-wire';

export interface ForeignModule {
  bytes: Uint8Array<ArrayBuffer>;
  name: string;
  /** A SharedArrayBuffer (checked where it is used: SharedLog.from). */
  log?: SharedArrayBuffer;
  /** The rewritten module compiled by the context that compiled the original, and its outcome: untrusted, checked where used (install.ts). */
  compiled?: { module: WebAssembly.Module; wire: WireOutcome };
}

const ANSWER_MS = 10_000;
const MAX_BYTES = 1 << 30;

export class ModuleExchange {
  private readonly pending = new Map<string, ((found: ForeignModule | null) => void)[]>();
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
          if (this.toPort(d.from, { have: d.want, ...found, bytes: found.bytes.slice().buffer }))
            this.send({ to: d.from, have: d.want, port: 1 });
          // (a worker we did not start: the bytes alone, on the channel; it rewrites them itself)
          else this.send({ to: d.from, have: d.want, bytes: found.bytes.slice().buffer, name: found.name });
        }
      }
      return true;
    }
    if (typeof d.have === 'string') {
      // (`port: 1`: the answer comes on this worker's port, receivePort)
      if (d.to === this.token) {
        const found = foreignOf(d);
        if (found) this.settle(d.have, found);
      }
      return true;
    }
    return false;
  }

  /** Our message on this worker's port (worker-ports.ts): the whole answer. */
  receivePort(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const d = data as Record<string, unknown>;
    if (typeof d.have !== 'string' || !this.pending.has(d.have)) return;
    const found = foreignOf(d);
    if (!found) return;
    if (typeof SharedArrayBuffer === 'function' && d.log instanceof SharedArrayBuffer) found.log = d.log;
    const c = d.compiled as { module?: unknown; wire?: unknown } | null | undefined;
    if (c && typeof c === 'object' && c.module && typeof c.module === 'object' && c.wire && typeof c.wire === 'object')
      found.compiled = { module: c.module, wire: c.wire as WireOutcome };
    this.settle(d.have, found);
  }

  private settle(id: string, found: ForeignModule | null): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    for (const resolve of waiting) resolve(found);
  }
}

/** The bytes and name of an answer, checked and bounded; null when malformed. */
function foreignOf(d: { bytes?: unknown; name?: unknown }): ForeignModule | null {
  if (!(d.bytes instanceof ArrayBuffer) || d.bytes.byteLength > MAX_BYTES || typeof d.name !== 'string') return null;
  return { bytes: new Uint8Array(d.bytes), name: d.name.slice(0, 2000) };
}
