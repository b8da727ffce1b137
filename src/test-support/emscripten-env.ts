// The `env` imports a standalone emscripten module (the leak-emcc-* fixtures,
// built without the JS glue) needs to run: memcpy of large blocks and heap
// growth, on the module's own memory. No Node or DOM API: bench/slowdown-core
// and e2e/table-check run it bundled in a Chromium page too.

/** `memory()` returns the instance's exported memory (known once it is instantiated). */
export function emscriptenEnv(memory: () => WebAssembly.Memory) {
  return {
    emscripten_memcpy_big: (d: number, s: number, n: number) => void new Uint8Array(memory().buffer).copyWithin(d, s, s + n),
    emscripten_resize_heap: (req: number) => {
      const m = memory();
      const cur = m.buffer.byteLength;
      if (req > cur) m.grow(Math.ceil((req - cur) / 65536));
      return 1;
    },
  };
}
