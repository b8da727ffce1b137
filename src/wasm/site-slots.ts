// Wrapper bodies as templates: the wrappers of one allocator differ only in
// the immediates derived from their site id, so the body is built once per
// allocator (and per LEB width of those immediates) and copied for every other
// site with those immediates rewritten. A dense module has thousands of
// allocator call sites; building each 'table' wrapper (≈300 bytes) from
// scratch was ≈20 µs a site (issue 15). The bytes are the same as a fresh
// build: the template is one, and each immediate keeps its minimal width.
import { lebWidth } from './leb128';
import type { Bytes } from './bytes';

/** `i32.const site` (the `site` argument of ev). */
export const SLOT_SITE = 0;
/** `i64.const site + 1` (the site mixed into the context key). */
export const SLOT_SITE_KEY = 1;
/** A memarg offset `siteMap + 4 × site` (the 'table' path's per-site map entry). */
export const SLOT_SITE_MAP = 2;

/**
 * Notes that the immediate of kind `kind` starts at `pos` of the body being
 * built (slots: [pos × 4 + kind, ...], positions relative to the body without
 * its size prefix). `slots` may be undefined: no template is being made.
 */
export function markSlot(slots: number[] | undefined, pos: number, kind: number): void {
  if (slots) slots.push(pos * 4 + kind);
}

/** Adds the width of the size prefix to every slot (the body has just been prefixed with its size). */
export function shiftSlots(slots: number[] | undefined, by: number): void {
  if (slots) for (let i = 0; i < slots.length; i++) slots[i] += by * 4;
}

export function s32Width(v: number): number {
  v |= 0;
  let w = 1;
  while (v >= 64 || v < -64) {
    v >>= 7;
    w++;
  }
  return w;
}

export function writeS32(b: Uint8Array, p: number, v: number): void {
  v |= 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      b[p] = byte;
      return;
    }
    b[p++] = byte | 0x80;
  }
}

export function writeU32(b: Uint8Array, p: number, v: number): void {
  v >>>= 0;
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[p] = v;
}

export class SiteBodies {
  private readonly cache = new Map<string, { bytes: number[]; slots: number[] }>();

  /** `siteMap`: where the per-site map starts ('table' free wrappers), else 0. */
  constructor(private readonly siteMap = 0) {}

  /**
   * Appends to `out` the sized body of the wrapper `key` (an allocator and a
   * wrapper kind) for `site`: a copy of its template with the site's
   * immediates written in, or, the first time, `build(site, slots)`, which
   * becomes the template.
   */
  emit(out: Bytes, key: string, site: number, build: (slots: number[]) => number[]): void {
    const mapAt = this.siteMap + 4 * site;
    const k = `${key}|${s32Width(site)}${s32Width(site + 1)}${lebWidth(mapAt)}`;
    const t = this.cache.get(k);
    if (!t) {
      const slots: number[] = [];
      const bytes = build(slots);
      this.cache.set(k, { bytes, slots });
      out.raw(bytes);
      return;
    }
    const at = out.length;
    out.raw(t.bytes);
    const b = out.buf;
    for (const s of t.slots) {
      const p = at + (s >> 2);
      const kind = s & 3;
      if (kind === SLOT_SITE) writeS32(b, p, site);
      else if (kind === SLOT_SITE_KEY) writeS32(b, p, site + 1);
      else writeU32(b, p, mapAt);
    }
  }
}
