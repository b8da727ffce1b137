import { fail } from './errors';

/** Value of the last readU32 (module state: no pair allocated per read). */
export const leb = { value: 0 };

/**
 * Reads a u32 LEB at p, which must end before `end`; returns the position
 * after it, its value in `leb.value`. The rewriter's hot loop (opcodes.ts)
 * calls it directly, the Cursor through `u32()`.
 */
export function readU32(b: Uint8Array, p: number, end: number): number {
  const start = p;
  if (p >= end) fail(`unexpected end in LEB at 0x${start.toString(16)}`);
  let byte = b[p++];
  if (byte < 0x80) {
    leb.value = byte;
    return p;
  }
  let result = byte & 0x7f;
  let shift = 7;
  for (;;) {
    if (p >= end) fail(`unexpected end in LEB at 0x${start.toString(16)}`);
    byte = b[p++];
    if (shift === 28) {
      if (byte & 0xf0) fail(`u32 LEB out of range at 0x${start.toString(16)}`);
      result = (result | (byte << 28)) >>> 0;
      break;
    }
    result |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
    shift += 7;
  }
  leb.value = result >>> 0;
  return p;
}

/** Where a section (or a name subsection) is: its id byte at `start`, its size LEB, its content [contentStart, end). */
export interface Span {
  id: number;
  /** Offset of the id byte. */
  start: number;
  sizePos: number;
  sizeLen: number;
  contentStart: number;
  end: number;
}

/**
 * Byte cursor over a module. `u32()` etc. advance `p`; `last` is the width of
 * the last LEB read, which the rewriter needs to re-encode at the same width.
 */
export class Cursor {
  p: number;
  last = 0;
  constructor(
    readonly b: Uint8Array,
    p = 0,
    public end = b.length,
  ) {
    this.p = p;
  }

  u8(): number {
    if (this.p >= this.end) fail(`unexpected end at 0x${this.p.toString(16)}`);
    return this.b[this.p++];
  }

  u32(): number {
    const start = this.p;
    this.p = readU32(this.b, start, this.end);
    this.last = this.p - start;
    return leb.value;
  }

  /** Skips a LEB of at most `maxBytes` bytes (s32: 5, s33: 5, s64/u64: 10). */
  skipLeb(maxBytes: number): void {
    const b = this.b;
    const start = this.p;
    let p = start;
    const lim = Math.min(this.end, start + maxBytes);
    for (;;) {
      if (p >= lim) fail(`bad LEB at 0x${start.toString(16)}`);
      if ((b[p++] & 0x80) === 0) break;
    }
    this.p = p;
    this.last = p - start;
  }

  /** Signed 33-bit LEB (block types, heap types), returned as a JS number. */
  s33(): number {
    const b = this.b;
    const start = this.p;
    let p = start;
    let result = 0;
    let mul = 1;
    let byte = 0;
    for (let i = 0; ; i++) {
      if (p >= this.end || i >= 5) fail(`bad s33 LEB at 0x${start.toString(16)}`);
      byte = b[p++];
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (byte & 0x40) result -= mul;
    this.p = p;
    this.last = p - start;
    return result;
  }

  /** Reads a section or subsection header (id, size): where it and its content are. The caller checks `end`. */
  span(): Span {
    const start = this.p;
    const id = this.u8();
    const sizePos = this.p;
    const size = this.u32();
    return { id, start, sizePos, sizeLen: this.last, contentStart: this.p, end: this.p + size };
  }

  skip(n: number): void {
    if (this.p + n > this.end) fail(`unexpected end at 0x${this.p.toString(16)}`);
    this.p += n;
  }

  /** UTF-8 name (length-prefixed). Decoded by hand: no TextDecoder in every realm we run in. */
  name(): string {
    const len = this.u32();
    const start = this.p;
    this.skip(len);
    return utf8(this.b, start, start + len);
  }
}

export function utf8(b: Uint8Array, start: number, end: number): string {
  let s = '';
  let ascii = true;
  for (let i = start; i < end; i++)
    if (b[i] >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) {
    for (let i = start; i < end; i += 4096)
      s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
    return s;
  }
  const cps: number[] = [];
  for (let i = start; i < end; ) {
    const c = b[i++];
    if (c < 0x80) cps.push(c);
    else if (c < 0xe0) cps.push(((c & 31) << 6) | (b[i++] & 63));
    else if (c < 0xf0) {
      cps.push(((c & 15) << 12) | ((b[i] & 63) << 6) | (b[i + 1] & 63));
      i += 2;
    } else {
      cps.push(((c & 7) << 18) | ((b[i] & 63) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63));
      i += 3;
    }
  }
  for (let i = 0; i < cps.length; i += 4096) s += String.fromCodePoint(...cps.slice(i, i + 4096));
  return s;
}
