// The page's end of the workers' BroadcastChannel (see worker-hook.ts): each
// hooked worker's messages carry its token; the relay numbers workers in the
// order they first speak (context 1, 2, …; the page itself is context 0) and
// passes their messages on, tagged with that number, to the content bridge,
// which gives every context its own port (the panel sees each as its own
// source). Commands from the panel come back with a context number and leave
// on the channel addressed to that worker's token. Anything on the channel is
// untrusted: a page script that learns the name can post there too.

/** Contexts one frame may open; later workers are reported, not followed. */
export const MAX_CONTEXTS = 64;
const MAX_TOKEN = 64;

export interface WorkerMessage {
  from: string;
  msg?: unknown;
  unreached?: { kind: unknown; url: unknown; reason: unknown };
}

export interface RelayOptions {
  /** A worker's message for the bridge, and the context it came from. */
  forward(ctx: number, msg: unknown): void;
  /** A command for one worker, on the channel. */
  send(data: { to: string; msg: unknown }): void;
  unreached(kind: string, url: string, reason: string): void;
}

export class ContextRelay {
  private readonly ctxOf = new Map<string, number>();
  private readonly tokens: string[] = [''];
  private overflowReported = false;

  constructor(private readonly opts: RelayOptions) {}

  /** One message from the channel. */
  receive(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const { from, msg, unreached } = data as WorkerMessage;
    if (typeof from !== 'string' || from.length === 0 || from.length > MAX_TOKEN) return;
    if (unreached && typeof unreached === 'object') {
      const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2000) : '');
      this.opts.unreached(text(unreached.kind), text(unreached.url), text(unreached.reason));
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    const ctx = this.contextOf(from);
    if (ctx !== 0) this.opts.forward(ctx, msg);
  }

  /** A panel command for context `ctx` (≥ 1). */
  command(ctx: number, msg: unknown): void {
    const token = this.tokens[ctx];
    if (token) this.opts.send({ to: token, msg });
  }

  get contexts(): number {
    return this.tokens.length - 1;
  }

  private contextOf(token: string): number {
    const known = this.ctxOf.get(token);
    if (known !== undefined) return known;
    if (this.tokens.length > MAX_CONTEXTS) {
      if (!this.overflowReported) {
        this.overflowReported = true;
        this.opts.unreached('worker', '', `more than ${MAX_CONTEXTS} workers in this frame: later ones are not followed`);
      }
      return 0;
    }
    const ctx = this.tokens.length;
    this.tokens.push(token);
    this.ctxOf.set(token, ctx);
    return ctx;
  }
}
