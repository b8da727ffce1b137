// Binary payloads (samples, block lists) are flat typed arrays of fixed-width
// rows. Each wire format declares its column offsets once, as an object like
// the tracker's `LB` (src/tracker/live-blocks.ts): `{ a: 0, b: 1, width: 2 }`.
// Read a column as `rows[row * L.width + L.b]`.

/** Column names of a row layout, in wire order; throws unless the offsets are exactly 0 … width−1. */
export function rowFields<L extends { readonly width: number }>(layout: L): readonly Exclude<keyof L, 'width'>[] {
  const names = Object.keys(layout).filter((k) => k !== 'width') as Exclude<keyof L, 'width'>[];
  const at = (k: keyof L) => layout[k] as number;
  names.sort((a, b) => at(a) - at(b));
  if (names.length !== layout.width || names.some((k, i) => at(k) !== i)) {
    throw new Error(`row layout ${JSON.stringify(layout)}: offsets must be 0 … width−1, each once`);
  }
  return Object.freeze(names);
}
