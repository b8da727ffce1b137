// Hand-assembled modules: every instruction family the reader must know
// (including GC, exnref and typed references that Node 20 cannot run), the
// rewriting of every kind of function-index occurrence, and rejection of
// anything unknown.
import { describe, expect, it } from 'vitest';
import { instrument, instrumentWith, parseModule, roundTrip, InstrumentError, type AllocatorInfo } from './index';
import { encodeU32 } from './leb128';
import { hookedInstance, recordingEv } from '../test-support/hooked';

// --- a tiny assembler ------------------------------------------------------
type B = number[];
const u32 = (v: number): B => [...encodeU32(v)];
const pad5 = (v: number): B => [
  (v & 0x7f) | 0x80,
  ((v >>> 7) & 0x7f) | 0x80,
  ((v >>> 14) & 0x7f) | 0x80,
  ((v >>> 21) & 0x7f) | 0x80,
  (v >>> 28) & 0x7f,
];
const str = (s: string): B => [...u32(s.length), ...[...s].map((c) => c.charCodeAt(0))];
const vec = (items: B[]): B => [...u32(items.length), ...items.flat()];
const sec = (id: number, content: B): B => [id, ...u32(content.length), ...content];
const custom = (name: string, content: B): B => sec(0, [...str(name), ...content]);
const I32 = 0x7f,
  I64 = 0x7e,
  V128 = 0x7b,
  FUNCREF = 0x70,
  EXTERNREF = 0x6f;
const ftype = (p: B, r: B): B => [0x60, ...vec(p.map((x) => [x])), ...vec(r.map((x) => [x]))];
const body = (locals: B[], code: B): B => {
  const b = [...vec(locals), ...code, 0x0b];
  return [...u32(b.length), ...b];
};
const module = (...sections: B[]): Uint8Array => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flat()]);
const alloc = (role: AllocatorInfo['role'], funcIndex: number): AllocatorInfo => ({
  role,
  funcIndex,
  name: role,
  foundBy: 'name',
  confidence: 'certain',
});
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

