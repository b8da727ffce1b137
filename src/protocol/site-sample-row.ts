// Row layout of `BatchMsg.siteSamples`: little-endian Float64, one row per
// (module, allocation site) whose live bytes changed at a tick of the page
// agent (src/tracker/site-ticks.ts). A site's value holds until its next row.
import { rowFields } from './row-layout';

/** Column offsets of a site sample row. */
export const SSR = {
  /** Epoch ms of the tick. */
  time: 0,
  /** `ModuleMsg.id` (in the sending frame). */
  module: 1,
  /** `SiteMsg.id` (an interned stack), 0 = unknown. */
  site: 2,
  /** Bytes of that site's blocks live at `time`. */
  liveBytes: 3,
  width: 4,
} as const;

/** Column names in wire order (docs/recording-format.md lists them). */
export const SITE_SAMPLE_FIELDS = rowFields(SSR);
export const SITE_SAMPLE_STRIDE = SSR.width;
