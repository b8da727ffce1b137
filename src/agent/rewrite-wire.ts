// What crosses between the page and its rewrite worker (rewrite-worker.ts,
// rewrite-client.ts): a module's bytes one way, the rewriter's outcome and the
// modules compiled there the other. Buffers are transferred, never copied. The
// outcome's two mapping functions cannot be cloned, so they travel as the data
// they are built from (function-index runs, the rewriter's OffsetMap runs) and
// the page rebuilds them; every other field is plain data and goes as it is,
// so the page agent uses the outcome exactly as if it had rewritten it itself.
import type { InstrumentOutcome } from './types';
import { OffsetMap, type OffsetRuns } from '../wasm/offset-map';

/** page -> worker: rewrite `bytes`; mark the original with `mark` (module-mark.ts) when the outcome is usable. */
export interface RewriteRequest {
  t: 'rewrite';
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  mark: string | null;
}

/** The outcome without its functions: `funcRuns` (new start, original start or -1, length; triples) and `offsetRuns`. */
export type WireOutcome = Omit<InstrumentOutcome, 'toOriginalFunc' | 'toOriginalOffset'> & {
  funcRuns: Int32Array<ArrayBuffer>;
  offsetRuns: OffsetRuns | null;
};

/** worker -> page. */
export interface RewriteReply {
  t: 'rewritten';
  id: number;
  /** The request's bytes, back (unmarked). */
  original: Uint8Array<ArrayBuffer>;
  /** The original module (marked when `marked`), compiled there; null: it did not compile there, the page compiles it (and gets the native error). */
  module: WebAssembly.Module | null;
  marked: boolean;
  outcome: WireOutcome | null;
  /** The rewriter threw: its message (the page says "the rewriter refused it"). */
  refused: string | null;
  /** The rewritten module compiled there, or why it did not compile. */
  rewritten: WebAssembly.Module | null;
  rewrittenError: string | null;
}

/** worker -> page: the bytes back, unrewritten (the reply could not be made or sent): the page rewrites them itself. */
export interface RewriteFailed {
  t: 'failed';
  id: number;
  original: Uint8Array<ArrayBuffer>;
  why: string;
}

/** worker -> page, once, when it can take requests (bytes are only transferred to a worker that answered). */
export interface RewriteReady {
  t: 'ready';
}

/** Whether the page instruments a module with this outcome (else it runs the original and says outcome.reason). */
export function usableOutcome(outcome: InstrumentOutcome): boolean {
  return !(outcome.reason && outcome.sites.length === 0);
}

/** `Name: message`, as the hooks word a failure. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Functions in a module (imported + defined): imports from the compiled module, the rest from the function section's count. */
export function functionCount(bytes: Uint8Array, importedFuncs: number): number {
  let p = 8;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0 || shift >= 28) return result >>> 0;
      shift += 7;
    }
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = u32();
    if (id === 3) return importedFuncs + u32();
    p += size;
  }
  return importedFuncs;
}

/** `toOriginalFunc` over [0, count) as runs of slope 1 (one or two runs in practice). */
function funcRunsOf(f: (i: number) => number, count: number): Int32Array<ArrayBuffer> {
  const runs: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = f(i);
    const last = runs.length - 3;
    const expected = last >= 0 ? (runs[last + 1] < 0 ? -1 : runs[last + 1] + runs[last + 2]) : NaN;
    if (last >= 0 && runs[last] + runs[last + 2] === i && o === expected) runs[last + 2]++;
    else runs.push(i, o < 0 ? -1 : o, 1);
  }
  return new Int32Array(runs);
}

/** The outcome of `compiled` (its rewritten module) as data: what toWire needs from the compiled module is its count of imported functions. */
export function outcomeWire(
  outcome: InstrumentOutcome,
  compiled: WebAssembly.Module | null,
  wa: typeof WebAssembly,
): { wire: WireOutcome; transfer: ArrayBuffer[] } {
  const imported = compiled ? wa.Module.imports(compiled).filter((i) => i.kind === 'function').length : 0;
  return toWire(outcome, compiled ? functionCount(outcome.bytes, imported) : 0);
}

/** The outcome as data, and the buffers to transfer with it. */
export function toWire(
  outcome: InstrumentOutcome & { offsets?: { toRuns(): OffsetRuns } },
  funcCount: number,
): { wire: WireOutcome; transfer: ArrayBuffer[] } {
  const { toOriginalFunc, toOriginalOffset: _offsetFn, offsets, ...data } = outcome;
  const funcRuns = funcRunsOf((i) => toOriginalFunc(i), funcCount);
  const offsetRuns = offsets ? offsets.toRuns() : null;
  const wire: WireOutcome = { ...data, funcRuns, offsetRuns };
  const transfer: ArrayBuffer[] = [funcRuns.buffer];
  if (offsetRuns) transfer.push(offsetRuns.newStart.buffer, offsetRuns.origStart.buffer, offsetRuns.len.buffer, offsetRuns.copy.buffer);
  return { wire, transfer };
}

/** The outcome the page agent uses, its mapping functions rebuilt from the runs. */
export function fromWire(wire: WireOutcome): InstrumentOutcome {
  const { funcRuns, offsetRuns, ...data } = wire;
  const runs = funcRuns;
  if (runs.length % 3 !== 0) throw new Error('function runs: not triples');
  const map = offsetRuns ? OffsetMap.fromRuns(offsetRuns) : null;
  return {
    ...data,
    // (kept, so toWire gives the same runs again: a compiling context passes its outcome on to its workers)
    ...(map ? { offsets: map } : {}),
    toOriginalFunc(n: number): number {
      let lo = 0;
      let hi = runs.length / 3 - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const start = runs[mid * 3];
        if (n < start) hi = mid - 1;
        else if (n >= start + runs[mid * 3 + 2]) lo = mid + 1;
        else return runs[mid * 3 + 1] < 0 ? -1 : runs[mid * 3 + 1] + (n - start);
      }
      return -1;
    },
    toOriginalOffset: map ? (o: number) => map.toOriginal(o) : (o: number) => o,
  };
}
