// The rewrite worker's half (started by rewrite-client.ts from the worker
// agent's blob: URL, extension/page/worker.ts): rewrites a module the page
// received through an async entry point, compiles both the rewritten module
// and the (marked) original here, and posts the modules back. A
// WebAssembly.Module posted to the page shares its compiled code (no copy), so
// all the page's main thread still does for a big module is instantiate it.
// This scope's WebAssembly is the worker's own, never hooked.
import { withMark } from './module-mark';
import type { InstrumentOutcome } from './types';
import { type RewriteFailed, type RewriteReply, type RewriteRequest, errorText, outcomeWire, usableOutcome } from './rewrite-wire';

export interface RewriteScope {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (event: { data: unknown }) => void): void;
}

/** Answers the page's rewrite requests until the worker is closed. */
export function serveRewrites(scope: RewriteScope, wa: typeof WebAssembly, instrument: (bytes: Uint8Array) => InstrumentOutcome): void {
  scope.addEventListener('message', (event) => {
    const req = event.data as RewriteRequest | null;
    if (req?.t !== 'rewrite' || !(req.bytes instanceof Uint8Array)) return;
    void rewrite(req, wa, instrument).then(
      ({ reply, transfer }) => scope.postMessage(reply, transfer),
      // Something here could not be cloned or failed unexpectedly: the bytes
      // go back alone and the page rewrites them itself.
      (error: unknown) => {
        const failed: RewriteFailed = { t: 'failed', id: req.id, original: req.bytes, why: errorText(error) };
        scope.postMessage(failed, [req.bytes.buffer]);
      },
    );
  });
  scope.postMessage({ t: 'ready' }, []);
}

async function rewrite(
  req: RewriteRequest,
  wa: typeof WebAssembly,
  instrument: (bytes: Uint8Array) => InstrumentOutcome,
): Promise<{ reply: RewriteReply; transfer: Transferable[] }> {
  const bytes = req.bytes;
  let outcome: InstrumentOutcome | null = null;
  let refused: string | null = null;
  try {
    outcome = instrument(bytes);
  } catch (error) {
    refused = errorText(error);
  }
  const use = outcome !== null && usableOutcome(outcome);
  const marked = use && req.mark !== null;
  // Both compile at once, on V8's background threads as on the page's.
  const [module, rewritten] = await Promise.all([
    wa.compile(marked ? withMark(bytes, req.mark!) : bytes).catch(() => null),
    use
      ? wa.compile(outcome!.bytes as BufferSource).then(
          (m) => ({ m, e: null }),
          (e: unknown) => ({ m: null, e: errorText(e) }),
        )
      : null,
  ]);
  const transfer: Transferable[] = [bytes.buffer];
  let wire = null;
  if (outcome) {
    const packed = outcomeWire(outcome, rewritten?.m ?? null, wa);
    wire = packed.wire;
    transfer.push(...packed.transfer);
    // (an outcome that left the module unchanged holds the request's own bytes: transferred once)
    if (outcome.bytes.buffer !== bytes.buffer) transfer.push(outcome.bytes.buffer as ArrayBuffer);
  }
  const reply: RewriteReply = {
    t: 'rewritten',
    id: req.id,
    original: bytes,
    module,
    marked: marked && module !== null,
    outcome: wire,
    refused,
    rewritten: rewritten?.m ?? null,
    rewrittenError: rewritten?.e ?? null,
  };
  return { reply, transfer };
}
