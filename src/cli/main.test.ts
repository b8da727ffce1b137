// The command line without a browser: arguments, usage errors, and the errors
// raised before Chromium starts (scenario shape, URL, extension not built,
// suppressions file). Runs on the demo site are in e2e/cli.spec.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, parseArgs, UsageError, type CliArgs } from './main';
import { EXIT } from './run';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-leaks-cli-'));
  writeFileSync(join(dir, 'ok.mjs'), "export const url = 'http://127.0.0.1:1/'; export function action() {}");
  writeFileSync(join(dir, 'default.cjs'), "module.exports = { url: () => 'http://127.0.0.1:1/', action() {}, back() {} };");
  writeFileSync(join(dir, 'no-action.mjs'), "export const url = 'http://127.0.0.1:1/';");
  writeFileSync(join(dir, 'relative.mjs'), "export const url = 'index.html'; export function action() {}");
  writeFileSync(join(dir, 'throws.mjs'), "throw new Error('boom at import');");
  writeFileSync(join(dir, 'bad.supp'), 'leak:ok\ninterceptor_via_fun:x\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

// Each option: its field, its default, arguments that set it, the value they give.
const OPTIONS: [keyof CliArgs, unknown, string[], unknown][] = [
  ['repeat', 3, ['--repeat', '5'], 5],
  ['maxLeakBytes', 0, ['--max-leak-bytes=1024'], 1024],
  ['suppressionsFile', null, ['--suppressions', 'x.supp'], 'x.supp'],
  ['json', false, ['--json'], true],
  ['pprof', null, ['--pprof', 'o.pb.gz'], 'o.pb.gz'],
  ['report', null, ['--report', 'out.html'], 'out.html'],
  ['timeoutMs', 30_000, ['--timeout', '9000'], 9000],
  ['settleMs', 200, ['--settle', '0'], 0],
  ['chromePath', undefined, ['--chrome', '/c'], '/c'],
  ['extensionDir', undefined, ['--extension', 'd'], 'd'],
];

describe('parseArgs', () => {
  it('defaults, every option, --flag=value', () => {
    expect(parseArgs(['run', 's.js'])).toEqual({ scenario: 's.js', ...Object.fromEntries(OPTIONS.map(([field, d]) => [field, d])) });
    // The scenario may stand between options.
    const [first, ...others] = OPTIONS.map((o) => o[2]);
    expect(parseArgs(['run', ...first, 's.js', ...others.flat()])).toEqual({
      scenario: 's.js',
      ...Object.fromEntries(OPTIONS.map(([field, , , v]) => [field, v])),
    });
    expect(parseArgs([])).toBe('help');
    expect(parseArgs(['run', '-h'])).toBe('help');
  });

  it('usage errors name the problem', () => {
    expect(() => parseArgs(['check', 's.js'])).toThrow(new UsageError('unknown command "check" (expected: run)'));
    expect(() => parseArgs(['run'])).toThrow('missing the scenario file');
    expect(() => parseArgs(['run', 's.js', '--repeat', '0'])).toThrow('--repeat needs an integer >= 1, got 0');
    expect(() => parseArgs(['run', 's.js', '--max-leak-bytes', '-1'])).toThrow('--max-leak-bytes needs an integer >= 0, got -1');
    expect(() => parseArgs(['run', 's.js', '--pprof'])).toThrow('--pprof needs a value');
    expect(() => parseArgs(['run', 's.js', '--report'])).toThrow('--report needs a value');
    expect(() => parseArgs(['run', 's.js', '--fast'])).toThrow('unknown option --fast');
    expect(() => parseArgs(['run', 'a.js', 'b.js'])).toThrow('one scenario at a time');
  });
});

describe('main, before any browser starts', () => {
  it('--help prints the usage (exit 0); a usage error prints it on stderr (exit 64)', async () => {
    const help = await cli('--help');
    expect([help.code, help.out.split('\n')[0]]).toEqual([0, 'Usage: wasm-leaks run <scenario.js> [options]']);
    const bad = await cli('run');
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([EXIT.usage, 'wasm-leaks: missing the scenario file']);
  });

  it('the extension not built: exit 3 saying to run npm run build', async () => {
    const r = await cli('run', join(dir, 'ok.mjs'), '--extension', join(dir, 'nowhere'));
    expect(r.code).toBe(EXIT.error);
    expect(r.err).toBe(
      `wasm-leaks: the extension is not built (no manifest.json and extension/panel/index.html in ${join(dir, 'nowhere')}): run \`npm run build\`\n`,
    );
    // A CommonJS scenario with a url() function loads as well (and gets as far).
    expect((await cli('run', join(dir, 'default.cjs'), '--extension', join(dir, 'nowhere'))).err).toContain('the extension is not built');
  });

  it('scenario errors: exit 3 with the reason', async () => {
    const noAction = await cli('run', join(dir, 'no-action.mjs'));
    expect([noAction.code, noAction.err]).toEqual([
      EXIT.error,
      `wasm-leaks: ${join(dir, 'no-action.mjs')}: \`action(page)\` must be a function\n`,
    ]);
    expect((await cli('run', join(dir, 'relative.mjs'))).err).toBe('wasm-leaks: scenario url is not an absolute URL: "index.html"\n');
    expect((await cli('run', join(dir, 'throws.mjs'))).err).toMatch(/^wasm-leaks: cannot load scenario .*throws\.mjs: boom at import\n$/);
    expect((await cli('run', join(dir, 'missing.mjs'))).err).toMatch(
      /^wasm-leaks: cannot load scenario .*missing\.mjs: Cannot find module/,
    );
  });

  it('a suppressions file with another type of line: exit 64 naming the line', async () => {
    const r = await cli('run', join(dir, 'ok.mjs'), '--suppressions', join(dir, 'bad.supp'));
    expect([r.code, r.err]).toEqual([
      EXIT.usage,
      `wasm-leaks: ${join(dir, 'bad.supp')}: suppressions line 2: expected "leak:<function, file or module>", got "interceptor_via_fun:x"\n`,
    ]);
  });
});
