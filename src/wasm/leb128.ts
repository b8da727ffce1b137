/** Number of bytes the minimal unsigned LEB128 encoding of `v` (u32) takes. */
export function lebWidth(v: number): number {
  v >>>= 0;
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/**
 * Writes `v` as unsigned LEB128 using exactly `width` bytes (padding with
 * 0x80 continuation bytes). Keeping the original width of a renumbered index
 * keeps function bodies the same size, so code offsets and DWARF stay exact.
 */
export function writeLebPadded(out: Uint8Array, pos: number, v: number, width: number): void {
  v >>>= 0;
  for (let i = 0; i < width - 1; i++) {
    out[pos + i] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[pos + width - 1] = v & 0x7f;
}

/** Minimal or padded u32 LEB as a new array. */
export function encodeU32(v: number, width = lebWidth(v)): Uint8Array {
  const out = new Uint8Array(width);
  writeLebPadded(out, 0, v, width);
  return out;
}

/** Minimal signed LEB128 for an i32 (used for i32.const in generated code). */
export function encodeS32(v: number): number[] {
  const out: number[] = [];
  v |= 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function pushU32(out: number[], v: number): void {
  v >>>= 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

export function pushName(out: number[], s: string): void {
  // Names we generate are ASCII; encode UTF-8 by hand anyway (no TextEncoder dependency needed).
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        continue;
      }
      bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  pushU32(out, bytes.length);
  for (const b of bytes) out.push(b);
}
