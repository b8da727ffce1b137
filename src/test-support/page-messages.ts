// What the page side sends, read back by column name in the tests that drive
// a PageAgent in Node.
import {
  BR,
  BLOCK_FIELDS,
  SR,
  SAMPLE_FIELDS,
  decodeF64,
  decodeU32,
  type PageToPanel,
  type BatchMsg,
  type DiffMsg,
  type RangeMsg,
  type SampleValues,
  type BlockField,
} from '../protocol';

/** A private copy of the WebAssembly namespace: the hooks patch it, not the global. */
export function freshWebAssembly(): typeof WebAssembly {
  const copy = {} as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(WebAssembly)) copy[key] = (WebAssembly as unknown as Record<string, unknown>)[key];
  return copy as unknown as typeof WebAssembly;
}

/** The newest sample row among the batches in `sent` (flush the agent first). */
export function lastSample(sent: readonly PageToPanel[]): SampleValues {
  const batches = sent.filter((m): m is BatchMsg => m.t === 'batch');
  for (let b = batches.length - 1; b >= 0; b--) {
    const rows = decodeF64(batches[b].samples);
    if (rows.length < SR.width) continue;
    const at = rows.length - SR.width;
    return Object.fromEntries(SAMPLE_FIELDS.map((f) => [f, rows[at + SR[f]]])) as SampleValues;
  }
  throw new Error('no sample');
}

export type BlockValues = Record<BlockField, number>;

/** The block rows of a comparison or a time-range selection. */
export function blockList(msg: DiffMsg | RangeMsg): BlockValues[] {
  const rows = decodeU32(msg.blocks);
  const out: BlockValues[] = [];
  for (let at = 0; at < rows.length; at += BR.width) {
    out.push(Object.fromEntries(BLOCK_FIELDS.map((f) => [f, rows[at + BR[f]]])) as BlockValues);
  }
  return out;
}
