// The page's end of the workers' BroadcastChannel (see worker-hook.ts): each
// hooked worker's messages carry its token; the relay numbers workers in the
// order they first speak (context 1, 2, …; the page itself is context 0) and
// passes their messages on, tagged with that number, to the content bridge,
// which gives every context its own port (the panel sees each as its own
// source). Commands from the panel come back with a context number and leave
// on the channel addressed to that worker's token. Anything on the channel is
// untrusted: a page script that learns the name can post there too.
// A worker that ends (terminated by the context that started it, or closed by
// itself) is said once as its context's `ended` message: the panel stops
// waiting for it. What ended before it first spoke, or whose last messages
// were still on the way (a hello among them), is said again after them.

/** Contexts one frame may open; later workers are reported, not followed. */
export const MAX_CONTEXTS = 64;
const MAX_TOKEN = 64;
/** Ended workers remembered (those that never spoke stay here): at most this many, the oldest forgotten. */
const MAX_ENDED = 1024;

export interface WorkerMessage {
  from: string;
  msg?: unknown;
  unreached?: { kind: unknown; url: unknown; reason: unknown };
  /** The worker `from` has ended (said by itself as it closes, or by the context that terminated it). */
  ended?: { how: unknown; time: unknown };
}

export type EndedFact = { t: 'ended'; how: 'terminated' | 'terminated-by-worker' | 'closed'; time: number };

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
  private readonly endedOf = new Map<string, EndedFact>();

  constructor(private readonly opts: RelayOptions) {}

  /** One message from the channel. */
  receive(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const { from, msg, unreached, ended } = data as WorkerMessage;
    if (typeof from !== 'string' || from.length === 0 || from.length > MAX_TOKEN) return;
    if (unreached && typeof unreached === 'object') {
      const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2000) : '');
      this.opts.unreached(text(unreached.kind), text(unreached.url), text(unreached.reason));
      return;
    }
    if (ended && typeof ended === 'object') {
      const how = ended.how === 'terminated' || ended.how === 'terminated-by-worker' || ended.how === 'closed' ? ended.how : null;
      const time = typeof ended.time === 'number' && Number.isFinite(ended.time) && ended.time > 0 ? ended.time : null;
      if (how && time) this.ended(from, how, time);
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    const ctx = this.contextOf(from);
    if (ctx === 0) return;
    this.opts.forward(ctx, msg);
    // (a hello that was on its way when the worker ended: the panel hears it ended again, after it)
    const fact = this.endedOf.get(from);
    if (fact && (msg as { t?: unknown }).t === 'hello') this.opts.forward(ctx, fact);
  }

  /** Worker `token` has ended: its context says so once (or when it first speaks, if it has not yet). */
  ended(token: string, how: EndedFact['how'], time: number): void {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN || this.endedOf.has(token)) return;
    if (this.endedOf.size >= MAX_ENDED) this.endedOf.delete(this.endedOf.keys().next().value as string);
    const fact: EndedFact = { t: 'ended', how, time };
    this.endedOf.set(token, fact);
    const ctx = this.ctxOf.get(token);
    if (ctx !== undefined && ctx !== 0) this.opts.forward(ctx, fact);
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
