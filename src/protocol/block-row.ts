// Row layout of `DiffMsg.blocks` and `RangeMsg.blocks`: little-endian Uint32,
// one row per block; and what the values in those rows (and in
// `LeaksMsg.kinds`, one byte per row) mean.
import { LB } from '../tracker/live-blocks';
import { rowFields } from './row-layout';

/**
 * Column offsets of a block row: the tracker's live-block record (LB), sent as
 * it is but for the time column. ptr: address in linear memory; size; site:
 * `SiteMsg.id`, or BLOCK_NO_SITE; seq: allocation number, per module; time:
 * allocation time in BLOCK_TIME_PER_MS units since the frame's
 * `HelloMsg.start` (the page shifts the tracker's, which counts from the
 * recording's start).
 */
export const BR = LB;

export type BlockField = Exclude<keyof typeof BR, 'width'>;

/** Column names in wire order (docs/recording-format.md lists them). */
export const BLOCK_FIELDS = rowFields(BR);
export const BLOCK_STRIDE = BR.width;

/** The site column of a block whose allocation site is unknown (the tracker's NO_SITE); site groups and errors say 0 instead. */
export const BLOCK_NO_SITE = 0xffff_ffff;

/** Units of the time column per millisecond (it counts 0.1 ms). */
export const BLOCK_TIME_PER_MS = 10;

/** `LeaksMsg.kinds` code of a comparison block freed since Snapshot B; codes 0–3 index LEAK_KIND_NAMES. */
export const FREED_SINCE_B = 255;

/** The site of block `row` as site groups name it: 0 when unknown. */
export function blockSite(blocks: Uint32Array, row: number): number {
  const s = blocks[row * BR.width + BR.site];
  return s === BLOCK_NO_SITE ? 0 : s;
}

/** Epoch ms at which block `row` was allocated, given its frame's `HelloMsg.start`. */
export function blockTime(blocks: Uint32Array, row: number, frameStart: number): number {
  return frameStart + blocks[row * BR.width + BR.time] / BLOCK_TIME_PER_MS;
}
