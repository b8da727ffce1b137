// Connects a rewritten instance to its `ev` hook. The rewriter adds no
// function import (it would shift every defined function's index: a trap's
// `wasm-function[3]` would read `wasm-function[4]`, and crash reporters would
// symbolize the wrong code), so the wrappers call `ev` through element 0 of a
// funcref table of their own (`InstrumentResult.hookTable`). A JS function
// cannot be stored in a table directly: a one-function module imports it and
// re-exports it as a wasm function, which can.

/** What `linkHook` needs of a rewrite (InstrumentResult / InstrumentOutcome). */
export interface HookLink {
  hookTable: string;
  startExport: string | null;
}

export type EvHook = (kind: number, a: number, b: number, c: number, site: number, key: number) => number;

/**
 * (type (func (param i32 i32 i32 i32 i32 f64) (result i32)))
 * (import "m" "ev" (func (type 0))) (export "ev" (func 0))
 */
const EV_EXPORTER = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 11, 1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 1, 0x7f, 2, 8, 1, 1, 0x6d, 2, 0x65, 0x76, 0, 0, 7,
  6, 1, 2, 0x65, 0x76, 0, 0,
]);

/** The WebAssembly constructors to use: the page's originals, never our patched ones. */
export interface HookWA {
  Module: typeof WebAssembly.Module;
  Instance: typeof WebAssembly.Instance;
}

const exporters = new WeakMap<object, WebAssembly.Module>();

/** `ev` as a wasm function (compiled once per realm's Module, instantiated per hook). */
export function wasmFunction(ev: EvHook, wa: HookWA): Function {
  let m = exporters.get(wa.Module);
  if (!m) exporters.set(wa.Module, (m = new wa.Module(EV_EXPORTER)));
  return (new wa.Instance(m, { m: { ev } }).exports as { ev: Function }).ev;
}

/**
 * Puts `ev` in the instance's hook table, then runs the module's start
 * function (taken out of the start section by the rewriter, since its
 * allocations need the hook). A trap in it propagates as it would from
 * instantiation. Returns false when the instance has no hook table (a module
 * the rewriter left unchanged).
 */
export function linkHook(exports: WebAssembly.Exports, link: HookLink, ev: EvHook, wa: HookWA = WebAssembly): boolean {
  // (the instance's own export: a WebAssembly.Table, of whichever realm compiled it)
  const table = link.hookTable ? (exports as Record<string, WebAssembly.Table | undefined>)[link.hookTable] : undefined;
  if (typeof table?.set !== 'function') return false;
  table.set(0, wasmFunction(ev, wa));
  if (link.startExport) (exports as Record<string, () => void>)[link.startExport]();
  return true;
}
