// Fuzz corpus (src/wasm/fuzz/corpus, made once by fuzz/generate.sh with
// binaryen's `wasm-opt -ttf`): every module must round-trip byte for byte,
// and instrumented — with arbitrary functions designated as allocators — must
// validate and behave exactly like the original.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { instrumentWith, parseModule, roundTrip, funcType, type AllocatorInfo } from './index';

const dir = new URL('./fuzz/corpus/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort();

function run(bytes: Uint8Array): { log: string[]; events: number } {
  const log: string[] = [];
  let events = 0;
  const logger = (tag: string) => (v: unknown) => void log.push(`${tag}:${String(v)}`);
  const imports = {
    'fuzzing-support': { 'log-i32': logger('i32'), 'log-i64': logger('i64'), 'log-f32': logger('f32'), 'log-f64': logger('f64') },
    __wasm_leaks: { ev: () => void events++ },
  };
  let inst: WebAssembly.Instance;
  try {
    inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), imports);
  } catch (e) {
    return { log: [`link:${(e as Error).constructor.name}`], events };
  }
  const x = inst.exports as Record<string, unknown>;
  for (const [name, f] of Object.entries(x)) {
    if (typeof f !== 'function' || f.length !== 0 || name === 'hangLimitInitializer') continue;
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
      expect(out.every((b, i) => b === bytes[i]), f).toBe(true);
    }
  });

  it('instruments every module into a valid module that behaves like the original', () => {
    let sites = 0;
    let events = 0;
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(new URL(f, dir)));
      const m = parseModule(bytes);
      // every function (imports too: log-i32 plays free) whose all-i32 type fits a role plays it
      const ROLES: Record<string, AllocatorInfo['role']> = { '1>1': 'malloc', '1>0': 'free', '2>1': 'calloc', '3>0': 'rust_dealloc', '3>1': 'posix_memalign', '4>1': 'rust_realloc' };
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
      const b = run(r.bytes);
      expect(b.log, f).toEqual(a.log);
      events += b.events;
    }
    // 2189 sites / 836 events when written: the designated "allocators" really are exercised
    expect(sites).toBeGreaterThan(1000);
    expect(events).toBeGreaterThan(500);
  });
});
