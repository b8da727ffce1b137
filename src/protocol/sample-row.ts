// Row layout of `BatchMsg.samples`: little-endian Float64, one row per module
// per sample, sent when a module's counters change.
import { rowFields } from './row-layout';

/** Column offsets of a sample row. */
export const SR = {
  /** Epoch ms. */
  time: 0,
  /** `ModuleMsg.id` of the sampled module (in the sending frame). */
  module: 1,
  /** Linear memory size, bytes. */
  memoryBytes: 2,
  /** Live blocks and their bytes. */
  liveCount: 3,
  liveBytes: 4,
  /** Cumulative allocation and free counts: the rate chart is their slope. */
  allocs: 5,
  frees: 6,
  width: 7,
} as const;

export type SampleField = Exclude<keyof typeof SR, 'width'>;
export type SampleValues = Record<SampleField, number>;

/** Column names in wire order (docs/recording-format.md lists them). */
export const SAMPLE_FIELDS = rowFields(SR);
export const SAMPLE_STRIDE = SR.width;

/** Appends one row to `out`. */
export function pushSample(out: number[], v: SampleValues): void {
  for (const f of SAMPLE_FIELDS) out.push(v[f]);
}