// --- a runnable module (features Node 20 has) ------------------------------
// func 0: import env.log (i32)->()   1: malloc (bump)   2: free   3: tail(n) = return_call malloc
// 4: kitchen sink using many opcode families, calls malloc/free   5: grow(n) = memory.grow 0
// 6: start (calls malloc once)
function runnable(): Uint8Array {
  const types = sec(
    1,
    vec([
      ftype([I32], [I32]), // 0
      ftype([I32], []), // 1
      ftype([], [I32]), // 2
      ftype([I32, I32], [I32, I32]), // 3: multi-value block type
      ftype([], []), // 4
    ]),
  );
  const imports = sec(2, vec([[...str('env'), ...str('log'), 0x00, ...u32(1)]]));
  const funcs = sec(3, vec([[0], [1], [0], [2], [0], [4]]));
  const table = sec(4, vec([[FUNCREF, 0x00, 4]]));
  const memory = sec(5, vec([[0x00, 1]]));
  const globals = sec(
    6,
    vec([
      [I32, 1, 0x41, ...u32(1024), 0x0b], // heap pointer
      [FUNCREF, 0, 0xd2, ...u32(2), 0x0b], // ref.func free in a global initializer
    ]),
  );
  const exports = sec(
    7,
    vec([
      [...str('malloc'), 0, ...u32(1)],
      [...str('free'), 0, ...u32(2)],
      [...str('tail'), 0, ...u32(3)],
      [...str('sink'), 0, ...u32(4)],
      [...str('grow'), 0, ...u32(5)],
      [...str('mem'), 2, 0],
    ]),
  );
  const start = sec(8, u32(6));
  const elems = sec(
    9,
    vec([
      [0x00, 0x41, 0, 0x0b, ...vec([u32(1), u32(3)])], // active, funcidx vector
      [
        0x04,
        0x41,
        2,
        0x0b,
        ...vec([
          [0xd2, ...u32(2), 0x0b],
          [0xd0, FUNCREF, 0x0b],
        ]),
      ], // active, expressions
      [0x03, 0x00, ...vec([u32(4)])], // declarative (for ref.func 4 in code)
    ]),
  );
  const malloc = body([[1, I32]], [0x23, 0, 0x22, 1, 0x20, 0, 0x6a, 0x24, 0, 0x20, 1]);
  const free = body([], [0x01, 0x20, 0, 0x10, 0]); // free logs its argument (nop: not a pure forwarder to the import)
  const tail = body([], [0x20, 0, 0x12, ...pad5(1)]);
  const sink = body(
    [
      [2, I32],
      [1, V128],
      [1, FUNCREF],
    ],
    [
      0x41,
      16,
      0x10,
      ...pad5(1),
      0x21,
      0, // p = malloc(16) (padded LEB, as clang emits)
      0x41,
      1,
      0x41,
      2,
      0x02,
      3,
      0x0b,
      0x6a,
      0x1a, // multi-value block (type 3: i32 i32 -> i32 i32), i32.add, drop
      0xfd,
      12,
      ...Array(16).fill(7),
      0xfd,
      12,
      ...Array(16).fill(9),
      0xfd,
      13,
      ...Array.from({ length: 16 }, (_, i) => i),
      0xfd,
      27,
      1,
      0x1a, // v128.const, shuffle, extract_lane
      0x20,
      0,
      0x20,
      2,
      0xfd,
      84,
      0,
      0,
      3,
      0x21,
      2, // v128.load8_lane (memarg + lane) -> local 2 (v128)
      0x20,
      0,
      0x41,
      5,
      0xfe,
      0x17,
      2,
      0,
      0xfe,
      0x03,
      0x00, // i32.atomic.store, atomic.fence
      0x20,
      0,
      0x41,
      0,
      0x41,
      4,
      0xfc,
      11,
      0, // memory.fill
      0x43,
      0,
      0,
      0x80,
      0x3f,
      0xfc,
      0,
      0x1a, // i32.trunc_sat_f32_s
      0x41,
      0,
      0x25,
      0,
      0x21,
      3,
      0x41,
      0,
      0x20,
      3,
      0x26,
      0, // table.get / table.set
      0xd2,
      4,
      0x41,
      0,
      0xfc,
      15,
      0,
      0x1a,
      0xfc,
      16,
      0,
      0x1a, // ref.func, table.grow, table.size
      0xd0,
      FUNCREF,
      0xd1,
      0x1a, // ref.null, ref.is_null
      0x41,
      1,
      0x41,
      2,
      0x41,
      0,
      0x1c,
      1,
      I32,
      0x1a, // select t
      0x41,
      7,
      0xc0,
      0x1a, // i32.extend8_s
      0x06,
      0x40,
      0x41,
      0,
      0x1a,
      0x19,
      0x0b, // try / catch_all / end (legacy EH)
      0x06,
      0x40,
      0x18,
      0, // try ... delegate 0
      0x20,
      0,
      0x10,
      ...pad5(2), // free(p)
      0x20,
      0, // return p
    ],
  );
  const grow = body([], [0x20, 0, 0x40, 0x00]);
  const startFn = body([], [0x41, 8, 0x10, 1, 0x1a]); // minimal LEB call
  const code = sec(10, vec([malloc, free, tail, sink, grow, startFn]));
  const names = custom('name', [
    ...[
      1,
      ...u32(
        vec([
          [...u32(0), ...str('log')],
          [...u32(1), ...str('malloc')],
          [...u32(4), ...str('sink')],
          [...u32(6), ...str('start')],
        ]).length,
      ),
    ],
    ...vec([
      [...u32(0), ...str('log')],
      [...u32(1), ...str('malloc')],
      [...u32(4), ...str('sink')],
      [...u32(6), ...str('start')],
    ]),
    ...[2, ...u32(vec([[...u32(1), ...vec([[...u32(0), ...str('size')]])]]).length)],
    ...vec([[...u32(1), ...vec([[...u32(0), ...str('size')]])]]),
  ]);
  return module(
    types,
    imports,
    funcs,
    table,
    memory,
    globals,
    exports,
    start,
    elems,
    code,
    names,
    custom('sourceMappingURL', str('x.map')),
  );
}

