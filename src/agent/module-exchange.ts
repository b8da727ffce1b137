// Modules compiled in one context and instantiated in another (module-mark.ts):
// every context on the workers' BroadcastChannel answers for the modules it
// marked, and asks the others for the ones it did not compile. Messages:
//   { from: token, want: id }                     who compiled module `id`?
//   { to: token, have: id, bytes, name }          its original bytes, to the asker
// The channel is as untrusted as the page: answers are checked and bounded,
// and a module nobody answers for within ANSWER_MS instantiates untracked.

export interface ForeignModule {
  bytes: Uint8Array<ArrayBuffer>;
  name: string;
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
    const d = data as { from?: unknown; want?: unknown; to?: unknown; have?: unknown; bytes?: unknown; name?: unknown };
    if (typeof d.want === 'string') {
      if (typeof d.from === 'string' && d.from !== this.token) {
        const found = this.lookup(d.want);
        if (found) this.send({ to: d.from, have: d.want, bytes: found.bytes.slice().buffer, name: found.name });
      }
      return true;
    }
    if (typeof d.have === 'string') {
      if (d.to === this.token && d.bytes instanceof ArrayBuffer && d.bytes.byteLength <= MAX_BYTES && typeof d.name === 'string') {
        this.settle(d.have, { bytes: new Uint8Array(d.bytes), name: d.name.slice(0, 2000) });
      }
      return true;
    }
    return false;
  }

  private settle(id: string, found: ForeignModule | null): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    for (const resolve of waiting) resolve(found);
  }
}
