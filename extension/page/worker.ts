// The agent inside a worker the page started (src/agent/worker-hook.ts loads
// it, built as a classic IIFE that also runs as a module). It reads what its
// bootstrap left in `self.__wasmLeaksWorker`, removes it, and speaks to the
// page's agent over the BroadcastChannel named there; the page relays to the
// panel (src/agent/context-relay.ts).
// Started without a bootstrap and named REWRITER_NAME, the same script is the
// page's rewrite worker instead (src/agent/rewrite-worker.ts).
import { BOOT_KEY, hookWorkers, type WorkerBoot } from '../../src/agent/worker-hook';
import { parsePanelMsg } from '../../src/protocol/validate';
import { ModuleExchange } from '../../src/agent/module-exchange';
import { gateMessages } from '../../src/agent/message-gate';
import { WorkerPorts, portMessage } from '../../src/agent/worker-ports';
import { watchClose } from '../../src/agent/worker-close';
import type { PageAgent } from '../../src/agent/page-agent';
import { eventPath, randomToken, startAgent } from './agent-setup';
import { serveRewrites, type RewriteScope } from '../../src/agent/rewrite-worker';
import { REWRITER_NAME } from '../../src/agent/rewrite-client';
import { instrument } from '../../src/wasm';

const FLAG = Symbol.for('wasm-leaks.installed');
const scope = globalThis as unknown as Record<string | symbol, unknown>;
const boot = scope[BOOT_KEY] as WorkerBoot | undefined;
delete scope[BOOT_KEY];

if (boot && !scope[FLAG] && typeof WebAssembly === 'object') {
  scope[FLAG] = true;
  const channel = new BroadcastChannel(boot.channel);
  const send = channel.postMessage.bind(channel);
  let agent: PageAgent | null = null;
  // This worker's own workers (emscripten's pthreads started from a worker), by token: for what the channel cannot carry.
  // (a SharedWorker may have no Worker to start them with)
  const ports = typeof Worker === 'function' ? new WorkerPorts(Worker) : null;
  const exchange = new ModuleExchange(
    boot.token,
    send,
    (id) => agent?.hooks.markedModule(id) ?? null,
    setTimeout.bind(globalThis),
    (token, data) => ports?.send(token, data) ?? false,
  );
  // Our messages on this worker's port go to the exchange, never to the page's script (this listener is the first).
  globalThis.addEventListener('message', (event: MessageEvent) => {
    const ours = portMessage(event.data);
    if (ours === undefined) return;
    event.stopImmediatePropagation();
    exchange.receivePort(ours);
  });
  agent = startAgent(globalThis, {
    post: (msg) => send({ from: boot.token, msg }),
    url: boot.url,
    context: { kind: boot.kind, name: boot.name },
    exchange,
  });
  const workerAgent = agent;
  // emscripten's pthread workers get the module in a message and instantiate
  // it synchronously: such messages wait for its rewrite (message-gate.ts).
  gateMessages(globalThis, {
    isForeign: (value) => workerAgent.hooks.isForeign(value),
    prepare: (module) => workerAgent.hooks.prefetch(module),
    setTimer: setTimeout.bind(globalThis),
  });
  channel.addEventListener('message', (event: MessageEvent) => {
    if (exchange.receive(event.data)) return;
    const data = event.data as { to?: unknown; msg?: unknown } | null;
    if (!data || typeof data !== 'object' || data.to !== boot.token) return;
    try {
      workerAgent.handle(parsePanelMsg(data.msg));
    } catch {
      /* malformed command: ignore */
    }
  });
  const perf = performance;
  // A worker that closes itself says its last figures, then that it ended (nothing runs after close()).
  watchClose(globalThis, () => {
    workerAgent.flush();
    send({ from: boot.token, ended: { how: 'closed', time: perf.timeOrigin + perf.now() } });
  });
  const unreached = (kind: string, url: string, reason: string) => send({ from: boot.token, unreached: { kind, url, reason } });
  hookWorkers(globalThis, {
    channel: boot.channel,
    agent: boot.agent,
    base: () => boot.url,
    unreached,
    token: () => randomToken(globalThis),
    started: (token, worker) => ports?.started(token, worker),
    // (a worker this one started and terminated: said on the channel as that worker)
    ended: (token, _how, time) => send({ from: token, ended: { how: 'terminated-by-worker', time } }),
  });
} else if (!boot && scope.name === REWRITER_NAME && typeof WebAssembly === 'object') {
  const path = eventPath(WebAssembly);
  serveRewrites(globalThis as unknown as RewriteScope, WebAssembly, (bytes) => instrument(bytes, { eventPath: path }));
}
