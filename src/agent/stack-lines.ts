// The lines of V8 stack texts, each parsed and mapped once per record. A page
// with many distinct allocation paths (wasm-vips' first resize: ≈12,000
// stacks of ~35 frames) repeats the same few hundred lines, mostly the outer
// frames, in every new stack: parsing, mapping to the original module and
// symbolizing each line once, and naming a stack by its lines' ids instead of
// its ~2–5 kB text, makes a new stack cost little more than its capture
// (bench/stack-paths.ts).
import type { FrameMsg } from '../protocol/messages';
import { parseFrameLine, pushForeign, type RawFrame } from './stack';

/** One frame line of a stack text. */
export interface StackLine {
  /** > 0, never reused; 0: past the bound, not cached (its stack is keyed by its text). */
  id: number;
  raw: RawFrame;
  /** JS and own wasm frames, once mapped (see StackLines.frames). */
  mapped: MappedLine | undefined;
}

/** A JS frame (func -1) or an own wasm frame: its original function (< 0: a wrapper the rewriter added) and its frames, marked. */
export interface MappedLine {
  func: number;
  frames: FrameMsg[];
}

export class StackLines {
  /** Line text → its frame, null for a line that is no frame ("Error"). */
  private readonly known = new Map<string, StackLine | null>();
  private next = 1;

  constructor(private readonly bound: number) {}

  /**
   * The frame lines of `text`, at most `max` (as parseStack), and a key that
   * names exactly these frames: their ids, or the text itself when a line is
   * past the bound (ids are digits and commas, a V8 stack text never is).
   */
  read(text: string, max: number): { lines: StackLine[]; key: string } {
    const lines: StackLine[] = [];
    let key = '';
    let uncached = false;
    for (let start = 0; start < text.length && lines.length < max; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const s = text.slice(start, end);
      start = end + 1;
      let line = this.known.get(s);
      if (line === undefined) {
        const raw = parseFrameLine(s);
        const cache = this.known.size < this.bound;
        line = raw ? { id: cache ? this.next++ : 0, raw, mapped: undefined } : null;
        if (cache) this.known.set(s, line);
      }
      if (line === null) continue;
      lines.push(line);
      if (line.id === 0) uncached = true;
      key += `${line.id},`;
    }
    return { lines, key: uncached ? text : key };
  }

  /** The module's symbols changed (a source map or debug file arrived): map every line again. */
  forget(): void {
    for (const line of this.known.values()) if (line) line.mapped = undefined;
  }

  /**
   * toOriginalFrames (stack.ts) over cached lines: the same frames, with each
   * JS and own wasm line mapped once by `map`. Frames of another script go to
   * `foreign` every time (its answer may change: a module whose script is
   * learnt later). Direct recursion is folded as there.
   */
  static frames(
    lines: StackLine[],
    own: string,
    map: (raw: RawFrame) => MappedLine,
    foreign: ((f: RawFrame) => FrameMsg[] | null) | null,
    max: number,
  ): FrameMsg[] {
    const out: FrameMsg[] = [];
    let previous = -1;
    for (const line of lines) {
      if (out.length >= max) break;
      const f = line.raw;
      if (f.func >= 0 && f.file !== own) {
        previous = -1;
        pushForeign(out, f, foreign, max);
        continue;
      }
      const m = (line.mapped ??= map(f));
      if (f.func < 0) {
        out.push(m.frames[0]);
        previous = -1;
        continue;
      }
      if (m.func < 0 || m.func === previous) continue;
      previous = m.func;
      for (const x of m.frames) if (out.length < max) out.push(x);
    }
    return out;
  }
}
