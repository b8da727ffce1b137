// A module's exports for a bench, plain or through a page agent (the hooks
// installed for this one instantiation only). Every function import is a stub
// returning 0: the benches' workloads never call them.
import { PageAgent } from '../src/agent/page-agent';
import { instrument } from '../src/wasm';

export type Exports = Record<string, (...a: number[]) => number>;

/** `hooked` null: the original module; else instrumented (contexts on or off) with a JS stack per allocation when `fullStacks`. */
export function loadExports(
  bytes: Uint8Array,
  hooked: { contexts: boolean; fullStacks?: boolean } | null,
): { x: Exports; agent: PageAgent | null } {
  const imports: Record<string, Record<string, () => number>> = {};
  for (const imp of WebAssembly.Module.imports(new WebAssembly.Module(bytes as BufferSource)))
    if (imp.kind === 'function') (imports[imp.module] ??= {})[imp.name] = () => 0;
  if (!hooked)
    return {
      x: new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), imports).exports as unknown as Exports,
      agent: null,
    };
  const wa = Object.fromEntries(
    Object.getOwnPropertyNames(WebAssembly).map((k) => [k, (WebAssembly as unknown as Record<string, unknown>)[k]]),
  ) as typeof WebAssembly;
  const agent = new PageAgent(wa, {
    post: () => {},
    now: () => performance.now(),
    url: 'bench',
    setTimer: () => 0,
    instrument: (b) => instrument(b, { contexts: hooked.contexts }),
  });
  agent.fullStacks = hooked.fullStacks ?? false;
  const x = new wa.Instance(new wa.Module(bytes as BufferSource), imports).exports as unknown as Exports;
  agent.hooks.uninstall();
  return { x, agent };
}
