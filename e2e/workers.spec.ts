// Workers the page starts get the agent (src/agent/worker-hook.ts): each
// worker is a source of its own in the panel, with its modules and blocks.
import type { Page } from '@playwright/test';
import { expect, launch, openPanel, tabIdOf, test } from './harness';

declare const workers: { ask(kind: string, command: unknown): Promise<string>; compileAndPost(sync?: boolean): Promise<string> };

async function openWorkers(page: Page, site: string): Promise<void> {
  await page.goto(`${site}/workers.html`);
}

test('a classic, a module and a nested worker each run the seed module from their own URL; each shows its own 100 leaked blocks', async ({
  context,
  site,
}) => {
  const page = await context.newPage();
  await openWorkers(page, site);
  // The shims: each worker sees its script's URL, and its relative fetches and imports work.
  const where = await page.evaluate(async () => [
    await workers.ask('classic', 'where'),
    await workers.ask('module', 'where'),
    await workers.ask('nested', 'where'),
  ]);
  expect(where).toEqual([`${site}/workers/classic.js`, `${site}/workers/module.mjs`, `${site}/workers/classic.js`]);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module-status')).toHaveText(['instrumented ✓', 'instrumented ✓', 'instrumented ✓']);
  // Which worker each module runs in (the order is the order the workers first spoke).
  await expect(panel.getByTestId('module-context')).toHaveCount(3);
  expect((await panel.getByTestId('module-context').allTextContents()).sort()).toEqual([
    'in module worker module.mjs “module”',
    'in worker classic.js “classic”',
    'in worker classic.js “inner”',
  ]);

  await panel.getByRole('button', { name: 'Snapshot A' }).click();
  await expect(panel.getByTestId('compare-hint')).toContainText('Snapshot A taken');
  expect(await page.evaluate(() => Promise.all(['classic', 'module', 'nested'].map((k) => workers.ask(k, 'leak'))))).toEqual([
    'leaked',
    'leaked',
    'leaked',
  ]);
  await panel.getByRole('button', { name: 'Snapshot B' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['100', '100', '100']);
  await expect(panel.getByTestId('diff-new-bytes')).toHaveText(['102,400 B', '102,400 B', '102,400 B']);
  // Each worker's section of the comparison is named with its worker.
  expect((await panel.locator('[data-testid="diff"] .module-name').allTextContents()).sort()).toEqual([
    'leak-wasi-O0.wasm in module worker module.mjs “module”',
    'leak-wasi-O0.wasm in worker classic.js “classic”',
    'leak-wasi-O0.wasm in worker classic.js “inner”',
  ]);
  // One worker alone: its module's filter shows its blocks, with their stacks.
  await panel.getByRole('button', { name: 'Filter to leak-wasi-O0.wasm in module worker module.mjs “module”' }).click();
  await expect(panel.getByTestId('diff-new-count')).toHaveText(['100']);
  const top = panel.getByTestId('site-row').first();
  await expect(top.getByTestId('site-label')).toContainText('process_data');
  await expect(top.getByTestId('site-new')).toHaveText('100');
  await expect(panel.getByTestId('module-live-count')).toHaveText(['100', '100', '100']);
});

test('a SharedWorker and a data: worker run untouched, and the panel says why they are not tracked', async ({ context, site }) => {
  const page = await context.newPage();
  await openWorkers(page, site);
  expect(await page.evaluate(() => workers.ask('shared', 'leak'))).toBe('leaked');
  const dataWorker = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const w = new Worker('data:text/javascript,postMessage(typeof WebAssembly)');
        w.onmessage = (e) => resolve(String(e.data));
      }),
  );
  expect(dataWorker).toBe('object');
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('unreached-worker')).toHaveText([
    'shared worker shared.js: a SharedWorker is shared between the tabs of a site; hooking it would give this tab its own copy',
    'worker data:text/javascript,postMessage(typeof WebAssembly): data: URL workers run in an opaque origin; hooked, this one would run in the page’s',
  ]);
  await expect(panel.getByTestId('module')).toHaveCount(0);
});

test('a module compiled in the page and instantiated in a worker works the same with and without the extension, and is tracked in the worker', async ({
  context,
  site,
}) => {
  const results: string[][] = [];
  for (const ctx of [context, await launch(false)]) {
    const page = await ctx.newPage();
    await openWorkers(page, site);
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
      const page = await ctx.newPage();
      await page.goto(`${site}/${path}`);
      answers.push(await page.evaluate(async () => [await workers.ask('classic', 'where'), await workers.ask('classic', 'leak')]));
      if (ctx === context) {
        const panel = await openPanel(context, await tabIdOf(context, page));
        await expect(panel.getByTestId('unreached-worker')).toHaveText([
          `worker classic.js: ${reason}: a hooked worker would inherit the page’s Content-Security-Policy, which its own script does not have`,
        ]);
        await panel.close();
      }
      await page.close();
    }
    expect(answers).toEqual([
      [`${site}/workers/classic.js`, 'leaked'],
      [`${site}/workers/classic.js`, 'leaked'],
    ]);
  }
  await plain.close();
});

test('what a page and its worker can observe of the hook is what they observe natively', async ({ context, site }) => {
  const observed: unknown[] = [];
  const plain = await launch(false);
  for (const ctx of [context, plain]) {
    const page = await ctx.newPage();
    await openWorkers(page, site);
    observed.push(
      await page.evaluate(async () => {
        const worker = new Worker('workers/identity.js');
        const inWorker = await new Promise((resolve) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.postMessage('look');
        });
        return {
          workerCtor: Worker.prototype.constructor === Worker,
          sharedCtor: SharedWorker.prototype.constructor === SharedWorker,
          instance: worker instanceof Worker,
          native: /\[native code\]/.test(Function.prototype.toString.call(Worker)),
          name: Worker.name,
          length: Worker.length,
          inWorker,
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
  });
});
