// What one call out of wasm to the page's `ev` costs by a function import (as
// the rewriter did) and by call_indirect through the hook table (as it does
// now, so that no function index moves: src/wasm/hook.ts), side by side in
// Node and in Chromium (/usr/bin/chromium, headless). The call path makes one
// such call per event; the table path one per context miss or misuse.
//   npm run bench -- ev-call
import { fileURLToPath } from 'node:url';
import { measureEvCall, type EvCallTimes } from './ev-call-core';
import { median } from './timing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function inChromium(): Promise<{ version: string; times: EvCallTimes }> {
  const esbuild = await import('esbuild');
  const { chromium } = await import('@playwright/test');
  const built = await esbuild.build({
    entryPoints: [`${ROOT}bench/ev-call-core.ts`],
    bundle: true,
    format: 'iife',
    globalName: '__evcall',
    write: false,
    target: 'es2022',
    platform: 'browser',
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>ev-call</title>');
    await page.addScriptTag({ content: built.outputFiles[0].text });
    const times = (await page.evaluate('__evcall.measureEvCall(WebAssembly, () => performance.now())')) as EvCallTimes;
    return { version: browser.version(), times };
  } finally {
    await browser.close();
  }
}

function line(where: string, t: EvCallTimes): string {
  const i = median(t.import);
  const c = median(t.table);
  const ns = (ms: number) => ((ms * 1e6) / t.calls).toFixed(1);
  return `${where.padEnd(22)} import ${ns(i).padStart(6)} ns/call   call_indirect ${ns(c).padStart(6)} ns/call   indirect ÷ import ${(c / i).toFixed(2)}×`;
}

export async function run(): Promise<void> {
  const node = measureEvCall(WebAssembly, () => performance.now());
  const chrome = await inChromium();
  console.log(`one call from wasm to ev, ${node.calls.toLocaleString('en')} calls a run, median of ${node.import.length} alternating runs`);
  console.log(line(`Node ${process.version}`, node));
  console.log(line(`Chromium ${chrome.version}`, chrome.times));
}
