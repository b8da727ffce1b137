// The exports object the page sees. Exported allocators stay real wasm
// functions: the rewriter points them at wasm wrappers of their own ("export
// sites", src/wasm/rewrite.ts), so JS calls to them (emscripten's `_malloc`,
// sql.js's minified `Ia`) are counted inside wasm, `table.set` and linking
// keep their native checks, and `new` still throws. Here only the rewriter's
// own exports are hidden; a module the rewriter did not change keeps its very
// exports object.
import type { InstanceRecord } from './instance-record';

/**
 * Returns the exports object the page will see: the rewriter's own exports
 * hidden, same keys, order and values otherwise (`exports` itself when there
 * is nothing to hide). Records which allocator exports are counted in wasm.
 */
export function visibleExports(rec: InstanceRecord, exports: WebAssembly.Exports, hidden: ReadonlySet<string>): WebAssembly.Exports {
  rec.wrappedExports = (rec.outcome?.exportSites ?? []).map((e) => e.exportName).filter((name) => name in exports);
  if (hidden.size === 0) return exports;
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(exports)) if (!hidden.has(key)) out[key] = (exports as Record<string, unknown>)[key];
  return Object.freeze(out) as WebAssembly.Exports;
}
