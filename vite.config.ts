import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync as esbuildSync } from 'esbuild';
import manifest from './manifest.json' with { type: 'json' };

/**
 * crx lists scripts imported with `?script` as web-accessible to every http(s)
 * page. Ours are registered with chrome.scripting (see
 * extension/background/recording.ts), which needs no such entry, and a
 * web-accessible file lets any page detect the extension: drop them.
 */
const noWebAccessibleScripts = {
  name: 'wasm-leaks:no-web-accessible-scripts',
  writeBundle(options: { dir?: string }) {
    const file = join(options.dir ?? 'dist', 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8')) as { web_accessible_resources?: { resources: string[] }[] };
    const ours = new Set(['extension/page/main.js', 'extension/content/bridge.js']);
    const kept = (m.web_accessible_resources ?? [])
      .map((w) => ({ ...w, resources: w.resources.filter((r) => !ours.has(r)) }))
      .filter((w) => w.resources.length > 0);
    if (kept.length > 0) m.web_accessible_resources = kept;
    else delete m.web_accessible_resources;
    writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
  },
};

/**
 * The agent that runs inside workers (extension/page/worker.ts), bundled as one
 * classic script and given to the MAIN-world script as the string constant
 * `__WASM_LEAKS_WORKER_AGENT__`, which hands it to each worker it hooks
 * (src/agent/worker-hook.ts): a worker cannot load an extension file, and a
 * web-accessible one would let any page detect the extension. A `define`, not a
 * plugin: crx builds content scripts in a sub-build that keeps `define` and
 * drops plugins.
 */
const workerAgentSource = esbuildSync({
  entryPoints: ['extension/page/worker.ts'],
  bundle: true,
  format: 'iife',
  target: 'chrome120',
  minify: true,
  write: false,
  legalComments: 'none',
}).outputFiles[0].text;

export default defineConfig({
  plugins: [
    preact(),
    crx({
      manifest: manifest as never,
      contentScripts: {
        // Both content scripts must run synchronously at document_start: the
        // MAIN-world hook before the page's first script, the bridge before the
        // hook's first message. crx's default loader is an async import.
        // The manifest declares no content script (dormant by default): the
        // service worker imports both as `?script&iife` for their output names
        // and registers them while recording.
        standaloneFiles: ['extension/page/main.ts', 'extension/content/bridge.ts'],
      },
    }),
    noWebAccessibleScripts,
  ],
  define: { __WASM_LEAKS_WORKER_AGENT__: JSON.stringify(workerAgentSource) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    rollupOptions: {
      // The panel page is opened by chrome.devtools.panels.create, which the
      // manifest does not name: list it so it is built.
      input: { panel: 'extension/panel/index.html' },
    },
  },
});
