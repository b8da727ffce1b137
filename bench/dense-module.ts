// A large, dense, valid wasm module written byte by byte, for the rewrite
// benchmark (issue 15 item 5): thousands of functions, thousands of malloc and
// free call sites, thousands of calls between functions that reach malloc
// (each gets a context wrapper), call_indirect through a table, an import JS
// could call back through, a name section, and filler code (loads, stores,
// arithmetic, blocks, loops) to reach the requested size. The shape is that
// of an optimized emscripten C++ module: minimal LEB128 call indices (so the
// rewriter's wrapper indices outgrow some of them and bodies are spliced).
// Deterministic: the same options give the same bytes.
import { Bytes } from '../src/wasm/bytes';

export interface DenseOptions {
  /** Target size in bytes (reached with filler code; the result is within a few KB). */
  bytes: number;
  /** Defined functions besides malloc and free. */
  funcs: number;
  /** Direct calls to malloc plus calls to free (about half each). */
  allocSites: number;
  /** Direct calls from one function to another (all reach malloc), plus a call_indirect per 16. */
  calls: number;
  /**
   * A module whose `main` can run (the e2e of issue 15): the filler sits
   * behind an `if` that is never taken (it would loop for ever or read out of
   * bounds), malloc and free count their calls in the exported globals
   * `allocs` and `frees`, and the memory is 16 MiB. Same size and shape to the
   * rewriter; without it, the bytes are those the benchmarks always had.
   */
  runnable?: boolean;
}

