import { pushName as pushNameSlow } from './leb128';

/**
 * A growable byte buffer for the code and names the rewriter generates. One
 * per kind of output (wrapper bodies, wrapper names) instead of a number[] per
 * wrapper: sql.js gets ≈10,000 context wrappers and a dense 32 MB module
 * tens of thousands, and a small array per wrapper was most of the rewrite's
 * time in allocation and garbage collection (issue 15).
 */
export class Bytes {
  buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  /** Makes room for k more bytes. */
  room(k: number): void {
    if (this.length + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + k) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  u8(v: number): void {
    if (this.length === this.buf.length) this.room(1);
    this.buf[this.length++] = v;
  }

  /** Appends the bytes of a short array (opcode sequences, encoded constants). */
  raw(bs: ArrayLike<number>): void {
    this.room(bs.length);
    const b = this.buf;
    let n = this.length;
    for (let i = 0; i < bs.length; i++) b[n++] = bs[i];
    this.length = n;
  }

  /** Appends a slice of another buffer. */
  append(src: Uint8Array, start = 0, end = src.length): void {
    const k = end - start;
    this.room(k);
    if (k > 64) this.buf.set(src.subarray(start, end), this.length);
    else {
      // a wrapper body: a loop beats making a subarray
      const b = this.buf;
      const n = this.length;
      for (let i = 0; i < k; i++) b[n + i] = src[start + i];
    }
    this.length += k;
  }

  /** Minimal unsigned LEB128. */
  u32(v: number): void {
    this.room(5);
    const b = this.buf;
    let n = this.length;
    v >>>= 0;
    while (v >= 0x80) {
      b[n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[n++] = v;
    this.length = n;
  }

  /** Minimal signed LEB128 of an i32. */
  s32(v: number): void {
    this.room(5);
    const b = this.buf;
    let n = this.length;
    v |= 0;
    for (;;) {
      const byte = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
        b[n++] = byte;
        break;
      }
      b[n++] = byte | 0x80;
    }
    this.length = n;
  }

  /** A name: its UTF-8 length then its UTF-8 bytes (the same bytes as leb128.ts's pushName). */
  name(s: string): void {
    let ascii = true;
    for (let i = 0; i < s.length; i++)
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    if (!ascii) {
      const tmp: number[] = [];
      pushNameSlow(tmp, s);
      this.raw(tmp);
      return;
    }
    this.u32(s.length);
    this.room(s.length);
    const b = this.buf;
    let n = this.length;
    for (let i = 0; i < s.length; i++) b[n++] = s.charCodeAt(i);
    this.length = n;
  }

  /** The bytes written so far (a view: valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
