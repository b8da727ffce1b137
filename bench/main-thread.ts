// How long a page's main thread is blocked while it instantiates a large
// dense module (bench/dense-module.ts, 32 MB) with
// WebAssembly.instantiateStreaming, in Chromium with the built extension
// recording the page vs without the extension (issue 15 item 5: the rewrite
// runs synchronously on the page's thread even for the async APIs). Per load:
// the instantiateStreaming time, the longest gap of a setTimeout(0) heartbeat
// (what the page's own code and input handling wait for) and the longest
// 'longtask' entry. Median of LOADS loads each, alternating. Then the
// rewriter alone in the same Chromium (src/wasm bundled into a blank page, the
// first instrument() call of a fresh page, 'table' path): its share of the block.
// REWRITE_BASELINE=<checkout> adds that checkout's rewriter to the last figure.
// Build first (`npm run build`, or `npx vite build --outDir dist-x` and
// WASM_LEAKS_DIST=dist-x).
//   npx tsx bench/main-thread.ts [loads]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext } from '@playwright/test';
import { DIST, launch, recordSite } from '../e2e/harness';
import { median } from './timing';
import { denseModule } from './dense-module';
// @ts-expect-error plain ESM helper without types
import { serve } from '../scripts/serve.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>main-thread block</title>
<script>
window.measure = async () => {
  const tasks = [];
  const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) tasks.push(e.duration); });
  try { obs.observe({ type: 'longtask' }); } catch {}
  let last = performance.now(), gap = 0, beating = true;
  const beat = () => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
    if (beating) setTimeout(beat, 0);
  };
  setTimeout(beat, 0);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  const { instance } = await WebAssembly.instantiateStreaming(fetch('dense.wasm'), { env: { note() {} } });
  const total = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 50));
  beating = false;
  obs.disconnect();
  return { total, gap, longtask: tasks.length ? Math.max(...tasks) : 0, exports: Object.keys(instance.exports).length };
};
</script>`;

type Load = { total: number; gap: number; longtask: number; exports: number };

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** instrument() of dense.wasm, the first call in each of `loads` fresh pages, with the rewriter bundled from `entry`. */
async function rewriteInPage(context: BrowserContext, origin: string, entry: string, loads: number): Promise<number[]> {
  const esbuild = await import('esbuild');
  const built = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName: '__rewriter',
    write: false,
    target: 'es2022',
    platform: 'browser',
  });
  const out: number[] = [];
  for (let i = 0; i < loads; i++) {
    const page = await context.newPage();
    await page.goto(`${origin}/index.html`);
    await page.addScriptTag({ content: built.outputFiles[0].text });
    out.push(
      (await page.evaluate(`(async () => {
        const bytes = new Uint8Array(await (await fetch('dense.wasm')).arrayBuffer());
        const t0 = performance.now();
        __rewriter.instrument(bytes, { eventPath: 'table' });
        return performance.now() - t0;
      })()`)) as number,
    );
    await page.close();
  }
  return out;
}

export async function run(): Promise<void> {
  if (!existsSync(join(DIST, 'manifest.json'))) return console.log(`main-thread: build first (${DIST} has no manifest.json)`);
  const loads = Math.max(3, Number(process.argv.find((a) => /^\d+$/.test(a))) || 5);
  const dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-main-thread-'));
  const bytes = denseModule({ bytes: 32e6, funcs: 3000, allocSites: 3000, calls: 3000 });
  writeFileSync(join(dir, 'dense.wasm'), bytes);
  writeFileSync(join(dir, 'index.html'), PAGE);
  const server = await serve(dir, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const names = ['no extension', 'recording'] as const;
  const contexts: Record<(typeof names)[number], BrowserContext> = {
    'no extension': await launch(false),
    recording: await launch(true),
  };
  await recordSite(contexts.recording, origin, true);
  const results: Record<string, Load[]> = { 'no extension': [], recording: [] };
  try {
    for (let r = 0; r <= loads; r++) {
      for (const name of r % 2 ? [...names].reverse() : names) {
        const page = await contexts[name].newPage();
        await page.goto(`${origin}/index.html`);
        const load = (await page.evaluate('window.measure()')) as Load;
        if (r > 0) results[name].push(load); // the first load of each warms caches
        await page.close();
      }
    }
    console.log(
      `instantiateStreaming of a ${(bytes.length / 1e6).toFixed(1)} MB dense module in Chromium (${DIST}), median of ${loads} loads [max]:`,
    );
    for (const name of names) {
      const xs = results[name];
      const f = (k: keyof Load) => `${median(xs.map((x) => x[k])).toFixed(0)} ms [${Math.max(...xs.map((x) => x[k])).toFixed(0)}]`;
      console.log(`  ${name.padEnd(14)} total ${f('total')}, longest heartbeat gap ${f('gap')}, longest long task ${f('longtask')}`);
    }
    const rewriters: [string, string][] = [['ours', join(ROOT, 'src/wasm/index.ts')]];
    if (process.env.REWRITE_BASELINE) rewriters.push(['baseline', join(process.env.REWRITE_BASELINE, 'src/wasm/index.ts')]);
    for (const [who, entry] of rewriters) {
      const ms = await rewriteInPage(contexts['no extension'], origin, entry, loads);
      console.log(
        `  rewrite alone (${who}), first call in a fresh page: median ${median(ms).toFixed(0)} ms [max ${Math.max(...ms).toFixed(0)}]` +
          ` = ${(bytes.length / 1e3 / median(ms)).toFixed(0)} MB/s`,
      );
    }
  } finally {
    for (const c of Object.values(contexts)) await c.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
