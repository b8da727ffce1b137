// Fuzz corpus (src/wasm/fuzz/corpus, made once by fuzz/generate.sh with
// binaryen's `wasm-opt -ttf`): every module must round-trip byte for byte,
// and instrumented — with arbitrary functions designated as allocators — must
// validate and behave exactly like the original.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { instrumentWith, parseModule, roundTrip, funcType, type AllocatorInfo, type HookLink } from './index';
import { hookedInstance } from '../test-support/hooked';
import { encodeU32 } from './leb128';

const dir = new URL('./fuzz/corpus/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.wasm'))
  .sort();

function run(bytes: Uint8Array, link: HookLink | null = null): { log: string[]; events: number } {
  const log: string[] = [];
  let events = 0;
  const logger = (tag: string) => (v: unknown) => void log.push(`${tag}:${String(v)}`);
  const imports = {
    'fuzzing-support': { 'log-i32': logger('i32'), 'log-i64': logger('i64'), 'log-f32': logger('f32'), 'log-f64': logger('f64') },
  };
  let inst: WebAssembly.Instance;
  try {
    // (a start function runs in linkHook for the rewritten module: same log, same trap)
    inst = hookedInstance(bytes, imports, link, () => {
      events++;
      return 0;
    });
  } catch (e) {
    return { log: [`link:${(e as Error).constructor.name}`], events };
  }
  const x = inst.exports as Record<string, unknown>;
  for (const [name, f] of Object.entries(x)) {
    if (typeof f !== 'function' || f.length !== 0 || name === 'hangLimitInitializer' || name.startsWith('__wasm_leaks')) continue;
    (x.hangLimitInitializer as (() => void) | undefined)?.();
    try {
      const r = (f as () => unknown)();
      log.push(`${name}=${typeof r === 'number' && Number.isNaN(r) ? 'NaN' : String(r)}`);
    } catch (e) {
      log.push(`${name}!${(e as Error).constructor.name}:${(e as Error).message}`);
    }
  }
  return { log, events };
}

describe('fuzz corpus', () => {
  it('has ~200 modules, small', () => {
    expect(files.length).toBeGreaterThanOrEqual(200);
    const total = files.reduce((n, f) => n + readFileSync(new URL(f, dir)).length, 0);
    expect(total).toBeLessThan(2_000_000);
  });

  it('round-trips every module byte for byte', () => {
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(new URL(f, dir)));
      const out = roundTrip(bytes);
      expect(out.length, f).toBe(bytes.length);
      expect(
        out.every((b, i) => b === bytes[i]),
        f,
      ).toBe(true);
    }
  });

  it('instruments every module into a valid module that behaves like the original', () => {
    let sites = 0;
    let events = 0;
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(new URL(f, dir)));
      const m = parseModule(bytes);
      // every function (imports too: log-i32 plays free) whose all-i32 type fits a role plays it
      const ROLES: Record<string, AllocatorInfo['role']> = {
        '1>1': 'malloc',
        '1>0': 'free',
        '2>1': 'calloc',
        '3>0': 'rust_dealloc',
        '3>1': 'posix_memalign',
        '4>1': 'rust_realloc',
      };
      const allocators: AllocatorInfo[] = [];
      for (let i = 0; i < m.funcTypes.length; i++) {
        const t = funcType(m, i);
        if (!t || ![...t.params, ...t.results].every((v) => v === 0x7f)) continue;
        const role = ROLES[`${t.params.length}>${t.results.length}`];
        if (role) allocators.push({ role, funcIndex: i, name: `f${i}`, foundBy: 'name', confidence: 'certain' });
      }
      const r = instrumentWith(bytes, allocators);
      const valid = WebAssembly.validate(bytes as BufferSource);
      if (valid) expect(WebAssembly.validate(r.bytes as BufferSource), f).toBe(true);
      expect(roundTrip(r.bytes).length, f).toBe(r.bytes.length); // the output parses too
      sites += r.sites.length;
      if (!valid) continue;
      const a = run(bytes);
      const b = run(r.bytes, r);
      expect(b.log, f).toEqual(a.log);
      events += b.events;
    }
    // 2189 sites / 836 events when written: the designated "allocators" really are exercised
    expect(sites).toBeGreaterThan(1000);
    expect(events).toBeGreaterThan(500);
  });
});

