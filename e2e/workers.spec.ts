// Workers the page starts get the agent (src/agent/worker-hook.ts): each
// worker is a source of its own in the panel, with its modules and blocks.
import type { Page } from '@playwright/test';
import { expect, launch, openPage, openPanel, tabIdOf, test, withAndWithout } from './harness';
import { compareAround, expectSeedLeakEach, moduleContexts, openPageAndPanel } from './scenario';

declare const workers: {
  ask(kind: string, command: unknown): Promise<string>;
  askShared(worker: SharedWorker, command: string): Promise<string>;
  compileAndPost(sync?: boolean): Promise<string>;
};

/**
 * Snapshot A, `workers.ask(kind, 'leak')` for each of `kinds`, Snapshot B: the seed leak in each worker's section
 * (`sections`, sorted); filtered to the section `alone`, its blocks with their stacks; each worker's
 * module still holds its 100 live blocks / 102,400 B.
 */
async function leakInEach(page: Page, panel: Page, kinds: string[], sections: string[], alone: string): Promise<void> {
  await compareAround(panel, async () =>
    expect(await page.evaluate((ks) => Promise.all(ks.map((k) => workers.ask(k, 'leak'))), kinds)).toEqual(kinds.map(() => 'leaked')),
  );
  await expectSeedLeakEach(panel, sections);
  await panel.getByRole('button', { name: `Filter to ${alone}` }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['100']);
  const top = panel.getByTestId('site-row').first();
  await expect(top.getByTestId('site-label')).toContainText('process_data');
  await expect(top.getByTestId('site-new')).toHaveText('100');
  await expect(panel.getByTestId('module-live-count')).toHaveText(kinds.map(() => '100'));
  await expect(panel.getByTestId('module-live-bytes')).toHaveText(kinds.map(() => '102,400 B'));
}

test('a classic, a module and a nested worker each run the seed module from their own URL; each shows its own 100 leaked blocks', async ({
  context,
  site,
}) => {
  const { page, panel } = await openPageAndPanel(context, `${site}/workers.html`);
  // The shims: each worker sees its script's URL, and its relative fetches and imports work.
  const where = await page.evaluate(async () => [
    await workers.ask('classic', 'where'),
    await workers.ask('module', 'where'),
    await workers.ask('nested', 'where'),
  ]);
  expect(where).toEqual([`${site}/workers/classic.js`, `${site}/workers/module.mjs`, `${site}/workers/classic.js`]);
  await expect(panel.getByTestId('module-status')).toHaveText(['instrumented ✓', 'instrumented ✓', 'instrumented ✓']);
  // Which worker each module runs in (the order is the order the workers first spoke).
  await expect(panel.getByTestId('module-context')).toHaveCount(3);
  expect(await moduleContexts(panel)).toEqual([
    'in module worker module.mjs “module”',
    'in worker classic.js “classic”',
    'in worker classic.js “inner”',
  ]);

  // Each worker's section of the comparison is named with its worker; one worker alone (its module's filter) shows its blocks.
  await leakInEach(
    page,
    panel,
    ['classic', 'module', 'nested'],
    [
      'leak-wasi-O0.wasm in module worker module.mjs “module”',
      'leak-wasi-O0.wasm in worker classic.js “classic”',
      'leak-wasi-O0.wasm in worker classic.js “inner”',
    ],
    'leak-wasi-O0.wasm in module worker module.mjs “module”',
  );
});

test('a classic and a module SharedWorker each run the seed module hooked; each shows its own 100 leaked blocks, noted as this tab’s copy', async ({
  context,
  site,
}) => {
  const { page, panel } = await openPageAndPanel(context, `${site}/workers.html`);
  // The shims: each sees its script's URL (the module one got its connection after its import).
  expect(await page.evaluate(async () => [await workers.ask('shared', 'where'), await workers.ask('shared-module', 'where')])).toEqual([
    `${site}/workers/shared.js`,
    `${site}/workers/shared-module.mjs`,
  ]);
  await expect(panel.getByTestId('module-status')).toHaveText(['instrumented ✓', 'instrumented ✓']);
  await expect(panel.getByTestId('module-context')).toHaveCount(2);
  expect(await moduleContexts(panel)).toEqual([
    'in module shared worker shared-module.mjs “shared-module”',
    'in shared worker shared.js “shared”',
  ]);
  // Said as a fact of the context, not as something that failed.
  const note = 'hooked for this tab — other tabs that open it get their own copy while this site is recorded';
  await expect(panel.getByTestId('module-context-note')).toHaveText([note, note]);
  await expect(panel.getByTestId('unreached')).toHaveCount(0);

  await leakInEach(
    page,
    panel,
    ['shared', 'shared-module'],
    [
      'leak-wasi-O0.wasm in module shared worker shared-module.mjs “shared-module”',
      'leak-wasi-O0.wasm in shared worker shared.js “shared”',
    ],
    'leak-wasi-O0.wasm in shared worker shared.js “shared”',
  );
});

