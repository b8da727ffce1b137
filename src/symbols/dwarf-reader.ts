import { utf8 } from '../wasm/cursor';

/** Little-endian reader over one DWARF section. Reads past `end` throw. */
export class Reader {
  p: number;
  constructor(
    readonly b: Uint8Array,
    p = 0,
    public end = b.length,
  ) {
    this.p = p;
  }
  private need(n: number): void {
    if (this.p + n > this.end) throw new Error(`DWARF read past the end at 0x${this.p.toString(16)}`);
  }
  u8(): number {
    this.need(1);
    return this.b[this.p++];
  }
  u16(): number {
    this.need(2);
    const b = this.b,
      p = this.p;
    this.p += 2;
    return b[p] | (b[p + 1] << 8);
  }
  u24(): number {
    this.need(3);
    const b = this.b,
      p = this.p;
    this.p += 3;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
  }
  u32(): number {
    this.need(4);
    const b = this.b,
      p = this.p;
    this.p += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }
  /** 8-byte value as a number (exact below 2^53; wasm addresses are 32-bit). */
  u64(): number {
    const lo = this.u32();
    return lo + this.u32() * 0x100000000;
  }
  uN(n: number): number {
    switch (n) {
      case 1:
        return this.u8();
      case 2:
        return this.u16();
      case 4:
        return this.u32();
      case 8:
        return this.u64();
      default:
        throw new Error(`unsupported size ${n}`);
    }
  }
  uleb(): number {
    const b = this.b;
    let r = 0,
      mul = 1;
    for (;;) {
      if (this.p >= this.end) throw new Error('DWARF LEB past the end');
      const x = b[this.p++];
      r += (x & 0x7f) * mul;
      if (!(x & 0x80)) return r;
      mul *= 128;
    }
  }
  sleb(): number {
    const b = this.b;
    let r = 0,
      mul = 1,
      x = 0;
    for (;;) {
      if (this.p >= this.end) throw new Error('DWARF LEB past the end');
      x = b[this.p++];
      r += (x & 0x7f) * mul;
      mul *= 128;
      if (!(x & 0x80)) break;
    }
    return x & 0x40 ? r - mul : r;
  }
  skip(n: number): void {
    this.need(n);
    this.p += n;
  }
  /** NUL-terminated string. */
  cstr(): string {
    const start = this.p;
    const b = this.b;
    let p = start;
    while (p < this.end && b[p] !== 0) p++;
    if (p >= this.end) throw new Error('unterminated DWARF string');
    this.p = p + 1;
    return cstrAt(b, start);
  }
}

const cache = new WeakMap<Uint8Array, Map<number, string>>();

/** NUL-terminated UTF-8 string at `off` (cached per section: .debug_str strings repeat). */
export function cstrAt(b: Uint8Array, off: number): string {
  let m = cache.get(b);
  if (!m) cache.set(b, (m = new Map()));
  const hit = m.get(off);
  if (hit !== undefined) return hit;
  if (off >= b.length) throw new Error(`string offset 0x${off.toString(16)} out of range`);
  let end = off;
  while (end < b.length && b[end] !== 0) end++;
  const s = utf8(b, off, end);
  m.set(off, s);
  return s;
}

/** Unit header length: returns [length, offsetSize]. */
export function initialLength(r: Reader): [number, number] {
  const l = r.u32();
  if (l === 0xffffffff) return [r.u64(), 8];
  if (l >= 0xfffffff0) throw new Error(`reserved unit length 0x${l.toString(16)}`);
  return [l, 4];
}

export function joinPath(dir: string, name: string): string {
  if (!dir || name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return name;
  return dir.endsWith('/') ? dir + name : dir + '/' + name;
}

/**
 * Walks the units of a DWARF section (.debug_info's units, .debug_line's
 * programs): `read` gets a Reader bounded to the unit, after its length and
 * version (2–5). A unit that throws is a problem (`problem(start, message)`),
 * not a failure: the walk goes on at the next unit when its length was read.
 */
export function forEachUnit(
  b: Uint8Array,
  what: string,
  section: string,
  versionName: string,
  read: (r: Reader, start: number, offSize: number, version: number) => void,
  problem: (start: number, message: string) => void,
): void {
  let start = 0;
  while (start < b.length) {
    const r = new Reader(b, start);
    let next = b.length;
    try {
      const [len, offSize] = initialLength(r);
      next = r.p + len;
      if (next > b.length) throw new Error(`${what} runs past ${section}`);
      r.end = next;
      const version = r.u16();
      if (version < 2 || version > 5) throw new Error(`unsupported ${versionName} ${version}`);
      read(r, start, offSize, version);
    } catch (e) {
      problem(start, (e as Error).message);
      if (next <= start) break;
    }
    start = next;
  }
}
