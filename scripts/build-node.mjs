// Builds what the published package runs in Node into lib/ (the extension
// itself is vite's dist/, shipped beside it; the CLI loads it from there):
//   lib/index.js, register.js, vitest.js, cli.js, bin.js and shared chunks:
//     esbuild, ES modules, one copy of the tracker shared by the entries.
//     Not tsc's own output: the sources import without extensions
//     (moduleResolution Bundler), which Node's ESM loader refuses, and tsc
//     does not rewrite such specifiers; esbuild is already what builds the
//     worker agent for vite.config.ts. vitest and playwright-core stay imports.
//   lib/types/**.d.ts: declarations from tsc (src/tsconfig.lib.json), the only
//     tool here that derives them from the sources; --noCheck (half the time:
//     `npm run typecheck` is where the sources are checked), with each relative
//     specifier then given its file (`./run` -> `./run.js`, `../protocol` ->
//     `../protocol/index.js`) so that consumers resolving like Node
//     (moduleResolution node16/nodenext) find them too.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const LIB = resolve(root, 'lib');

/** The JS entry points into `outdir` (default lib/); returns `outdir`. */
export async function buildNode(outdir = LIB) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      index: 'src/node/index.ts',
      register: 'src/node/register.ts',
      vitest: 'src/node/vitest.ts',
      cli: 'src/cli/index.ts',
      bin: 'src/cli/bin.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['vitest', 'playwright-core'],
    logLevel: 'warning',
  });
  return outdir;
}

const RELATIVE = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;

/** `spec` as written in `file` (a .d.ts), made explicit: the .js (or index.js) whose declarations are there. */
function explicit(file, spec) {
  if (/\.(m?js|json)$/.test(spec)) return spec;
  const base = resolve(dirname(file), spec);
  if (existsSync(`${base}.d.ts`)) return `${spec}.js`;
  if (existsSync(join(base, 'index.d.ts'))) return `${spec.replace(/\/$/, '')}/index.js`;
  throw new Error(`${file}: no declarations for ${spec}`);
}

function* declarations(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* declarations(p);
    else if (e.name.endsWith('.d.ts')) yield p;
  }
}

/** Declarations of the entries (and what they import) into `outdir` (default lib/types); returns `outdir`. */
export function buildTypes(outdir = join(LIB, 'types')) {
  rmSync(outdir, { recursive: true, force: true });
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'src/tsconfig.lib.json'), '--noCheck', '--outDir', outdir], { stdio: 'inherit' });
  for (const file of declarations(outdir)) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(RELATIVE, (_, lead, q, spec) => `${lead}${q}${explicit(file, spec)}${q}`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  rmSync(LIB, { recursive: true, force: true });
  await buildNode();
  buildTypes();
  console.log(`wasm-leaks: Node entry points and their declarations built in ${LIB}`);
}
