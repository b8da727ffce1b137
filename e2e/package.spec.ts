// The package as a user gets it: `npm pack` in the repository (its prepack
// builds the extension into dist/ and the Node entry points and declarations
// into lib/), the tarball installed with `npm install <tarball>` into a fresh
// directory, and there, with nothing of the repository on the module path:
// the CLI through `npx`, the Node API, the `--import` hook and the vitest
// matcher through the package's own name, and a TypeScript consumer checked
// against the shipped declarations. The install takes playwright-core from the
// npm cache `npm ci` filled (--prefer-offline), else from the registry. When
// dist/ and lib/ are newer than their sources (npm test has just built them)
// the pack reuses them instead of running prepack's identical build again.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test, expect } from './harness';

const ROOT = resolve('.');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const NODE_MODULES = join(ROOT, 'node_modules');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** `run`, failing the test with its output when it exits non-zero. */
async function ok(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Run> {
  const r = await run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Newest modification time (ms) of `paths` and, for folders, every file under them. */
function newest(paths: string[]): number {
  let t = 0;
  for (const p of paths) {
    const st = statSync(p);
    t = Math.max(t, st.mtimeMs);
    if (st.isDirectory())
      for (const f of readdirSync(p, { recursive: true, encoding: 'utf8' })) t = Math.max(t, statSync(join(p, f)).mtimeMs);
  }
  return t;
}

/**
 * Whether dist/ and lib/ were built after the last change to what they are built from: `npm test`
 * runs `npm run build` (prepack's command) just before, and building again costs ≈14 s of CPU.
 * Anything newer, or a missing output, and the pack runs prepack as `npm publish` would.
 */
function buildIsCurrent(): boolean {
  const outputs = ['dist/manifest.json', 'lib/bin.js', 'lib/types/cli/index.d.ts'].map((f) => join(ROOT, f));
  if (!outputs.every((f) => existsSync(f))) return false;
  const inputs = ['src', 'extension', 'public', 'manifest.json', 'vite.config.ts', 'scripts/build-node.mjs', 'package.json'];
  return Math.min(...outputs.map((f) => statSync(f).mtimeMs)) > newest(inputs.map((f) => join(ROOT, f)));
}

let dir: string;
let tarball: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };

test.beforeAll(async ({}, info) => {
  info.setTimeout(300_000);
  dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-package-'));
  const t0 = Date.now();
  const prebuilt = buildIsCurrent();
  // The prepack build prints on stdout too, before npm's JSON: the JSON is the last array starting a line.
  const pack = await ok('npm', ['pack', '--json', '--pack-destination', dir, ...(prebuilt ? ['--ignore-scripts'] : [])], ROOT);
  [tarball] = JSON.parse(pack.stdout.slice(pack.stdout.lastIndexOf('\n[') + 1));
  const t1 = Date.now();
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await ok('npm', ['install', join(dir, tarball.filename), '--prefer-offline', '--no-audit', '--no-fund'], app);
  const t2 = Date.now();
  // The demo's C module for the Node tests, and vitest (an optional peer) as a project would have it installed: the repository's.
  copyFileSync(join(ROOT, 'e2e/site/wasm/leak-wasi-O0.wasm'), join(app, 'leak.wasm'));
  symlinkSync(join(NODE_MODULES, 'vitest'), join(app, 'node_modules/vitest'));
  console.log(
    `package: npm pack${prebuilt ? ' of the current build (prepack skipped)' : ''} ${((t1 - t0) / 1000).toFixed(1)} s (${tarball.files.length} files, ${tarball.size} B packed, ${tarball.unpackedSize} B unpacked); npm install ${((t2 - t1) / 1000).toFixed(1)} s`,
  );
});
test.afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

const app = () => join(dir, 'app');

test('the tarball holds the built entry points, their declarations and the extension, no sources or tests', () => {
  const files = tarball.files.map((f) => f.path);
  expect(tarball.filename).toBe(`${PKG.name}-${PKG.version}.tgz`);
  for (const f of ['lib/bin.js', 'lib/index.js', 'lib/register.js', 'lib/vitest.js', 'lib/cli.js']) expect(files).toContain(f);
  for (const f of ['lib/types/node/index.d.ts', 'lib/types/node/vitest.d.ts', 'lib/types/cli/index.d.ts']) expect(files).toContain(f);
  for (const f of ['dist/manifest.json', 'dist/extension/panel/index.html']) expect(files).toContain(f);
  expect(files.filter((f) => f.startsWith('src/') || /\.test\.|\.spec\./.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual(
    [],
  );
  const installed = JSON.parse(readFileSync(join(app(), 'node_modules', PKG.name, 'package.json'), 'utf8'));
  expect(installed.private).toBeUndefined();
  expect(installed.bin).toEqual({ [PKG.name]: 'lib/bin.js' });
  expect(Object.keys(installed.dependencies)).toEqual(['playwright-core']);
});

test('npx wasm-leaks run on the seed leak: exit 1 naming process_data (leak.c:19), 100 blocks / 102,400 B per repeat', async ({ site }) => {
  const scenario = join(app(), 'seed.mjs');
  writeFileSync(
    scenario,
    `export const url = ${JSON.stringify(`${site}/index.html?build=wasi-O0`)};
export async function setup(page) { await page.evaluate(() => window.demo.ready); }
export async function action(page) { await page.click('#leak'); }
export async function back() {}
`,
  );
  // The bin npx runs is the installed one, and the extension it loads is the one in the tarball.
  expect(realpathSync(join(app(), 'node_modules/.bin/wasm-leaks'))).toBe(join(app(), 'node_modules', PKG.name, 'lib/bin.js'));
  const r = await run('npx', ['--no-install', 'wasm-leaks', 'run', 'seed.mjs'], app());
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toContain('Leak of 307,200 B in 300 blocks (100 blocks / 102,400 B per repeat) at process_data (leak.c:19) in ');
  expect(r.stdout).toMatch(/#0 process_data \S*leak\.c:19\n\s+#1 simulate_memory_leak \S*leak\.c:27\n/);
  expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('FAIL: 307,200 B leaked in 300 blocks at 1 site (more than the 0 B allowed)');
  expect(r.stderr).toContain('wasm-leaks: repeat 1/3: 100 blocks (102,400 B) allocated since Snapshot A still alive');
});

test("import { withLeakCheck } from 'wasm-leaks' on the demo's C module: 100 blocks / 102,400 B at process_data (leak.c:19); node --import wasm-leaks/register", async () => {
  writeFileSync(
    join(app(), 'check.mjs'),
    `import { readFileSync } from 'node:fs';
import { trackWasm, withLeakCheck, WasmLeakError } from ${JSON.stringify(PKG.name)};
const tracker = trackWasm();
const { instance } = await WebAssembly.instantiate(readFileSync(new URL('./leak.wasm', import.meta.url)), {});
const demo = instance.exports;
demo._initialize();
const error = await withLeakCheck(() => demo.simulate_memory_leak()).catch((e) => e);
const fixed = await withLeakCheck(() => { for (let i = 0; i < 100; i++) demo.process_data_fixed(1024); });
const r = error.report;
console.log(JSON.stringify({
  thrown: error instanceof WasmLeakError,
  path: tracker.eventPath,
  modules: tracker.modules().map((m) => [m.name, m.instrumented]),
  leaked: [r.leakedCount, r.leakedBytes],
  sites: r.sites.map((s) => [s.label, s.count, s.bytes]),
  frames: r.sites[0].stacks[0].frames.slice(0, 2).map((f) => f.name + ':' + f.line),
  fixed: [fixed.ok, fixed.leakedCount, fixed.leakedBytes],
}));
`,
  );
  const r = await ok(process.execPath, ['check.mjs'], app());
  expect(JSON.parse(r.stdout)).toEqual({
    thrown: true,
    path: 'call', // Node 20 (CI's); 'table' where Node has multi-memory
    modules: [['(bytes)', true]],
    leaked: [100, 102_400],
    sites: [['process_data (leak.c:19)', 100, 102_400]],
    frames: ['process_data:19', 'simulate_memory_leak:27'],
    fixed: [true, 0, 0],
  });

  // A whole script under the --import hook: checked at exit, as LSan does, so the block a global still points to is not counted.
  writeFileSync(
    join(app(), 'script.mjs'),
    `import { readFileSync } from 'node:fs';
const { instance } = await WebAssembly.instantiate(readFileSync(new URL('./leak.wasm', import.meta.url)), {});
instance.exports._initialize();
instance.exports.simulate_memory_leak();
`,
  );
  const hooked = await run(process.execPath, ['--import', `${PKG.name}/register`, 'script.mjs'], app());
  expect(hooked.code, hooked.stderr).toBe(1);
  expect(hooked.stderr).toContain('== wasm-leaks (');
  expect(hooked.stderr).toContain('Leak of 101,376 B in 99 blocks at process_data (leak.c:19)');
  expect(hooked.stderr).toContain("not counted: 1,024 B in 1 block still reachable from the module's static data, globals or stack");
  expect(hooked.stderr.trimEnd().split('\n').at(-1)).toBe('FAIL: 101,376 B leaked in 99 blocks at 1 site (more than the 0 B allowed)');
});

test('a TypeScript consumer type-checks against the shipped declarations (node16 resolution); wrong types are errors; every import in them resolves', async () => {
  // Each specifier in the declarations names a file shipped beside it, or a package the package depends on: a
  // declaration that does not resolve is silently `any` for a consumer with skipLibCheck (most have it).
  const types = join(app(), 'node_modules', PKG.name, 'lib/types');
  const installed = JSON.parse(readFileSync(join(app(), 'node_modules', PKG.name, 'package.json'), 'utf8'));
  const packages = new Set([...Object.keys(installed.dependencies), ...Object.keys(installed.peerDependencies)]);
  const unresolved: string[] = [];
  let specifiers = 0;
  for (const file of readdirSync(types, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'))) {
    for (const [, spec] of readFileSync(join(types, file), 'utf8').matchAll(
      /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|declare module\s+)['"]([^'"]+)['"]/g,
    )) {
      specifiers++;
      // node:* are @types/node's, which a TypeScript project on Node has.
      const ok = spec.startsWith('.')
        ? existsSync(join(types, dirname(file), spec.replace(/\.js$/, '.d.ts')))
        : packages.has(spec) || spec.startsWith('node:');
      if (!ok) unresolved.push(`${file}: ${spec}`);
    }
  }
  expect(unresolved).toEqual([]);
  expect(specifiers).toBeGreaterThan(100);

  writeFileSync(
    join(app(), 'consumer.ts'),
    `import { trackWasm, withLeakCheck, WasmLeakError, formatReport, type LeakReport, type WasmLeakTracker } from '${PKG.name}';
import { runScenario, parseSuppressions, type Scenario, type RunResult } from '${PKG.name}/cli';
import type {} from '${PKG.name}/vitest'; // the matcher's type only (setupFiles loads it at run time)
import { expect } from 'vitest';

const tracker: WasmLeakTracker = trackWasm();
const report: LeakReport = await withLeakCheck(() => {}, { maxLeakBytes: 4096, suppressions: ['^init_tables$'] });
const bytes: number = report.leakedBytes;
const site: string | undefined = report.sites[0]?.label;
const text: string = formatReport(report);
const isLeak = (e: unknown): boolean => e instanceof WasmLeakError && e.report.leakedCount > 0;
const scenario: Scenario = { url: 'http://127.0.0.1:8080/', async action(page) { await page.click('#open'); } };
const result: RunResult = await runScenario(scenario, { repeat: 3, suppressions: parseSuppressions('leak:process_data') });
const code: 0 | 1 | 2 = result.exitCode;
await expect(() => {}).not.toLeakWasm({ maxLeakBytes: 0 });
// @ts-expect-error leakedBytes is a number (declarations typed as any would make this line pass)
const wrong: string = report.leakedBytes;
// @ts-expect-error a scenario needs an action
const incomplete: Scenario = { url: 'http://127.0.0.1:8080/' };
tracker.stop();
console.log(bytes, site, text, isLeak, code, wrong, incomplete);
`,
  );
  writeFileSync(
    join(app(), 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'Node16',
        moduleResolution: 'Node16',
        strict: true,
        noEmit: true,
        // tsc --init's default: checking node's, playwright-core's and vitest's declarations too costs 3× the time.
        skipLibCheck: true,
        // Node's types from the repository (playwright-core's declarations use them): not installed here.
        typeRoots: [join(NODE_MODULES, '@types')],
        types: ['node'],
      },
      files: ['consumer.ts'],
    }),
  );
  const r = await run(process.execPath, [join(NODE_MODULES, 'typescript/bin/tsc'), '-p', 'tsconfig.json'], app());
  expect(r.stdout + r.stderr).toBe('');
  expect(r.code).toBe(0);
});

test('wasm-leaks/vitest in setupFiles: expect(fn).not.toLeakWasm() fails on the seed leak with its figures', async () => {
  writeFileSync(join(app(), 'vitest.config.mjs'), `export default { test: { setupFiles: ['${PKG.name}/vitest'] } };\n`);
  writeFileSync(
    join(app(), 'leak.test.mjs'),
    `import { readFileSync } from 'node:fs';
import { test, expect } from 'vitest';
const { instance } = await WebAssembly.instantiate(readFileSync(new URL('./leak.wasm', import.meta.url)), {});
const demo = instance.exports;
demo._initialize();
test('fixed', async () => { await expect(() => demo.process_data_fixed(1024)).not.toLeakWasm(); });
test('leaks', async () => { await expect(() => demo.simulate_memory_leak()).not.toLeakWasm(); });
`,
  );
  const r = await run(join(NODE_MODULES, '.bin/vitest'), ['run', 'leak.test.mjs', '--reporter=json', '--outputFile=vitest.json'], app());
  expect(r.code, r.stderr).toBe(1);
  const results = JSON.parse(readFileSync(join(app(), 'vitest.json'), 'utf8')) as {
    testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
  };
  expect(
    results.testResults[0].assertionResults.map((a) => [a.title, a.status, ...a.failureMessages.map((m) => m.split('\n').slice(0, 2))]),
  ).toEqual([
    ['fixed', 'passed'],
    [
      'leaks',
      'failed',
      ['Error: expected no WebAssembly leak', 'Leak of 102,400 B in 100 blocks at process_data (leak.c:19) in module #1 (from bytes)'],
    ],
  ]);
});
