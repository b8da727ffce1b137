import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A fake of the chrome.* the worker's recording uses: registered scripts and session storage.
function fakeChrome() {
  const scripts = new Map<string, chrome.scripting.RegisteredContentScript>();
  const session = new Map<string, unknown>();
  const tabs = new Map<number, string>([[7, 'http://127.0.0.1:4000/index.html?x=1']]);
  const reloads: number[] = [];
  return {
    scripts,
    session,
    reloads,
    api: {
      scripting: {
        getRegisteredContentScripts: async (f?: { ids?: string[] }) => [...scripts.values()].filter((s) => !f?.ids || f.ids.includes(s.id)),
        registerContentScripts: async (list: chrome.scripting.RegisteredContentScript[]) => {
          for (const s of list) {
            if (scripts.has(s.id)) throw new Error(`duplicate id ${s.id}`);
            scripts.set(s.id, s);
          }
        },
        unregisterContentScripts: async ({ ids }: { ids: string[] }) => {
          for (const id of ids) scripts.delete(id);
        },
      },
      storage: {
        session: {
          get: async (k: string | string[]) =>
            Object.fromEntries((Array.isArray(k) ? k : [k]).filter((x) => session.has(x)).map((x) => [x, session.get(x)])),
          set: async (o: Record<string, unknown>) => {
            for (const [k, v] of Object.entries(o)) session.set(k, v);
          },
          remove: async (k: string) => {
            session.delete(k);
          },
        },
      },
      tabs: {
        get: async (id: number) => ({ id, url: tabs.get(id) }),
        reload: async (id: number) => {
          reloads.push(id);
        },
      },
    },
  };
}

vi.mock('../page/main.ts?script&iife', () => ({ default: 'extension/page/main.js' }));
vi.mock('../content/bridge.ts?script&iife', () => ({ default: 'extension/content/bridge.js' }));

describe('recording on and off (service worker)', () => {
  let fake: ReturnType<typeof fakeChrome>;
  beforeEach(() => {
    fake = fakeChrome();
    vi.stubGlobal('chrome', fake.api);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('originOf: http(s) origins only', async () => {
    const { originOf } = await import('./recording');
    expect(originOf('https://example.com:8443/a/b?c')).toBe('https://example.com:8443');
    expect(originOf('chrome://extensions')).toBeNull();
    expect(originOf('about:blank')).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });

  it('a site recorded on every load is two persisted registrations, listed, and removed', async () => {
    const { setSiteRecorded, stateOf } = await import('./recording');
    expect(await setSiteRecorded('http://127.0.0.1:4000/some/page', true)).toEqual(['http://127.0.0.1:4000']);
    expect(await setSiteRecorded('http://127.0.0.1:4000', true)).toEqual(['http://127.0.0.1:4000']); // idempotent
    const main = fake.scripts.get('site|main|http://127.0.0.1:4000');
    expect(main).toMatchObject({
      world: 'MAIN',
      runAt: 'document_start',
      allFrames: true,
      persistAcrossSessions: true,
      matches: ['http://127.0.0.1:4000/*'],
      js: ['extension/page/main.js'],
    });
    expect(fake.scripts.get('site|bridge|http://127.0.0.1:4000')).toMatchObject({ world: 'ISOLATED', js: ['extension/content/bridge.js'] });
    // The fake has no executeScript: nothing can be asked of the page, so no module before recording.
    expect(await stateOf(7)).toEqual({ origin: 'http://127.0.0.1:4000', site: true, sites: ['http://127.0.0.1:4000'], before: [] });
    expect(await setSiteRecorded('http://127.0.0.1:4000', false)).toEqual([]);
    expect(fake.scripts.size).toBe(0);
    await expect(setSiteRecorded('file:///tmp/x.html', true)).rejects.toThrow('not a web origin');
  });

  it('Reload and record registers for one load: removed once the tab started loading and completed', async () => {
    const { reloadAndRecord, onTabStatus, onceArmed } = await import('./recording');
    expect(await onceArmed(7)).toBe(false);
    await reloadAndRecord(7);
    expect(fake.reloads).toEqual([7]);
    expect([...fake.scripts.keys()].sort()).toEqual(['once|bridge|7', 'once|main|7']);
    expect(fake.scripts.get('once|main|7')?.persistAcrossSessions).toBe(false);
    // A 'complete' of the load that was running before the reload does not end it.
    await onTabStatus(7, 'complete');
    expect(fake.scripts.size).toBe(2);
    await onTabStatus(7, 'loading');
    expect(fake.scripts.size).toBe(2);
    await onTabStatus(7, 'complete');
    expect(fake.scripts.size).toBe(0);
    // The load that completed was recorded (the toolbar badge says so) until the next one starts.
    expect(await onceArmed(7)).toBe(true);
    await onTabStatus(7, 'loading');
    expect(await onceArmed(7)).toBe(false);
    expect(fake.session.size).toBe(0);
    // Another tab's events change nothing.
    await onTabStatus(8, 'complete');
  });
});
