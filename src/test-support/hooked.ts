// Instantiates a rewritten module as the page's hooks do: the page's imports
// unchanged, then `ev` put in the module's hook table and its start function
// run (src/wasm/hook.ts). A module the rewriter left alone instantiates as is.
import { linkHook, type EvHook, type HookLink } from '../wasm';

export function hookedInstance(
  module: WebAssembly.Module | Uint8Array,
  imports: WebAssembly.Imports | undefined,
  link: HookLink | null,
  ev: EvHook,
): WebAssembly.Instance {
  const mod = module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module as BufferSource);
  const inst = new WebAssembly.Instance(mod, imports);
  if (link) linkHook(inst.exports, link, ev);
  return inst;
}

/** `ev` for tests that only record: every event's arguments, pushed; returns 0 (nothing to cache). */
export function recordingEv(events: number[][]): EvHook {
  return (...a: number[]) => {
    events.push(a);
    return 0;
  };
}
