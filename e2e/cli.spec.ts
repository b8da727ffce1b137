// `wasm-leaks run` (lib/bin.js, the bundle `npm run build` writes to lib/)
// on the demo site, as a CI job would run it: its own headless Chromium with
// the built extension, scenarios in memlab's shape, exit codes, text, JSON and
// pprof output. Only the harness's static server is used here. The installed
// package (npm pack, npm install) is tested in e2e/package.spec.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect, DIST } from './harness';
import { readProfile } from '../src/test-support/protobuf';
// @ts-expect-error plain ESM build script without types
import { buildNode } from '../scripts/build-node.mjs';

let BIN: string;
let dir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-cli-spec-'));
  // The package's layout: lib/ (built here from the current sources, not an older `npm run build`) beside dist/, the
  // extension under test, and node_modules/ for playwright-core (the repository's).
  BIN = join(await buildNode(join(dir, 'lib')), 'bin.js');
  symlinkSync(DIST, join(dir, 'dist'));
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A scenario on the demo page clicking `button` as its action. */
function scenario(name: string, site: string, button: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    `export const url = ${JSON.stringify(`${site}/index.html?build=wasi-O0`)};
export async function setup(page) { await page.evaluate(() => window.demo.ready); }
export async function action(page) { await page.click(${JSON.stringify(button)}); }
export async function back() {}
`,
  );
  return file;
}

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every start tag of a document (its escaped text has no raw '<'), attribute values emptied (they are quoted and escaped). */
const tagsOf = (html: string) => (html.match(/<[a-zA-Z][^>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));

test('the seed leak: exit 1 naming process_data (leak.c:19), 100 blocks / 102,400 B per repeat; --pprof gives the same totals, --report an HTML page with them', async ({
  site,
}) => {
  const pprof = join(dir, 'seed.pb.gz');
  const report = join(dir, 'seed.html');
  const r = await cli('run', scenario('seed', site, '#leak'), '--pprof', pprof, '--report', report);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toContain('Leak of 307,200 B in 300 blocks (100 blocks / 102,400 B per repeat) at process_data (leak.c:19) in ');
  expect(r.stdout).toMatch(/#0 process_data \S*leak\.c:19\n\s+#1 simulate_memory_leak \S*leak\.c:27\n/);
  expect(r.stdout).toContain(
    'SUMMARY: 307,200 B leaked in 300 blocks at 1 site over 3 repeats; suppressed: 0 B in 0 blocks; 1 module instrumented; limit 0 B',
  );
  expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('FAIL: 307,200 B leaked in 300 blocks at 1 site (more than the 0 B allowed)');
  // Progress on stderr: each repeat adds the same 100 blocks.
  for (const [i, n, b] of [
    [1, '100', '102,400'],
    [2, '200', '204,800'],
    [3, '300', '307,200'],
  ]) {
    expect(r.stderr).toContain(`wasm-leaks: repeat ${i}/3: ${n} blocks (${b} B) allocated since Snapshot A still alive`);
  }

  const profile = readProfile(readFileSync(pprof));
  expect(profile.sampleTypes).toEqual([
    ['leaked_objects', 'count'],
    ['leaked_space', 'bytes'],
  ]);
  expect(profile.samples.map((s) => [s.labels.site, ...s.values])).toEqual([['process_data (leak.c:19)', 300, 307_200]]);
  expect(profile.samples[0].frames.slice(0, 2).map((f) => `${f.name} ${f.file.split('/').pop()}:${f.line}`)).toEqual([
    'process_data leak.c:19',
    'simulate_memory_leak leak.c:27',
  ]);

  // The HTML report: the same figures, the whole stack, the timeline; nothing loaded or run.
  expect(r.stderr).toContain(`wasm-leaks: HTML report written to ${report}`);
  const html = readFileSync(report, 'utf8');
  expect(html).toContain('FAIL: 307,200 B leaked in 300 blocks at 1 site (more than the 0 B allowed)');
  expect(html).toContain('Leaked over 3 repeats<b>307,200 B</b>300 blocks at 1 site');
  expect(html).toContain('Suppressed<b>0 B</b>0 blocks');
  expect(html).toMatch(
    /<summary><b>process_data \(leak\.c:19\)<\/b> <span class="muted">in http:\/\/127\.0\.0\.1:\d+\/wasm\/leak-wasi-O0\.wasm<\/span><\/summary>/,
  );
  expect(html).toContain('<td class="n">300</td><td class="n">307,200 B</td><td class="n">100 blocks / 102,400 B</td>');
  expect(html).toMatch(
    /<li class="site">#0 process_data <span class="muted">\S*leak\.c:19<\/span> {2}← site<\/li><li>#1 simulate_memory_leak <span class="muted">\S*leak\.c:27<\/span><\/li>/,
  );
  for (const [i, n, b] of [
    [1, '100', '102,400'],
    [2, '200', '204,800'],
    [3, '300', '307,200'],
  ])
    expect(html).toContain(`<tr><td>${i}</td><td class="n">${n}</td><td class="n">${b} B</td></tr>`);
  expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
  for (const m of ['A', 'B1', 'B2', 'B3']) expect(html).toContain(`<title>Snapshot ${m}</title>`);
  expect(html).toMatch(/<tr data-testid="timeline-module"><td>http:\/\/127\.0\.0\.1:\d+\/wasm\/leak-wasi-O0\.wasm<\/td>/);
  expect(html).not.toMatch(/<script|url\(|@import/i);
  for (const tag of tagsOf(html))
    expect(tag).not.toMatch(/\s(src|href|srcset|action|formaction|poster|background|data|xlink:href|on[a-z]+)\s*=/i);
});

test('process_data_fixed: exit 0; --json', async ({ site }) => {
  const r = await cli('run', scenario('fixed', site, '#fixed'), '--json', '--repeat', '2');
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout);
  expect([report.ok, report.exitCode, report.leakedCount, report.leakedBytes, report.repeats, report.sites]).toEqual([
    true,
    0,
    0,
    0,
    2,
    [],
  ]);
  expect(report.series).toEqual([
    { count: 0, bytes: 0 },
    { count: 0, bytes: 0 },
  ]);
  expect(report.modules.map((m: { name: string; instrumented: boolean }) => [m.name.replace(site, ''), m.instrumented])).toEqual([
    ['/wasm/leak-wasi-O0.wasm', true],
  ]);
});

test('a suppression for process_data: exit 0 with the suppressed total printed', async ({ site }) => {
  const supp = join(dir, 'lsan.supp');
  writeFileSync(supp, '# the seed leak, known\nleak:^process_data$\n');
  const r = await cli('run', scenario('suppressed', site, '#leak'), '--suppressions', supp);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('Suppressions used:\n  leak:^process_data$  300 blocks, 307,200 B\n    process_data (leak.c:19) in ');
  expect(r.stdout).toContain(': 300 blocks, 307,200 B (102,400 B per repeat)');
  expect(r.stdout).toContain('SUMMARY: 0 B leaked in 0 blocks at 0 sites over 3 repeats; suppressed: 307,200 B in 300 blocks;');
  expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('PASS');
});

test('no module instrumented: exit 2 saying why; a URL that fails: exit 3', async ({ site }) => {
  const plain = join(dir, 'plain.mjs');
  writeFileSync(plain, `export const url = ${JSON.stringify(`${site}/no-wasm.html`)};\nexport function action() {}\n`);
  const none = await cli('run', plain, '--repeat', '1', '--settle', '0');
  expect(none.code, none.stderr).toBe(2);
  expect(none.stdout).toContain('FAIL: no WebAssembly module was instantiated while tracking, so nothing was checked');
  const missing = join(dir, 'missing.mjs');
  writeFileSync(missing, `export const url = ${JSON.stringify(`${site}/nothing-here.html`)};\nexport function action() {}\n`);
  const failed = await cli('run', missing);
  expect(failed.code).toBe(3);
  expect(failed.stderr).toContain(`wasm-leaks: cannot load ${site}/nothing-here.html: HTTP 404`);
});