/** The rewriter's byte buffer, with the names this generator writes with. */
class Out extends Bytes {
  byte(...bs: number[]): void {
    this.raw(bs);
  }
  bytes(b: Uint8Array): void {
    this.append(b);
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function section(out: Out, id: number, content: Out): void {
  out.byte(id);
  out.u32(content.length);
  out.bytes(content.view());
}

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Types: 0 (i32)->i32 (malloc, every user function), 1 (i32)->() (free, the import)
const T_I_I = 0;
const T_I_V = 1;

/**
 * The module. Function indices: 0 the import env.note (i32)->(), 1 malloc
 * (a bump allocator), 2 free (reads the chunk header below its pointer),
 * 3.. the user functions f0..f(n-1), every one (i32)->i32 and in the table.
 */
export function denseModule(o: DenseOptions): Uint8Array {
  const rand = rng(0x5eed);
  const IMPORTS = 1;
  const MALLOC = IMPORTS;
  const FREE = IMPORTS + 1;
  const FIRST = IMPORTS + 2;
  const n = o.funcs;

  // Which function gets each call: spread evenly, so every function has its share.
  const allocOf = new Int32Array(n);
  for (let i = 0; i < o.allocSites; i++) allocOf[Math.floor(rand() * n)]++;
  const callsOf = new Int32Array(n);
  for (let i = 0; i < o.calls; i++) callsOf[Math.floor(rand() * n)]++;

  // One body: its calls, then filler up to `size` bytes (a loop over memory,
  // arithmetic, a block with a branch, a call to the import now and then: JS
  // could call back into an export).
  const run = o.runnable === true;
  const writeBody = (b: Out, f: number, size: number): void => {
    b.byte(1, 2, 0x7f); // one group of locals: 2 × i32 (1, 2); param 0
    // malloc sites, each followed by a store and (every other) a free
    for (let k = 0; k < allocOf[f]; k++) {
      if (k % 2 === 0) {
        b.byte(0x20, 0); // local.get 0
        b.byte(0x41);
        b.s32(8 + (k & 63) * 8); // i32.const size
        b.byte(0x6a, 0x10); // i32.add; call malloc
        b.u32(MALLOC);
        b.byte(0x22, 1); // local.tee 1
        b.byte(0x20, 0, 0x36, 2, 0); // local.get 0; i32.store
      } else {
        b.byte(0x20, 1, 0x10); // local.get 1; call free
        b.u32(FREE);
      }
    }
    // calls to other functions (lower indices: a DAG, like a real call graph)
    for (let k = 0; k < callsOf[f]; k++) {
      if (f === 0) break;
      const g = Math.floor(rand() * f);
      b.byte(0x20, 2); // local.get 2
      if (k % 16 === 15) {
        b.byte(0x41);
        b.s32(g); // table slot g holds f_g
        b.byte(0x11, T_I_I, 0); // call_indirect (type 0) table 0
      } else {
        b.byte(0x10);
        b.u32(FIRST + g);
      }
      b.byte(0x21, 2); // local.set 2
    }
    if (run) b.byte(0x41, 0, 0x04, 0x40); // i32.const 0; if: never taken
    for (let k = 0; b.length < size - 40; k++) {
      const r = Math.floor(rand() * 4);
      if (r === 0) {
        // block; local.get 0; i32.load offset; i32.const c; i32.xor; local.tee 2; br_if 0; end
        b.byte(0x02, 0x40, 0x20, 0, 0x28, 2);
        b.u32(k * 4);
        b.byte(0x41);
        b.s32((k * 2654435761) | 0);
        b.byte(0x73, 0x22, 2, 0x0d, 0, 0x0b);
      } else if (r === 1) {
        // loop: local.get 1; i32.const 1; i32.sub; local.tee 1; br_if 0; end
        b.byte(0x03, 0x40, 0x20, 1, 0x41, 1, 0x6b, 0x22, 1, 0x0d, 0, 0x0b);
      } else if (r === 2) {
        // local.get 0; local.get 0; local.get 2; i32.mul; i32.const c; i32.add; i32.store offset
        b.byte(0x20, 0, 0x20, 0, 0x20, 2, 0x6c, 0x41);
        b.s32(k * 977);
        b.byte(0x6a, 0x36, 2);
        b.u32((k * 8) & 0xfff);
      } else if (k % 64 === 0) {
        b.byte(0x20, 2, 0x10, 0); // local.get 2; call $note (import)
      } else {
        // f64 arithmetic that drops its result
        b.byte(0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x20, 0, 0xb8, 0xa2, 0x1a);
      }
    }
    if (run) b.byte(0x0b); // end (of the if)
    b.byte(0x20, 2, 0x0b); // local.get 2; end
  };

  // Fixed parts, to size the filler.
  const head = new Out();
  head.byte(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const types = new Out();
  types.u32(2);
  types.byte(0x60, 1, 0x7f, 1, 0x7f);
  types.byte(0x60, 1, 0x7f, 0);
  section(head, 1, types);
  const imports = new Out();
  imports.u32(1);
  imports.name('env');
  imports.name('note');
  imports.byte(0x00, T_I_V);
  section(head, 2, imports);
  const fns = new Out();
  fns.u32(run ? n + 3 : n + 2);
  fns.u32(T_I_I);
  fns.u32(T_I_V);
  for (let f = 0; f < n; f++) fns.u32(T_I_I);
  if (run) fns.u32(T_I_I); // main: every function once, through the table
  section(head, 3, fns);
  const table = new Out();
  table.u32(1);
  table.byte(0x70, 0x00);
  table.u32(n);
  section(head, 4, table);
  const memory = new Out();
  memory.u32(1);
  memory.byte(0x00);
  memory.u32(run ? 256 : 16); // pages, no maximum
  section(head, 5, memory);
  const globals = new Out();
  globals.u32(run ? 3 : 1);
  globals.byte(0x7f, 1, 0x41);
  globals.s32(1024);
  globals.byte(0x0b); // (mut i32) heap top
  if (run) globals.byte(0x7f, 1, 0x41, 0, 0x0b, 0x7f, 1, 0x41, 0, 0x0b); // (mut i32) allocs, frees
  section(head, 6, globals);
  const exports = new Out();
  exports.u32(run ? 6 : 4);
  exports.name('memory');
  exports.byte(0x02, 0);
  exports.name('malloc');
  exports.byte(0x00);
  exports.u32(MALLOC);
  exports.name('free');
  exports.byte(0x00);
  exports.u32(FREE);
  exports.name('main');
  exports.byte(0x00);
  exports.u32(run ? FIRST + n : FIRST + n - 1);
  if (run) {
    exports.name('allocs');
    exports.byte(0x03, 1);
    exports.name('frees');
    exports.byte(0x03, 2);
  }
  section(head, 7, exports);
  const elems = new Out();
  elems.u32(1);
  elems.byte(0x00, 0x41, 0x00, 0x0b); // table 0, offset 0
  elems.u32(n);
  for (let f = 0; f < n; f++) elems.u32(FIRST + f);
  section(head, 9, elems);

  const names = new Out();
  names.name('name');
  const fnames = new Out();
  fnames.u32(n + 3);
  fnames.u32(0);
  fnames.name('note');
  fnames.u32(MALLOC);
  fnames.name('malloc');
  fnames.u32(FREE);
  fnames.name('free');
  for (let f = 0; f < n; f++) {
    fnames.u32(FIRST + f);
    fnames.name(`dense_function_${f}`);
  }
  names.byte(1);
  names.u32(fnames.length);
  names.bytes(fnames.buf.subarray(0, fnames.length));

  // The code section: malloc, free, then each function filled to its share of the size.
  const per = Math.max(64, Math.floor((o.bytes - head.length - names.length - 16) / n));
  const code = new Out(o.bytes + (1 << 20));
  code.u32(run ? n + 3 : n + 2);
  const scratch = new Out(per * 2);
  const emitBody = (b: Out): void => {
    code.u32(b.length);
    code.bytes(b.buf.subarray(0, b.length));
  };
  // malloc: top = heap; heap += (size + 15) & ~7; store the size in the header; return top + 8
  const m = new Out();
  m.byte(1, 1, 0x7f);
  m.byte(0x23, 0, 0x22, 1); // global.get 0; local.tee 1
  m.byte(0x20, 0, 0x36, 2, 0); // local.get 0; i32.store (header)
  m.byte(0x23, 0, 0x20, 0, 0x41, 15, 0x6a, 0x41, 0x78, 0x71, 0x6a, 0x24, 0); // heap += (size + 15) & -8
  if (run) m.byte(0x23, 1, 0x41, 1, 0x6a, 0x24, 1); // allocs += 1
  m.byte(0x20, 1, 0x41, 8, 0x6a, 0x0b); // return top + 8
  emitBody(m);
  // free: read the header just below the pointer, clear it
  const fr = new Out();
  fr.byte(0);
  if (run) fr.byte(0x23, 2, 0x41, 1, 0x6a, 0x24, 2); // frees += 1
  fr.byte(0x20, 0, 0x41, 8, 0x6b, 0x41, 0, 0x36, 2, 0, 0x0b); // i32.store (p - 8) 0
  emitBody(fr);
  for (let f = 0; f < n; f++) {
    scratch.length = 0;
    writeBody(scratch, f, per - 4);
    emitBody(scratch);
  }
  if (run) {
    // main: for (i = 0; i < n; i++) acc = table[i](acc); return the heap top
    const mn = new Out();
    mn.byte(1, 2, 0x7f, 0x02, 0x40, 0x03, 0x40);
    mn.byte(0x20, 1, 0x41);
    mn.s32(n);
    mn.byte(0x4f, 0x0d, 1); // i >= n: break
    mn.byte(0x20, 2, 0x20, 1, 0x11, T_I_I, 0, 0x21, 2); // acc = call_indirect(acc, i)
    mn.byte(0x20, 1, 0x41, 1, 0x6a, 0x21, 1, 0x0c, 0, 0x0b, 0x0b); // i++; continue
    mn.byte(0x23, 0, 0x0b); // global.get heap top; end
    emitBody(mn);
  }
  const out = new Out(head.length + code.length + names.length + 16);
  out.bytes(head.buf.subarray(0, head.length));
  section(out, 10, code);
  out.byte(0);
  out.u32(names.length);
  out.bytes(names.buf.subarray(0, names.length));
  return out.buf.length === out.length ? out.buf : out.done();
}