describe('hand-assembled runnable module', () => {
  const bytes = runnable();

  it('is valid and round-trips', () => {
    expect(WebAssembly.validate(bytes as BufferSource)).toBe(true);
    expect(same(roundTrip(bytes), bytes)).toBe(true);
  });

  it('routes call, return_call and memory.grow through wrappers; renumbers everything else', () => {
    const r = instrument(bytes);
    expect(r.allocators.map((a) => [a.role, a.funcIndex, a.foundBy])).toEqual([
      ['malloc', 1, 'export'],
      ['free', 2, 'export'],
    ]);
    expect(WebAssembly.validate(r.bytes as BufferSource)).toBe(true);
    const events: number[][] = [];
    const logs: number[] = [];
    const inst = hookedInstance(r.bytes, { env: { log: (v: number) => void logs.push(v) } }, r, recordingEv(events));
    // the start function's malloc(8) ran once the hook was in place (linkHook)
    expect(events.map((e) => e.slice(0, 3))).toEqual([[1, 1024, 8]]);
    expect(r.sites[events[0][4]].funcIndex).toBe(6);
    const x = inst.exports as Record<string, (n?: number) => number>;
    events.length = 0;
    const p = x.sink();
    expect(events.map((e) => e.slice(0, 3))).toEqual([
      [1, p, 16],
      [4, p, 0],
    ]);
    expect(events.map((e) => r.sites[e[4]].funcIndex)).toEqual([4, 4]);
    expect(logs).toEqual([p]); // free ran (it logs)
    events.length = 0;
    const q = x.tail(32);
    expect(events.map((e) => e.slice(0, 3))).toEqual([[1, q, 32]]);
    expect(r.sites[events[0][4]]).toMatchObject({ funcIndex: 3, role: 'malloc' });
    expect(bytes[r.sites[events[0][4]].offset]).toBe(0x12); // the original return_call
    events.length = 0;
    expect(x.grow(2)).toBe(1);
    expect(events.map((e) => e.slice(0, 4))).toEqual([[11, 1, 2, 0]]);
    // calls from JS to the exports go through the export wrappers: reported with the export's site
    events.length = 0;
    const m = x.malloc(4);
    expect(events.map((e) => e.slice(0, 3))).toEqual([[1, m, 4]]);
    expect(r.sites[events[0][4]]).toEqual({ funcIndex: 1, offset: -1, role: 'malloc' });
    expect(r.exportSites.map((e) => [e.exportName, e.site])).toEqual([
      ['malloc', events[0][4]],
      ['free', r.exportSites[1].site],
    ]);
    // still real wasm functions of the allocator's type: a table takes them, `new` does not
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
    table.set(0, x.malloc);
    expect(table.get(0)).toBe(x.malloc);
    expect(() => new (x.malloc as unknown as new () => object)()).toThrow(TypeError);
  });

  it('keeps every index: exports, elements, globals and names; the start function is exported to run after the hook', () => {
    const r = instrument(bytes);
    const n = parseModule(r.bytes);
    const o = parseModule(bytes);
    expect(o.startFunc).toBe(6);
    expect(n.startFunc).toBe(null);
    expect(r.startExport).toBe('__wasm_leaks_start');
    // the allocators' exports point at their export wrappers (appended after every defined function)
    expect(n.exports.filter((e) => e.kind === 0).map((e) => [e.name, e.index])).toEqual([
      ['malloc', 8],
      ['free', 7],
      ['tail', 3],
      ['sink', 4],
      ['grow', 5],
      ['__wasm_leaks_start', 6],
    ]);
    // no function import added; one funcref table (the hook's) appended and exported
    expect(n.imports).toEqual(o.imports);
    expect(n.exports.filter((e) => e.kind === 1).map((e) => [e.name, e.index])).toEqual([['__wasm_leaks_ev', o.tables]]);
    expect(n.tables).toBe(o.tables + 1);
    expect([n.funcTypes[8], n.funcTypes[7]]).toEqual([n.funcTypes[1], n.funcTypes[2]]);
    for (const [i, name] of o.funcNames) expect(n.funcNames.get(i)).toBe(name);
    expect(n.funcNames.get(0)).toBe('log');
    expect(n.funcNames.get(1)).toBe('malloc');
    expect(n.funcNames.get(6)).toBe('start');
    const local = n.names!.funcIndexed.find((s) => s.id === 2)!;
    expect(local.idxVal).toEqual([1]);
    expect(r.memoryExport).toBe('mem');
    expect(r.globalExports).toEqual(['__wasm_leaks_global0']);
    // the padded call in sink kept its width: same body size
    expect(n.bodies[3].end - n.bodies[3].start).toBe(o.bodies[3].end - o.bodies[3].start);
  });
});