test('within a document, every SharedWorker of one script and name is one worker, and a mismatch, a missing script or one that throws errors, as natively', async ({
  context,
  site,
}) => {
  const { native, hooked } = await withAndWithout(context, `${site}/workers.html`, async () => {
    const ask = workers.askShared;
    // The event a construction gets (its file as the script constructed, or another).
    const errorOf = (w: SharedWorker, script = '') =>
      new Promise<string>((resolve) => {
        w.onerror = (e: Event) =>
          resolve(
            e instanceof ErrorEvent
              ? `${e.type} ErrorEvent ${e.message} at ${e.filename === script ? 'its script' : e.filename}:${e.lineno}:${e.colno} error ${e.error} cancelable ${e.cancelable}`
              : `${e.type} ${e.constructor.name} cancelable ${e.cancelable}`,
          );
        w.port.onmessage = (e) => resolve(`answered ${e.data}`);
        w.port.postMessage('count');
      });
    const blob = (source: string) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const thrower = blob('\n  throw new Error("boom")');
    const moduleThrower = blob('\n\n throw new TypeError("boom")');
    // Its handlers set before it throws: the error event, then it runs on.
    const runsOn = blob('var n=0;onconnect=(e)=>{const p=e.ports[0];p.onmessage=()=>p.postMessage(++n)};throw new Error("late")');
    const first = new SharedWorker(runsOn);
    const threwThenRuns = [
      await new Promise((resolve) => {
        first.onerror = (e) => resolve((e as ErrorEvent).message);
      }),
      await ask(new SharedWorker(runsOn), 'count'),
    ];
    const a = new SharedWorker('workers/shared.js', 'counter');
    const counts = [await ask(a, 'count')];
    // The name as a string or in options: the same worker, one count.
    const b = new SharedWorker('workers/shared.js', { name: 'counter' });
    counts.push(await ask(b, 'count'));
    counts.push(await ask(new SharedWorker('workers/shared.js', 'other'), 'count'));
    counts.push(await ask(a, 'count'));
    return {
      counts,
      // The same script and name with another type or credentials than the running worker.
      otherType: await errorOf(new SharedWorker('workers/shared.js', { name: 'counter', type: 'module' })),
      otherCredentials: await errorOf(new SharedWorker('workers/shared.js', { name: 'counter', credentials: 'include' })),
      missing: await errorOf(new SharedWorker('workers/missing.js')),
      moduleMissing: await errorOf(new SharedWorker('workers/missing.mjs', { type: 'module' })),
      // A script that throws as it first runs (its handlers were never set).
      threw: await errorOf(new SharedWorker(thrower), thrower),
      moduleThrew: await errorOf(new SharedWorker(moduleThrower, { type: 'module' }), moduleThrower),
      syntax: await errorOf(new SharedWorker(blob('var = ;'))),
      moduleSyntax: await errorOf(new SharedWorker(blob('export const = ;'), { type: 'module' })),
      threwThenRuns,
      bad: (() => {
        try {
          // @ts-expect-error no arguments
          new SharedWorker();
          return 'constructed';
        } catch (e) {
          return (e as Error).name;
        }
      })(),
      badUrl: (() => {
        try {
          new SharedWorker('http://[bad');
          return 'constructed';
        } catch (e) {
          return (e as Error).name;
        }
      })(),
    };
  });
  expect(hooked).toEqual(native);
  expect(native).toEqual({
    counts: ['1 of 1 counter', '2 of 2 counter', '1 of 1 other', '3 of 2 counter'],
    otherType: 'error Event cancelable true',
    otherCredentials: 'error Event cancelable true',
    missing: 'error Event cancelable true',
    moduleMissing: 'error Event cancelable true',
    threw: 'error ErrorEvent Uncaught Error: boom at its script:2:3 error null cancelable true',
    moduleThrew: 'error ErrorEvent Uncaught TypeError: boom at its script:3:8 error null cancelable true',
    syntax: 'error Event cancelable true',
    moduleSyntax: 'error Event cancelable true',
    threwThenRuns: ['Uncaught Error: late', '1'],
    bad: 'TypeError',
    badUrl: 'SyntaxError',
  });
});

