// A worker's incoming messages that carry a WebAssembly.Module compiled in
// another context are held until the hook has that module's bytes and its
// rewritten copy compiled, then dispatched again, in order.
//
// Why: emscripten's pthread workers (3.1.x) receive the module in a `load`
// message and instantiate it synchronously (`new WebAssembly.Instance`), where
// the hook cannot wait for the compiling context's answer (module-exchange.ts).
// Held for that moment, the synchronous instantiation finds the module ready.
// The page sees its messages a little later, the same ones, in the same order
// (dispatched again as MessageEvents with the same data, origin and ports).

const MAX_WAIT_MS = 10_000;

export interface MessageGateEnv {
  /** Whether `value` is a module compiled in another context that the hook could track. */
  isForeign(value: unknown): boolean;
  /** Fetches and compiles what the hook needs for it; settles when done (or given up). */
  prepare(module: WebAssembly.Module): Promise<unknown>;
  setTimer(fn: () => void, ms: number): unknown;
}

/** The foreign modules in a message: the data itself, or its own values one level down (emscripten's `{cmd, wasmModule}`). */
function foreignIn(data: unknown, env: MessageGateEnv): WebAssembly.Module[] {
  if (env.isForeign(data)) return [data as WebAssembly.Module];
  if (!data || typeof data !== 'object') return [];
  const found: WebAssembly.Module[] = [];
  try {
    const values = Array.isArray(data) ? data : Object.values(data);
    for (const v of values.slice(0, 64)) if (env.isForeign(v)) found.push(v as WebAssembly.Module);
  } catch {
    /* (structured clones have no getters; anything odd is let through) */
  }
  return found;
}

export function gateMessages(scope: typeof globalThis, env: MessageGateEnv): void {
  const held: MessageEvent[] = [];
  const ours = new WeakSet<Event>();
  let waiting = 0;
  const release = (): void => {
    for (const e of held.splice(0)) {
      const again = new MessageEvent('message', { data: e.data, origin: e.origin, lastEventId: e.lastEventId, ports: [...e.ports] });
      ours.add(again);
      scope.dispatchEvent(again);
    }
  };
  // Added before the page's script runs: this listener is the first.
  scope.addEventListener('message', (event: Event) => {
    if (ours.has(event)) return;
    const e = event as MessageEvent;
    const modules = foreignIn(e.data, env);
    if (waiting === 0 && modules.length === 0) return;
    e.stopImmediatePropagation();
    held.push(e);
    if (modules.length === 0) return;
    waiting++;
    let done = false;
    const settle = (): void => {
      if (done) return;
      done = true;
      if (--waiting === 0) release();
    };
    Promise.all(modules.map((m) => env.prepare(m).catch(() => undefined))).then(settle, settle);
    env.setTimer(settle, MAX_WAIT_MS);
  });
}
