// The rates chart's legend when the timeline draws a line per context: a key
// of the two kinds of line (solid allocs/s, dashed frees/s) instead of two
// items per context. Those spilled past the short rates chart in a second
// column cut off at the canvas edge; the colours already name the contexts in
// the bytes chart's legend above. A click on a kind hides or shows it for
// every context.
import type { LegendItem } from 'chart.js';

export const RATE_KINDS = [
  { text: 'allocs/s', dash: [] as number[] },
  { text: 'frees/s', dash: [2, 2] },
] as const;

/** The kind of a rate line ("page allocs/s" is allocs/s), or null. */
export function rateKind(label: string): string | null {
  return RATE_KINDS.find((k) => label === k.text || label.endsWith(` ${k.text}`))?.text ?? null;
}

/** The key's items, in the legend's text colour, each crossed out when `hidden` holds its kind. */
export function rateKeyItems(hidden: ReadonlySet<string>, color: string): LegendItem[] {
  return RATE_KINDS.map((k) => ({
    text: k.text,
    fillStyle: color,
    strokeStyle: color,
    fontColor: color,
    lineWidth: 1.5,
    lineDash: [...k.dash],
    hidden: hidden.has(k.text),
  }));
}
