import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import manifest from './manifest.json' with { type: 'json' };

export default defineConfig({
  plugins: [
    preact(),
    crx({
      manifest: manifest as never,
      contentScripts: {
        // Both content scripts must run synchronously at document_start: the
        // MAIN-world hook before the page's first script, the bridge before the
        // hook's first message. crx's default loader is an async import.
        standaloneFiles: ['extension/page/main.ts', 'extension/content/bridge.ts'],
      },
    }),
  ],
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
