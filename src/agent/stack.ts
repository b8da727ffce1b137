// Call stacks from V8's Error.stack text. Wasm frames look like
//   at process_data (wasm://wasm/7df14e82:wasm-function[6]:0x110)   (name section)
//   at wasm://wasm/7df14e82:wasm-function[4]:0x7a                   (no names)
// and the offset counts from the module's first byte (seen in Chromium 156).
import type { FrameMsg } from '../protocol/messages';

const WASM_FRAME = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/;
/**
 * Frames another module's record mapped (see toOriginalFrames' `foreign`):
 * their function indices are that module's, so this module's per-function
 * marks (export names, allocator wrappers) must not touch them.
 */
export const FOREIGN = new WeakSet<FrameMsg>();
/** Functions the rewriter adds are named with this prefix in the name section. */
const OWN_NAME = '__wasm_leaks';
const JS_LOCATION = /^(.*):(\d+):(\d+)$/;

export interface RawFrame {
  name: string;
  /** wasm function index as V8 reports it (in the rewritten module), -1 for JS. */
  func: number;
  offset: number;
  file: string;
  line: number;
}

/** Parses one `at ...` line; returns null for lines that are not frames. */
export function parseFrameLine(line: string): RawFrame | null {
  let text = line.trim();
  if (!text.startsWith('at ')) return null;
  text = text.slice(3);
  if (text.startsWith('async ')) text = text.slice(6);
  let name = '';
  let location = text;
  const open = text.lastIndexOf(' (');
  if (open > 0 && text.endsWith(')')) {
    name = text.slice(0, open);
    location = text.slice(open + 2, -1);
  }
  const wasm = WASM_FRAME.exec(location);
  if (wasm) {
    const func = Number(wasm[1]);
    return {
      name: name || `wasm-function[${func}]`,
      func,
      offset: parseInt(wasm[2], 16),
      file: location.slice(0, wasm.index - 1),
      line: 0,
    };
  }
  const js = JS_LOCATION.exec(location);
  if (js) return { name: name || '(anonymous)', func: -1, offset: -1, file: js[1], line: Number(js[2]) };
  return { name: name || location, func: -1, offset: -1, file: '', line: 0 };
}

export function parseStack(stack: string | undefined, max: number): RawFrame[] {
  const frames: RawFrame[] = [];
  if (!stack) return frames;
  for (const line of stack.split('\n')) {
    const f = parseFrameLine(line);
    if (f) frames.push(f);
    if (frames.length >= max) break;
  }
  return frames;
}

/** The raw V8 stack text above `below` (exclusive), for interning before parsing. */
export function captureStackText(below: Function, max: number): string {
  const holder: { stack?: string } = {};
  const E = Error as unknown as { captureStackTrace?: (o: object, f: Function) => void; stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = max;
  try {
    if (E.captureStackTrace) E.captureStackTrace(holder, below);
    else holder.stack = new Error().stack;
  } finally {
    E.stackTraceLimit = limit;
  }
  return holder.stack ?? '';
}

/** Captures the stack above `below` (exclusive): hook frames never show. */
export function captureStack(below: Function, max: number): RawFrame[] {
  const holder: { stack?: string } = {};
  const E = Error as unknown as { captureStackTrace?: (o: object, f: Function) => void; stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = max + 4;
  try {
    if (E.captureStackTrace) E.captureStackTrace(holder, below);
    else holder.stack = new Error().stack;
  } finally {
    E.stackTraceLimit = limit;
  }
  return parseStack(holder.stack, max + 4);
}

/** A source location chain for one wasm code offset, innermost (inlined) first. */
export interface SymbolizedFrame {
  name: string;
  file: string;
  line: number;
}

/**
 * Maps frames of a rewritten module back to the original: drops the functions
 * the rewriter added, maps offsets, and expands each wasm frame into its
 * source frames (an inlined call becomes two frames at one offset).
 */
export function toOriginalFrames(
  frames: RawFrame[],
  mapFunc: ((i: number) => number) | null,
  mapOffset: ((o: number) => number) | null,
  symbolize: ((func: number, offset: number) => SymbolizedFrame[] | null) | null,
  max: number,
  /**
   * The module's own script in V8's frames (`wasm://wasm/<hash>`), once known.
   * A wasm frame of another script is another module's code (a side module
   * calling the main module's malloc, or a module calling another's export
   * through JS): its indices mean nothing here, so it goes to `foreign`
   * (that module's own mapping, when the hook knows it) or stays as V8 wrote it.
   */
  own: string | null = null,
  foreign: ((f: RawFrame) => FrameMsg[] | null) | null = null,
): FrameMsg[] {
  const out: FrameMsg[] = [];
  let previous = -1;
  for (const f of frames) {
    if (out.length >= max) break;
    if (f.func < 0) {
      out.push({ name: f.name, func: -1, offset: -1, file: f.file, line: f.line });
      previous = -1;
      continue;
    }
    if (own !== null && f.file !== own) {
      previous = -1;
      pushForeign(out, f, foreign, max);
      continue;
    }
    const func = mapFunc ? mapFunc(f.func) : f.func;
    if (func < 0) continue; // a wrapper the rewriter added: not the user's code
    // Direct recursion is folded: a function that called itself shows once,
    // at its innermost frame (the rewriter keeps one calling context for it).
    if (func === previous) continue;
    previous = func;
    for (const m of sourceFrames(f, func, mapOffset, symbolize)) if (out.length < max) out.push(m);
  }
  return out;
}

/** A frame of another module's script (see toOriginalFrames' `own`), mapped by `foreign` or as V8 wrote it, onto `out`. */
export function pushForeign(out: FrameMsg[], f: RawFrame, foreign: ((f: RawFrame) => FrameMsg[] | null) | null, max: number): void {
  const mapped = foreign?.(f);
  if (mapped)
    for (const m of mapped) {
      FOREIGN.add(m);
      if (out.length < max) out.push(m);
    }
  if (mapped || f.name.startsWith(OWN_NAME)) return; // (unknown: our wrappers still never show)
  if (out.length < max) out.push({ name: f.name, func: -1, offset: -1, file: f.file, line: 0 });
}

/** An own wasm frame of original function `func` as its source frames (inlined calls first), else as V8 named it. */
export function sourceFrames(
  f: RawFrame,
  func: number,
  mapOffset: ((o: number) => number) | null,
  symbolize: ((func: number, offset: number) => SymbolizedFrame[] | null) | null,
): FrameMsg[] {
  const offset = mapOffset ? mapOffset(f.offset) : f.offset;
  const symbols = symbolize?.(func, offset);
  if (symbols && symbols.length > 0) return symbols.map((s) => ({ name: s.name, func, offset, file: s.file, line: s.line }));
  const name = f.name.startsWith('wasm-function[') ? `wasm-function[${func}]` : f.name;
  return [{ name, func, offset, file: f.file, line: 0 }];
}
