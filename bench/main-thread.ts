// How long a page's main thread is blocked while it instantiates a large
// dense module (bench/dense-module.ts, 32 MB) with
// WebAssembly.instantiateStreaming, in Chromium with the built extension
// recording the page vs without the extension (issue 15 item 5), side by side:
// recording as shipped (the module is rewritten and compiled in the page's
// rewrite worker, src/agent/rewrite-client.ts) and recording a page whose CSP
// <meta> keeps that worker from starting (rewritten on the page's thread, as
// before the worker existed). Per load:
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

const SCRIPT = `<script>
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
const PAGE = `<!doctype html><meta charset="utf-8"><title>main-thread block</title>${SCRIPT}`;
/** The same page with a CSP <meta> (allowing what it does): the extension rewrites in the page, no worker. */
const CSP_PAGE = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'"><title>main-thread block</title>${SCRIPT}`;

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
  writeFileSync(join(dir, 'csp.html'), CSP_PAGE);
  const server = await serve(dir, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const names = ['no extension', 'recording', 'recording, CSP'] as const;
  const plain = await launch(false);
  const recorded = await launch(true);
  const contexts: Record<(typeof names)[number], BrowserContext> = {
    'no extension': plain,
    recording: recorded,
    'recording, CSP': recorded,
  };
  const pages: Record<(typeof names)[number], string> = {
    'no extension': 'index.html',
    recording: 'index.html',
    'recording, CSP': 'csp.html',
  };
  await recordSite(recorded, origin, true);
  const results: Record<string, Load[]> = { 'no extension': [], recording: [], 'recording, CSP': [] };
  try {
    for (let r = 0; r <= loads; r++) {
      for (const name of r % 2 ? [...names].reverse() : names) {
        const page = await contexts[name].newPage();
        await page.goto(`${origin}/${pages[name]}`);
        const load = (await page.evaluate('window.measure()')) as Load;
        if (r > 0) results[name].push(load); // the first load of each warms caches
        await page.close();
      }
    }
    console.log(
      `instantiateStreaming of a ${(bytes.length / 1e6).toFixed(1)} MB dense module in Chromium (${DIST}), median of ${loads} loads [max]` +
        ' (recording: rewritten in the rewrite worker; recording, CSP: a CSP <meta> keeps the worker from starting, rewritten in the page):',
    );
    for (const name of names) {
      const xs = results[name];
      const f = (k: keyof Load) => `${median(xs.map((x) => x[k])).toFixed(0)} ms [${Math.max(...xs.map((x) => x[k])).toFixed(0)}]`;
      console.log(`  ${name.padEnd(15)} total ${f('total')}, longest heartbeat gap ${f('gap')}, longest long task ${f('longtask')}`);
    }
    const longest = (name: string) => median(results[name].map((x) => x.longtask));
    const vsNative = (name: string) => {
      const d = Math.round(longest(name) - longest('no extension'));
      return `${longest(name).toFixed(0)} ms (${d >= 0 ? '+' : '−'}${Math.abs(d)} ms vs no extension)`;
    };
    console.log(
      `  longest long task, medians: no extension ${longest('no extension').toFixed(0)} ms; recording ${vsNative('recording')};` +
        ` recording with the rewrite on the page's thread ${vsNative('recording, CSP')}`,
    );
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
    await plain.close();
    await recorded.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