// --- features Node 20 cannot run: parsed, rewritten, re-parsed ----------------
function modern(): Uint8Array {
  const types = sec(
    1,
    vec([
      [
        0x4e,
        ...vec([
          // rec group: struct with a ref to the array, array of i8, subtype of struct
          [
            0x50,
            ...vec([]),
            0x5f,
            ...vec([
              [I32, 1],
              [0x63, 1, 0],
            ]),
          ], // 0: sub (open) struct { mut i32, (ref null 1) }
          [0x5e, 0x78, 1], // 1: array (mut i8)
          [
            0x4f,
            ...vec([u32(0)]),
            0x5f,
            ...vec([
              [I32, 1],
              [0x63, 1, 0],
              [0x77, 0],
            ]),
          ], // 2: sub final of 0
        ]),
      ],
      ftype([I32], [I32]), // 3
      ftype([I32], []), // 4
      ftype([], [I32]), // 5
      [0x60, 1, 0x64, 0x6e, 1, I32], // 6: (ref any) -> i32
    ]),
  );
  const funcs = sec(3, vec([[3], [4], [5], [6]]));
  const memory = sec(
    5,
    vec([
      [0x00, 1],
      [0x04, 1],
    ]),
  ); // memory 0 (i32), memory 1 (i64)
  const tags = sec(13, vec([[0x00, ...u32(4)]]));
  const globals = sec(
    6,
    vec([
      [I32, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b], // extended-const
      [0x63, 0x70, 0, 0xd2, ...u32(1), 0x0b], // (ref null func) = ref.func 1
    ]),
  );
  const exports = sec(
    7,
    vec([
      [...str('malloc'), 0, 0],
      [...str('free'), 0, 1],
      [...str('user'), 0, 2],
    ]),
  );
  const elems = sec(9, vec([[0x07, FUNCREF, ...vec([[0xd2, ...u32(3), 0x0b]])]])); // declarative, expressions
  const datacount = sec(12, u32(1));
  const malloc = body([], [0x41, 0]);
  const free = body([], []);
  const user = body(
    [
      [1, 0x63, 0x6e],
      [1, 0x69],
    ],
    [
      0x41,
      8,
      0x10,
      0,
      0x1a, // malloc(8)
      0x41,
      1,
      0x40,
      0x01,
      0x1a, // memory.grow 1 (i64 memory: not wrapped)... needs i64 arg; kept byte-exact
      0x42,
      1,
      0x40,
      0x01,
      0x1a,
      0x41,
      0,
      0x41,
      0,
      0xfb,
      0x00,
      2,
      0x1a, // struct.new 2 -> drop (3 fields: not valid typing, parse only)
      0xfb,
      0x08,
      1,
      2,
      0xfb,
      0x0f,
      0x1a, // array.new_fixed 1 2, array.len
      0xfb,
      0x09,
      1,
      0,
      0xfb,
      0x12,
      1,
      0,
      0xfb,
      0x02,
      0,
      1,
      0xfb,
      0x05,
      2,
      0, // array.new_data, array.init_data, struct.get, struct.set
      0x20,
      0,
      0xfb,
      0x14,
      0x6b,
      0xfb,
      0x17,
      0,
      0xfb,
      0x18,
      0x03,
      0,
      0x6e,
      0x00,
      0x1a, // ref.test, ref.cast null, br_on_cast flags label ht ht
      0x41,
      3,
      0xfb,
      0x1c,
      0xfb,
      0x1d,
      0xfb,
      0x1a,
      0xfb,
      0x1b, // ref.i31, i31.get_s, any.convert_extern, extern.convert_any
      0xd2,
      3,
      0x14,
      6,
      0xd4,
      0xd5,
      0,
      0xd6,
      0,
      0x1a, // ref.func, call_ref, ref.as_non_null, br_on_null, br_on_non_null
      0x1f,
      0x40,
      ...vec([
        [0x00, 0, 0],
        [0x01, 0, 0],
        [0x02, 0],
        [0x03, 0],
      ]),
      0x08,
      0,
      0x0b, // try_table with all catch kinds, throw
      0x20,
      1,
      0x0a, // throw_ref
      0x20,
      0,
      0x28,
      0x42,
      1,
      4,
      0x1a, // i32.load with memory index 1 (0x40 bit in alignment)
      0x42,
      0,
      0x28,
      0x42,
      1,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x01,
      0x1a, // memory64 offset > 4 GiB
      0xfd,
      0x80,
      0x02,
      0xfd,
      0x93,
      0x02, // relaxed SIMD 0x100, 0x113 (LEB sub-opcodes)
      0x41,
      9,
      0x12,
      0, // return_call malloc
      0x15,
      6, // return_call_ref
    ],
  );
  const refcall = body([], [0x41, 0]);
  const code = sec(10, vec([malloc, free, user, refcall]));
  const data = sec(11, vec([[0x01, ...vec([[1], [2]])]]));
  return module(custom('dylink.0', [1, 4, 0, 0, 0, 0]), types, funcs, memory, tags, globals, exports, elems, datacount, code, data);
}

