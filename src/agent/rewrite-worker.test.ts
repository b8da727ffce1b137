// The rewrite worker's protocol in Node: a page agent whose big modules go to
// serveRewrites over a real MessageChannel (structured clone, transferred
// buffers, WebAssembly.Module posted back), against the same agent rewriting
// in the page. Same figures, same frames, same module messages.
import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { TestPage } from '../test-support/test-page';
import { denseModule } from '../../bench/dense-module';
import { instrument } from '../wasm';
import { RewriteClient, type WorkerLike } from './rewrite-client';
import { serveRewrites, type RewriteScope } from './rewrite-worker';
import { fromWire, toWire, functionCount, outcomeWire } from './rewrite-wire';
import { fixture } from '../test-support/fixtures';

/** A client whose "worker" is the other end of a MessageChannel served by serveRewrites in this thread. */
function channelClient(pending: { name: string; size: number }[][]): { client: RewriteClient; close(): void } {
  const { port1, port2 } = new MessageChannel();
  const worker: WorkerLike = {
    postMessage: (msg, transfer) => port1.postMessage(msg, transfer as never),
    addEventListener: (type, fn) => {
      if (type === 'message') port1.on('message', (data) => fn({ data }));
    },
    terminate: () => port1.close(),
  };
  const scope: RewriteScope = {
    postMessage: (msg, transfer) => port2.postMessage(msg, transfer as never),
    addEventListener: (_type, fn) => port2.on('message', (data) => fn({ data })),
  };
  const client = new RewriteClient({
    start: () => {
      serveRewrites(scope, WebAssembly, (bytes) => instrument(bytes));
      return worker;
    },
    setTimer: () => 0,
    minBytes: 1 << 20,
    onPending: (list) => pending.push(list),
  });
  const close = () => {
    port1.close();
    port2.close();
  };
  return { client, close };
}

describe('rewrite worker', () => {
  it('a dense module rewritten there counts the same blocks, with the same stacks, as rewritten here', async () => {
    const bytes = denseModule({ bytes: 2e6, funcs: 300, allocSites: 300, calls: 300, runnable: true }) as Uint8Array<ArrayBuffer>;
    const results = [];
    for (const away of [false, true]) {
      const pending: { name: string; size: number }[][] = [];
      const ch = channelClient(pending);
      const page = new TestPage('test://dense', away ? { rewriteElsewhere: (b, name, mark) => ch.client.rewrite(b, name, mark) } : {});
      const input = bytes.slice();
      const { instance } = (await page.wa.instantiate(input, {
        env: { note() {} },
      })) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
      const x = instance.exports as unknown as { main(n: number): number; allocs: WebAssembly.Global; frees: WebAssembly.Global };
      const diff = page.compare(() => x.main(0));
      const stacks = page
        .reply('batch')
        .flatMap((b) => b.sites.map((s) => s.frames.map((f) => `${f.name}@${f.func}:${f.offset}`).join(' < ')));
      results.push({
        untouched: input.byteLength === bytes.byteLength, // (the hook rewrites a copy: the page's buffer stays whole)
        pending,
        allocs: x.allocs.value,
        frees: x.frees.value,
        newCount: diff.newCount,
        modules: page.reply('module').map(({ time: _t, ...m }) => m),
        stacks,
      });
      ch.close();
    }
    const [here, there] = results;
    expect([here.untouched, there.untouched]).toEqual([true, true]);
    expect(here.pending).toEqual([]);
    expect(there.pending).toEqual([[{ name: '(bytes)', size: bytes.length }], []]);
    expect([there.allocs, there.frees, there.newCount]).toEqual([973, 428, 545]);
    expect([here.allocs, here.frees, here.newCount]).toEqual([973, 428, 545]);
    expect(there.modules).toEqual(here.modules);
    expect(there.stacks.length).toBeGreaterThan(100);
    expect(there.stacks).toEqual(here.stacks);
  });

  it('bytes that do not compile fail as they do when rewritten here (the page compiles them and gets the error)', async () => {
    const whole = denseModule({ bytes: 2e6, funcs: 300, allocSites: 300, calls: 300, runnable: true });
    const cut = whole.slice(0, 1_500_000) as Uint8Array<ArrayBuffer>;
    const errors = [];
    for (const away of [false, true]) {
      const pending: { name: string; size: number }[][] = [];
      const ch = channelClient(pending);
      const page = new TestPage('test://cut', away ? { rewriteElsewhere: (b, name, mark) => ch.client.rewrite(b, name, mark) } : {});
      const error = await page.wa.instantiate(cut, { env: { note() {} } }).then(
        () => null,
        (e: Error) => e,
      );
      errors.push({ ctor: error?.constructor, message: error?.message, pending: pending.length });
      ch.close();
    }
    expect(errors[0].ctor).toBe(WebAssembly.CompileError);
    expect(errors[1]).toEqual({ ...errors[0], pending: 2 });
  });

  it('the outcome crosses as data: every offset and function index maps back as the rewriter maps it', async () => {
    for (const name of ['leak-emcc-O0.wasm', 'stacks-emcc-O0.wasm', 'leak-wasi-O2.wasm']) {
      const bytes = fixture(name);
      const outcome = instrument(bytes);
      const module = await WebAssembly.compile(outcome.bytes as BufferSource);
      const imported = WebAssembly.Module.imports(module).filter((i) => i.kind === 'function').length;
      const count = functionCount(outcome.bytes, imported);
      const back = fromWire(structuredClone(toWire(outcome, count).wire));
      const funcs = Array.from({ length: count + 4 }, (_, i) => i);
      expect(funcs.map((i) => back.toOriginalFunc(i))).toEqual(funcs.map((i) => outcome.toOriginalFunc(i)));
      const offsets = Array.from({ length: outcome.bytes.length + 8 }, (_, i) => i - 4);
      expect(offsets.map((o) => back.toOriginalOffset(o))).toEqual(offsets.map((o) => outcome.toOriginalOffset(o)));
      const { toOriginalFunc: _a, toOriginalOffset: _b, offsets: _c, ...data } = outcome;
      const { toOriginalFunc: _d, toOriginalOffset: _e, offsets: _f, ...same } = back as typeof back & { offsets?: unknown };
      expect(same).toEqual(data);
      // Passed on again (a page to its pthread workers, module-exchange.ts): the same runs.
      expect(outcomeWire(back, module, WebAssembly).wire).toEqual(toWire(outcome, count).wire);
    }
  });
});
