// The inspected page must behave exactly as without the extension: same
// results from its wasm functions, same errors, same memory growth.
import { test, expect, openDemo, withoutExtension } from './harness';
import type { Demo } from './scenario';

declare const demo: Demo;

async function scenario(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    demo.process(1000);
    const sum = demo.checksum(1000);
    const work = demo.workloads();
    demo.leak();
    const grow = demo.growWasm(1);
    // Error types and messages of the WebAssembly API are the browser's own.
    const errors: string[] = [];
    for (const bad of [new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]), 'nope']) {
      try {
        await WebAssembly.compile(bad as BufferSource);
      } catch (e) {
        errors.push(`${(e as Error).constructor.name}`);
      }
    }
    return {
      sum,
      work,
      grow,
      memory: demo.memoryBytes(),
      errors,
      isModule: (await WebAssembly.compile(await (await fetch('wasm/leak-wasi-O0.wasm')).arrayBuffer())) instanceof WebAssembly.Module,
    };
  });
}

for (const build of ['wasi-O2', 'emcc-O2']) {
  test(`${build}: results are identical with and without the extension`, async ({ context, site }) => {
    const withExt = await scenario(await openDemo(context, site, build));
    const without = await withoutExtension(async (plain) => scenario(await openDemo(plain, site, build)));
    expect(withExt).toEqual(without);
    expect(withExt.errors).toEqual(['CompileError', 'TypeError']);
  });
}
