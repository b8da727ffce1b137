#!/usr/bin/env node
// `wasm-leaks run scenario.js`: see src/cli/main.ts (bundled into dist/node/cli.js by `npm run build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    `wasm-leaks: not built (${cli.pathname} is missing): run \`npm run build\` in ${new URL('..', import.meta.url).pathname}\n`,
  );
  process.exit(3);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
