// The bootstraps worker-hook.ts writes are source text run in workers: each
// kind must at least parse (a module bootstrap awaits at top level: parsed as
// an async function body here), with the page's URL and name quoted safely.
import { describe, expect, it } from 'vitest';
import { bootstrap, type WorkerBoot, type WorkerKind } from './worker-hook';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (body: string) => Function;
const kinds: WorkerKind[] = ['worker', 'module worker', 'shared worker', 'module shared worker'];
const boot = (kind: WorkerKind): WorkerBoot => ({
  channel: 'wasm-leaks:c',
  token: 't1',
  agent: 'blob:https://a.test/agent',
  // quotes, a backslash and a line break in the URL and name must stay data
  url: 'https://a.test/w/it\'s\\"odd\u2028.js',
  kind,
  name: 'n\'"\n',
});

describe('bootstrap', () => {
  for (const kind of kinds) {
    it(`parses for a ${kind}`, () => {
      const source = bootstrap(boot(kind));
      const module = kind.startsWith('module');
      expect(() => (module ? new AsyncFunction(source) : new Function(source))).not.toThrow();
      expect(source).toContain(JSON.stringify(boot(kind).url));
    });
  }

  it('watches first-run errors and holds connections only where a SharedWorker needs them', () => {
    expect(bootstrap(boot('worker'))).not.toContain('firstRun');
    expect(bootstrap(boot('module worker'))).not.toContain('"connect"');
    expect(bootstrap(boot('shared worker'))).toContain('firstRun');
    expect(bootstrap(boot('shared worker'))).not.toContain('"connect"');
    expect(bootstrap(boot('module shared worker'))).toContain('self.addEventListener("connect",hold)');
  });
});