test('a page and its same-origin frame reach one SharedWorker, as natively; hooked, it is one context with its 100 blocks', async ({
  context,
  site,
}) => {
  const { native, hooked } = await withAndWithout(context, `${site}/workers.html`, async () => {
    const iframe = document.createElement('iframe');
    iframe.src = 'workers.html';
    const loaded = new Promise((resolve) => {
      iframe.onload = resolve;
    });
    document.body.append(iframe);
    await loaded;
    const frame = iframe.contentWindow as Window & typeof globalThis;
    // The frame first: the worker is still the page's (the top-most same-origin frame's).
    return [
      await workers.askShared(new frame.SharedWorker('workers/shared.js', 'both'), 'count'),
      await workers.askShared(new SharedWorker('workers/shared.js', 'both'), 'count'),
      await workers.askShared(new frame.SharedWorker('workers/shared.js', 'both'), 'leak'),
      await workers.askShared(new SharedWorker('workers/shared.js', 'both'), 'count'),
    ];
  });
  expect(hooked).toEqual(native);
  expect(native).toEqual(['1 of 1 both', '2 of 2 both', 'leaked', '3 of 4 both']);
  const page = context.pages().at(-1) as Page;
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-context')).toHaveText(['in shared worker shared.js “both”']);
  await expect(panel.getByTestId('module-live-count')).toHaveText(['100']);
  await expect(panel.getByTestId('module-live-bytes')).toHaveText(['102,400 B']);
});

test('data: workers and audio worklets run untouched, and the panel says why they are not tracked', async ({ context, site }) => {
  const probe = async () => {
    const dataWorker = await new Promise<string>((resolve) => {
      const w = new Worker('data:text/javascript,postMessage(typeof WebAssembly)');
      w.onmessage = (e) => resolve(String(e.data));
    });
    const dataShared = await new Promise<string>((resolve) => {
      const w = new SharedWorker('data:text/javascript,onconnect=(e)=>e.ports[0].postMessage(typeof WebAssembly)');
      w.port.onmessage = (e) => resolve(String(e.data));
      w.onerror = () => resolve('error');
    });
    const audio = new AudioContext();
    await audio.audioWorklet.addModule('workers/worklet.js');
    const node = new AudioWorkletNode(audio, 'probe');
    const worklet = await new Promise((resolve) => {
      node.port.onmessage = (e) => resolve(e.data);
    });
    await audio.close();
    return { dataWorker, dataShared, worklet };
  };
  const { native, hooked } = await withAndWithout(context, `${site}/workers.html`, probe);
  expect(hooked).toEqual(native);
  expect(native).toEqual({
    dataWorker: 'object',
    // (Chromium refuses a data: SharedWorker: an error event, natively too)
    dataShared: 'error',
    worklet: { wasm: 'object', channel: 'undefined', timers: 'undefined' },
  });
  const page = context.pages().at(-1) as Page;
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('unreached-worker')).toHaveText([
    'worker data:text/javascript,postMessage(typeof WebAssembly): data: URL workers run in an opaque origin; hooked, this one would run in the page’s',
    'shared worker data:text/javascript,onconnect=(e)=>e.ports[0].postMessage(typeof WebAssembly): data: URL workers run in an opaque origin; hooked, this one would run in the page’s',
    'audio worklet worklet.js: an audio worklet has no BroadcastChannel, postMessage, timers, URL or TextDecoder (only its processors’ ports): the agent cannot run or report there, so its modules run untouched',
  ]);
  await expect(panel.getByTestId('module')).toHaveCount(0);
});

test('a module compiled in the page and instantiated in a worker works the same with and without the extension, and is tracked in the worker', async ({
  context,
  site,
}) => {
  const results: string[][] = [];
  for (const ctx of [context, await launch(false)]) {
    const page = await openPage(ctx, `${site}/workers.html`);
    results.push([
      await page.evaluate(() => workers.compileAndPost()),
      await page.evaluate(() => workers.ask('compiled-here', 'leak')),
      await page.evaluate(() => workers.compileAndPost(true)),
    ]);
    if (ctx === context) {
      // The worker asked the page for the bytes of the module it was given (src/agent/module-exchange.ts).
      const panel = await openPanel(context, await tabIdOf(context, page));
      // The same module instantiated synchronously (new WebAssembly.Instance, as
      // emscripten's pthread workers do): the message that brought it waited
      // for its bytes (src/agent/message-gate.ts), so it is tracked too.
      await expect(panel.getByTestId('module-context')).toHaveText([
        'in worker compiled-here.js “compiled-here”',
        'in worker compiled-here.js “compiled-here”',
      ]);
      await expect(panel.getByTestId('module-status')).toHaveText(['instrumented ✓', 'instrumented ✓']);
      // (its _initialize allocates nothing that stays: what the seed module keeps after start-up)
      await expect(panel.getByTestId('module-live-count')).toHaveText(['100', '0']);
      await expect(panel.getByTestId('module-live-bytes')).toHaveText(['102,400 B', '0 B']);
    } else await ctx.close();
  }
  expect(results).toEqual([
    ['instantiated', 'leaked', 'function'],
    ['instantiated', 'leaked', 'function'],
  ]);
});

