// expect(fn).not.toLeakWasm(): the matcher of wasm-leaks/vitest, on the demo
// program (wasi-libc with DWARF) instantiated after tracking started.
import { describe, it, expect, afterAll } from 'vitest';
import './vitest'; // starts tracking
import { activeTracker } from './track';
import { fixture } from '../test-support/fixtures';

const tracker = activeTracker()!;
afterAll(() => tracker.stop());
let demo: Record<string, (...a: number[]) => number>;

describe('toLeakWasm', () => {
  it('fails in both forms while no module is instrumented: nothing would be checked', async () => {
    await expect(expect(() => {}).not.toLeakWasm()).rejects.toThrow(
      /nothing was checked[\s\S]*no WebAssembly module was instantiated while tracking/,
    );
    await expect(expect(() => {}).toLeakWasm()).rejects.toThrow('nothing was checked');
  });

  it('.not.toLeakWasm() passes when every block is freed, and fails with the report when not', async () => {
    const { instance } = await WebAssembly.instantiate(fixture('leak-wasi-O0.wasm'), {});
    demo = instance.exports as unknown as typeof demo;
    demo._initialize();
    await expect(() => demo.process_data_fixed(1024)).not.toLeakWasm();
    await expect(async () => {
      await Promise.resolve();
      demo.process_data_fixed(1024);
    }).not.toLeakWasm();
    await expect(expect(() => demo.simulate_memory_leak()).not.toLeakWasm()).rejects.toThrow(
      /expected no WebAssembly leak\nLeak of 102,400 B in 100 blocks at process_data \(leak\.c:19\)[\s\S]*FAIL: 102,400 B leaked in 100 blocks at 1 site/,
    );
  });

  it('takes the check options; the positive form asserts a leak', async () => {
    await expect(() => demo.simulate_memory_leak()).toLeakWasm();
    await expect(() => demo.simulate_memory_leak()).not.toLeakWasm({ maxLeakBytes: 102_400 });
    await expect(() => demo.simulate_memory_leak()).not.toLeakWasm({ suppressions: ['^process_data$'] });
    await expect(expect(() => demo.process_data_fixed(8)).toLeakWasm()).rejects.toThrow('expected a WebAssembly leak, found none');
    await expect(expect('not a function').not.toLeakWasm()).rejects.toThrow('expected a function');
  });
});
