// Bundles the Node entry points of the package into dist/node/ (after `vite
// build`, which empties dist/): the API (index.js), `--import` hook
// (register.js), vitest matcher (vitest.js) and the page CLI's functions
// (cli.js, run by bin/wasm-leaks.mjs). ES modules with shared chunks, so the
// entries share one copy of the tracker; vitest and Playwright stay imports.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

export async function buildNode(outdir = resolve(root, 'dist/node')) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      index: 'src/node/index.ts',
      register: 'src/node/register.ts',
      vitest: 'src/node/vitest.ts',
      cli: 'src/cli/index.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['vitest', '@playwright/test', 'playwright', 'playwright-core'],
    logLevel: 'warning',
  });
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildNode(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`wasm-leaks: Node entry points built in ${out}`);
}
