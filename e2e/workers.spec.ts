// Workers the page starts get the agent (src/agent/worker-hook.ts): each
// worker is a source of its own in the panel, with its modules and blocks.
import { test, expect, openPanel, tabIdOf } from './harness';
import type { Page } from '@playwright/test';

declare const workers: { ask(kind: string, command: unknown): Promise<string>; compileAndPost(): Promise<string> };

async function openWorkers(page: Page, site: string): Promise<void> {
  await page.goto(`${site}/workers.html`);
}

test('a classic, a module and a nested worker each run the seed module with their own URL, and each shows its 100 leaked blocks', async ({
  context,
  site,
}) => {
  const page = await context.newPage();
  await openWorkers(page, site);
  const where = await page.evaluate(async () => [
    await workers.ask('classic', 'where'),
    await workers.ask('module', 'where'),
    await workers.ask('nested', 'where'),
  ]);
  expect(where).toEqual([`${site}/workers/classic.js`, `${site}/workers/module.mjs`, `${site}/workers/classic.js`]);
  const panel = await openPanel(context, await tabIdOf(context, page));
  await expect(panel.getByTestId('module')).toHaveCount(3);
  await expect(panel.getByTestId('module-status')).toHaveText(['instrumented ✓', 'instrumented ✓', 'instrumented ✓']);
  await page.screenshot({ path: 'test-results/workers-page.png' });
  await panel.screenshot({ path: 'test-results/workers-panel.png' });
});
