// expect(fn).not.toLeakWasm(): a vitest matcher (jest's expect.extend takes
// the same object). Importing this module starts tracking (trackWasm()) and
// registers the matcher with vitest's expect; list it in vitest's
// `setupFiles` so that it runs before the test file instantiates its modules:
//   test: { setupFiles: ['wasm-leaks/vitest'] }
//   await expect(() => enc.encode('x')).not.toLeakWasm();
// The matcher is async (await it). It fails, in both forms, when no module
// was instrumented: nothing would have been checked.
// The bare import too: tsc keeps it in vitest.d.ts (the named one is elided there), and without
// vitest's module loaded a consumer's checker ignores the augmentation below (TS2339 on toLeakWasm).
import 'vitest';
import { expect } from 'vitest';
import { formatReport } from '../report/leak-report';
import { trackWasm, withLeakCheck, type CheckOptions } from './track';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

export const wasmLeakMatchers = {
  /** pass = `fn` leaks: blocks it allocated are still alive after it, more than `maxLeakBytes`, or it misused the allocator. */
  async toLeakWasm(this: { isNot?: boolean }, received: unknown, options: CheckOptions = {}): Promise<MatcherResult> {
    if (typeof received !== 'function') throw new TypeError(`toLeakWasm: expected a function, got ${typeof received}`);
    const report = await withLeakCheck(received as () => unknown, { ...options, throwOnFailure: false });
    if (!report.modules.some((m) => m.instrumented)) throw new Error(`toLeakWasm: nothing was checked\n${formatReport(report)}`);
    const pass = !report.ok;
    return {
      pass,
      message: () =>
        this.isNot
          ? `expected no WebAssembly leak\n${formatReport(report)}`
          : `expected a WebAssembly leak, found none\n${formatReport(report)}`,
    };
  },
};

trackWasm();
expect.extend(wasmLeakMatchers);

interface WasmLeakMatchers<R = unknown> {
  toLeakWasm(options?: CheckOptions): Promise<R>;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: merged with vitest's own declaration, whose default is any
  interface Assertion<T = any> extends WasmLeakMatchers<T> {}
  interface AsymmetricMatchersContaining extends WasmLeakMatchers {}
}
