import { fail } from './errors';

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

/**
 * Byte cursor over a module. `u32()` etc. advance `p`; `last` is the width of
 * the last LEB read, which the rewriter needs to re-encode at the same width.
 */
export class Cursor {
  p: number;
  last = 0;
  constructor(readonly b: Uint8Array, p = 0, public end = b.length) {
    this.p = p;
  }

  u8(): number {
    if (this.p >= this.end) fail(`unexpected end at 0x${this.p.toString(16)}`);
    return this.b[this.p++];
  }

  u32(): number {
    const b = this.b;
    const start = this.p;
    let p = start;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (p >= this.end) fail(`unexpected end in LEB at 0x${start.toString(16)}`);
      const byte = b[p++];
      if (shift === 28) {
        if (byte & 0xf0) fail(`u32 LEB out of range at 0x${start.toString(16)}`);
        result = (result | (byte << 28)) >>> 0;
        break;
      }
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    this.p = p;
    this.last = p - start;
    return result >>> 0;
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
  for (let i = start; i < end; i++) if (b[i] >= 0x80) { ascii = false; break; }
  if (ascii) {
    for (let i = start; i < end; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
    return s;
  }
  const cps: number[] = [];
  for (let i = start; i < end; ) {
    const c = b[i++];
    if (c < 0x80) cps.push(c);
    else if (c < 0xe0) cps.push(((c & 31) << 6) | (b[i++] & 63));
    else if (c < 0xf0) { cps.push(((c & 15) << 12) | ((b[i] & 63) << 6) | (b[i + 1] & 63)); i += 2; }
    else { cps.push(((c & 7) << 18) | ((b[i] & 63) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63)); i += 3; }
  }
  for (let i = 0; i < cps.length; i += 4096) s += String.fromCodePoint(...cps.slice(i, i + 4096));
  return s;
}
