// A block's *site*: the first frame of its allocation stack outside the
// allocator wrappers (frames marked `alloc` by the page, or by the user in the
// panel). Shared by the page, the panel and the tests so all group the same way.
import type { FrameMsg } from './messages';

/**
 * Index of the site frame in `frames` (innermost first): the first frame not
 * folded. `folded` decides per frame (default: the page's `alloc` mark); when
 * every frame is folded, the innermost one is the site.
 */
export function siteFrameIndex(frames: readonly FrameMsg[], folded: (f: FrameMsg) => boolean = (f) => f.alloc === true): number {
  for (let i = 0; i < frames.length; i++) if (!folded(frames[i])) return i;
  return 0;
}

/** A key equal for stacks whose site frame is the same code location. */
export function siteKey(module: number, frame: FrameMsg | undefined): string {
  if (!frame) return `${module}|?`;
  return frame.func >= 0 ? `${module}|w${frame.func}:${frame.offset}` : `${module}|j${frame.name}@${frame.file}:${frame.line}`;
}

/**
 * func, offset and line mixed into a small integer (equal frames, equal numbers): what the validator's and the
 * panel's frame tables are keyed by, so a frame seen before is found without hashing its name and file.
 */
export function frameHash(f: Pick<FrameMsg, 'func' | 'offset' | 'line'>): number {
  let h = Math.imul(f.func ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ f.offset, 0xc2b2ae35);
  h = Math.imul(h ^ f.line, 0x27d4eb2f);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}