test('pages with a Content-Security-Policy: their workers run untouched (a hooked one would inherit the policy) and are listed with the reason', async ({
  context,
  site,
}) => {
  const pages = [
    ['csp/worker-src-self.html', 'the page sets a Content-Security-Policy'],
    ['csp/trusted-types.html', 'the page uses Trusted Types'],
  ];
  const plain = await launch(false);
  for (const [path, reason] of pages) {
    const answers: unknown[] = [];
    for (const ctx of [context, plain]) {
      const page = await openPage(ctx, `${site}/${path}`);
      answers.push(
        await page.evaluate(async () => [
          await workers.ask('classic', 'where'),
          await workers.ask('classic', 'leak'),
          await workers.ask('shared', 'where'),
          await workers.ask('shared', 'leak'),
        ]),
      );
      if (ctx === context) {
        const panel = await openPanel(context, await tabIdOf(context, page));
        await expect(panel.getByTestId('unreached-worker')).toHaveText([
          `worker classic.js: ${reason}: a hooked worker would inherit the page’s Content-Security-Policy, which its own script does not have`,
          `shared worker shared.js: ${reason}: a hooked worker would inherit the page’s Content-Security-Policy, which its own script does not have`,
        ]);
        await panel.close();
      }
      await page.close();
    }
    const answer = [`${site}/workers/classic.js`, 'leaked', `${site}/workers/shared.js`, 'leaked'];
    expect(answers).toEqual([answer, answer]);
  }
  await plain.close();
});

test('what a page and its worker can observe of the hook is what they observe natively', async ({ context, site }) => {
  const observed: unknown[] = [];
  const plain = await launch(false);
  for (const ctx of [context, plain]) {
    const page = await openPage(ctx, `${site}/workers.html`);
    observed.push(
      await page.evaluate(async () => {
        const worker = new Worker('workers/identity.js');
        const inWorker = await new Promise((resolve) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.postMessage('look');
        });
        const shared = new SharedWorker('workers/identity.js', 'identity');
        const inShared = await new Promise((resolve) => {
          shared.port.onmessage = (e) => resolve(e.data);
          shared.port.postMessage('look');
        });
        return {
          workerCtor: Worker.prototype.constructor === Worker,
          sharedCtor: SharedWorker.prototype.constructor === SharedWorker,
          instance: worker instanceof Worker,
          native: /\[native code\]/.test(Function.prototype.toString.call(Worker)),
          name: Worker.name,
          length: Worker.length,
          inWorker,
          addModule: (() => {
            const f = Worklet.prototype.addModule;
            const d = Object.getOwnPropertyDescriptor(Worklet.prototype, 'addModule');
            return [f.name, f.length, Function.prototype.toString.call(f), d?.writable, d?.enumerable, d?.configurable];
          })(),
          shared: {
            instance: shared instanceof SharedWorker,
            proto: Object.getPrototypeOf(shared) === SharedWorker.prototype,
            native: /\[native code\]/.test(Function.prototype.toString.call(SharedWorker)),
            name: SharedWorker.name,
            length: SharedWorker.length,
            own: Object.getOwnPropertyNames(SharedWorker.prototype).sort(),
            port: shared.port instanceof MessagePort,
            onerror: shared.onerror,
            inShared,
          },
        };
      }),
    );
  }
  await plain.close();
  expect(observed[0]).toEqual(observed[1]);
  expect(observed[0]).toEqual({
    workerCtor: true,
    sharedCtor: true,
    instance: true,
    native: true,
    name: 'Worker',
    length: 1,
    inWorker: {
      location: `${site}/workers/identity.js`,
      requestCtor: true,
      fetchNative: true,
      importScriptsName: 'importScripts',
      workerCtor: true,
    },
    addModule: ['addModule', 1, 'function addModule() { [native code] }', true, true, true],
    shared: {
      instance: true,
      proto: true,
      native: true,
      name: 'SharedWorker',
      length: 1,
      own: ['constructor', 'onerror', 'port'],
      port: true,
      onerror: null,
      inShared: {
        location: `${site}/workers/identity.js`,
        requestCtor: true,
        fetchNative: true,
        importScriptsName: 'importScripts',
        workerCtor: 'no Worker',
        name: 'identity',
      },
    },
  });
});