describe('hand-assembled module with GC, exnref, typed refs, multi-memory, memory64', () => {
  const bytes = modern();

  it('parses every instruction and round-trips', () => {
    const m = parseModule(bytes);
    expect(m.types.length).toBe(7);
    expect(m.types[0]).toBeNull(); // struct
    expect(m.types[3]).toEqual({ params: [I32], results: [I32] });
    expect(m.memories.map((x) => x.memory64)).toEqual([false, true]);
    expect(same(roundTrip(bytes), bytes)).toBe(true);
  });

  it('instruments: calls and return_calls routed, i64 memory.grow left alone, dylink.0 stays first', () => {
    const r = instrument(bytes);
    expect(r.allocators.map((a) => a.role)).toEqual(['malloc', 'free']);
    expect(r.sites.filter((s) => s.offset >= 0).map((s) => s.role)).toEqual(['malloc', 'malloc']);
    const n = parseModule(r.bytes);
    expect(n.sections[0].name).toBe('dylink.0');
    expect(n.types.length).toBe(8); // ev type appended after the rec group
    expect(n.types[7]).toEqual({ params: [I32, I32, I32, I32, I32, 0x7c], results: [I32] });
    expect(n.imports).toEqual([]);
    // the hook's new table section went between function and memory sections
    expect(n.sections.filter((s) => s.id !== 0).map((s) => s.id)).toEqual([1, 3, 4, 5, 13, 6, 7, 9, 12, 10, 11]);
    // the memory.grow on the i64 memory is untouched, the user body otherwise identical
    const o = parseModule(bytes);
    const ob = bytes.subarray(o.bodies[2].codeStart, o.bodies[2].end);
    const nb = r.bytes.subarray(n.bodies[2].codeStart, n.bodies[2].end);
    expect(nb.length).toBe(ob.length);
    const diffs = [...ob].map((b, i) => (b === nb[i] ? -1 : i)).filter((i) => i >= 0);
    // only the two call immediates changed: call 0 -> wrapper, return_call 0 -> wrapper (ref.func 3 keeps its index)
    expect(diffs.length).toBe(2);
    expect(r.globalExports).toEqual([]);
  });

  it('memory 0 being memory64 means nothing is instrumented', () => {
    const m64 = module(
      sec(1, vec([ftype([0x7e], [0x7e])])),
      sec(3, vec([[0]])),
      sec(5, vec([[0x04, 1]])),
      sec(7, vec([[...str('malloc'), 0, 0]])),
      sec(10, vec([body([], [0x20, 0])])),
    );
    const r = instrument(m64);
    expect(r.bytes).toBe(m64);
    expect(r.reason).toMatch(/memory64/);
  });
});