/**
 * The module with its one defined memory and table turned into imports
 * (env.memory, env.table) and no Memory/Table section of its own: the shape
 * of an emscripten + embind module whose memory and table come from JS.
 * Index 0 stays index 0 (the module imported none). Null when it has none.
 */
function importMemoryAndTable(bytes: Uint8Array): Uint8Array | null {
  const m = parseModule(bytes);
  if (m.memories.length !== 1 || m.memories[0].imported) return null;
  const leb = (v: number): number[] => [...encodeU32(v)];
  const name = (s: string): number[] => [...leb(s.length), ...new TextEncoder().encode(s)];
  const body = (id: number) => m.sections.find((s) => s.id === id);
  const entries: number[][] = [];
  const skip = new Set<number>();
  const mem = body(5)!;
  // content: count (1), then the limits as they are
  entries.push([...name('env'), ...name('memory'), 0x02, ...bytes.subarray(mem.contentStart + 1, mem.end)]);
  skip.add(5);
  const tab = body(4);
  const tableCount = tab ? bytes[tab.contentStart] : 0;
  if (tab && tableCount === 1 && !m.imports.some((i) => i.kind === 1)) {
    entries.push([...name('env'), ...name('table'), 0x01, ...bytes.subarray(tab.contentStart + 1, tab.end)]);
    skip.add(4);
  }
  const out: number[] = [...bytes.subarray(0, 8)];
  const section = (id: number, content: number[]) => out.push(id, ...leb(content.length), ...content);
  let done = false;
  for (const s of m.sections) {
    if (skip.has(s.id)) continue;
    if (s.id === 2) {
      const count = m.imports.length + entries.length;
      // existing entries after the count LEB
      let p = s.contentStart;
      while (bytes[p] & 0x80) p++;
      section(2, [...leb(count), ...bytes.subarray(p + 1, s.end), ...entries.flat()]);
      done = true;
      continue;
    }
    if (!done && s.id !== 0 && s.id !== 1) {
      section(2, [...leb(entries.length), ...entries.flat()]);
      done = true;
    }
    out.push(...bytes.subarray(s.start, s.end));
  }
  return new Uint8Array(out);
}

describe('fuzz corpus, memory and table imported (no sections of their own)', () => {
  it('every such module instruments on both event paths: the call path validates, the table path keeps its sections in order', () => {
    let checked = 0;
    const ORDER = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];
    for (const f of files) {
      const bytes = importMemoryAndTable(new Uint8Array(readFileSync(new URL(f, dir))));
      if (!bytes || !WebAssembly.validate(bytes as BufferSource)) continue;
      const m = parseModule(bytes);
      const allocators: AllocatorInfo[] = [];
      for (let i = 0; i < m.funcTypes.length; i++) {
        const t = funcType(m, i);
        if (t && t.params.length === 1 && t.results.length === 1 && t.params[0] === 0x7f && t.results[0] === 0x7f) {
          allocators.push({ role: 'malloc', funcIndex: i, name: `f${i}`, foundBy: 'name', confidence: 'certain' });
          break;
        }
      }
      if (allocators.length === 0) continue;
      const call = instrumentWith(bytes, allocators, { eventPath: 'call' });
      expect(WebAssembly.validate(call.bytes as BufferSource), `${f} (call)`).toBe(true);
      const table = instrumentWith(bytes, allocators, { eventPath: 'table' });
      const ids = parseModule(table.bytes)
        .sections.filter((s) => s.id !== 0)
        .map((s) => ORDER[s.id]);
      expect(ids, `${f} (table)`).toEqual([...ids].sort((a, b) => a - b));
      // (a shared memory 0 stays on the call path: no table memory, see rewrite.ts)
      expect(parseModule(table.bytes).memories.length, f).toBe(m.memories[0].shared ? 1 : 2);
      checked++;
    }
    // the corpus modules with one defined memory and an (i32) -> i32 function to play malloc
    expect(checked).toBe(14);
  });
});