describe('rejects what it does not know', () => {
  const withCode = (code: B) =>
    module(sec(1, vec([ftype([], [])])), sec(3, vec([[0]])), sec(5, vec([[0, 1]])), sec(10, vec([body([], code)])));
  const bad: [string, Uint8Array][] = [
    ['unknown opcode 0x17', withCode([0x17])],
    ['unknown opcode 0xc5', withCode([0xc5])],
    ['unknown 0xfc 18', withCode([0xfc, 18])],
    ['SIMD gap 0xfd 154', withCode([0xfd, 0x9a, 0x01])],
    ['relaxed SIMD past 0x113', withCode([0xfd, 0x94, 0x02])],
    ['unknown 0xfe 4', withCode([0xfe, 0x04])],
    ['atomic.fence with non-zero byte', withCode([0xfe, 0x03, 0x01])],
    ['unknown GC 0xfb 31', withCode([0xfb, 31])],
    ['stringref 0xfb 0x80', withCode([0xfb, 0x80, 0x01])],
    ['body ends early', withCode([0x02, 0x40])],
    ['unknown block type', withCode([0x02, 0x55, 0x0b])],
    ['unknown section id', module(sec(14, []))],
    ['sections out of order', module(sec(3, vec([])), sec(1, vec([])))],
    ['truncated module', module(sec(1, vec([ftype([], [])]))).subarray(0, 12)],
    ['bad magic', new Uint8Array([1, 2, 3, 4, 1, 0, 0, 0])],
    ['component', new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])],
    ['unknown value type', module(sec(1, vec([ftype([0x55], [])])))],
  ];
  it.each(bad)('%s', (_, bytes) => {
    expect(() => instrument(bytes)).toThrow(InstrumentError);
  });

  it('an instrumented module is not instrumented again', () => {
    const r = instrument(runnable());
    expect(() => instrument(r.bytes)).toThrow(/already instrumented/);
  });

  it('relocatable objects are refused', () => {
    expect(() => instrument(module(custom('linking', [2])))).toThrow(/relocatable/);
  });

  it('a module without allocators is returned unchanged with a reason', () => {
    const b = withCode([0x01]);
    const r = instrument(b);
    expect(r.bytes).toBe(b);
    expect(r.reason).toBe('no allocator found');
  });

  it('instrumentWith rejects a function whose type does not fit the role', () => {
    const b = withCode([]);
    expect(() => instrumentWith(b, [alloc('malloc', 0)])).toThrow(InstrumentError);
  });
});

describe('C++ operator new/delete', () => {
  // func 0 malloc (exported), 1 _Znwm forwarding to malloc plus work, 2 _Znam with its own allocator, 3 user
  const build = () => {
    const types = sec(1, vec([ftype([I32], [I32]), ftype([], [I32])]));
    const funcs = sec(3, vec([[0], [0], [0], [1]]));
    const memory = sec(5, vec([[0, 1]]));
    const exports = sec(7, vec([[...str('malloc'), 0, 0]]));
    const code = sec(
      10,
      vec([
        body([], [0x41, 16]),
        body([], [0x20, 0, 0x10, 0, 0x1a, 0x41, 8]), // _Znwm calls malloc: not hooked itself
        body([], [0x41, 32]), // _Znam: its own allocator
        body([], [0x41, 1, 0x10, 1, 0x41, 2, 0x10, 2, 0x6a]),
      ]),
    );
    const fnames = vec([
      [...u32(0), ...str('malloc')],
      [...u32(1), ...str('_Znwm')],
      [...u32(2), ...str('_Znam')],
      [...u32(3), ...str('user')],
    ]);
    return module(types, funcs, memory, exports, code, custom('name', [1, ...u32(fnames.length), ...fnames]));
  };
  it('hooks operator new only when it does not just call malloc', () => {
    const r = instrument(build());
    expect(r.allocators.map((a) => [a.name, a.role, a.foundBy])).toEqual([
      ['malloc', 'malloc', 'export'],
      ['_Znam', 'malloc', 'name'],
    ]);
    // the malloc call inside _Znwm is a site (its caller is user code), and so is user's call to _Znam
    expect(r.sites.filter((s) => s.offset >= 0).map((s) => s.funcIndex)).toEqual([1, 3]);
    expect(WebAssembly.validate(r.bytes as BufferSource)).toBe(true);
  });
});
