// Recording on and off. Nothing is injected into a page by default (the
// manifest declares no content script): the MAIN-world hook and the ISOLATED
// bridge are registered with chrome.scripting.registerContentScripts, at
// document_start in every frame, only for what is being recorded:
//   - a site (origin) recorded on every load: persisted registrations, listed
//     and removed from the panel;
//   - "Reload and record" of one tab: registrations for the tab's origin that
//     last one load (armed → the tab starts loading → it completes → removed).
// All state lives in the registered scripts and chrome.storage.session, none
// in this worker's memory, which Chrome stops when idle.
import pageHook from '../page/main.ts?script&iife';
import bridge from '../content/bridge.ts?script&iife';
import { modulesBeforeRecording } from './before-recording';

const SITE = 'site|';
const ONCE = 'once|';
const ONCE_STATE = (tab: number) => `once:${tab}`;
/** The tab's current load was recorded by Reload and record (for the toolbar badge). */
const LOADED = (tab: number) => `loaded:${tab}`;

/** "http://127.0.0.1:8080" for an http(s) page, else null (nothing to record). */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

function scripts(prefix: string, key: string, origin: string, persist: boolean): chrome.scripting.RegisteredContentScript[] {
  const common = {
    matches: [`${origin}/*`],
    runAt: 'document_start' as const,
    allFrames: true,
    matchOriginAsFallback: true,
    persistAcrossSessions: persist,
  };
  return [
    { id: `${prefix}main|${key}`, js: [pageHook], world: 'MAIN', ...common },
    { id: `${prefix}bridge|${key}`, js: [bridge], world: 'ISOLATED', ...common },
  ];
}

async function registered(prefix: string): Promise<chrome.scripting.RegisteredContentScript[]> {
  return (await chrome.scripting.getRegisteredContentScripts()).filter((s) => s.id.startsWith(prefix));
}

async function unregister(ids: string[]): Promise<void> {
  const present = new Set((await chrome.scripting.getRegisteredContentScripts({ ids })).map((s) => s.id));
  const gone = ids.filter((id) => present.has(id));
  if (gone.length > 0) await chrome.scripting.unregisterContentScripts({ ids: gone });
}

/** The sites recorded on every load, as origins. */
export async function recordedSites(): Promise<string[]> {
  const ids = (await registered(`${SITE}main|`)).map((s) => s.id.slice(`${SITE}main|`.length));
  return [...new Set(ids)].sort();
}

export async function setSiteRecorded(origin: string, on: boolean): Promise<string[]> {
  const o = originOf(origin);
  if (!o) throw new Error(`not a web origin: ${origin}`);
  const list = scripts(SITE, o, o, true);
  await unregister(list.map((s) => s.id));
  if (on) await chrome.scripting.registerContentScripts(list);
  return recordedSites();
}

/** Records the tab's next load only: the hook runs before the page's first script. */
export async function reloadAndRecord(tabId: number): Promise<void> {
  const tab = await chrome.tabs.get(tabId);
  const origin = originOf(tab.url);
  if (origin && !(await recordedSites()).includes(origin)) {
    const list = scripts(ONCE, String(tabId), origin, false);
    await unregister(list.map((s) => s.id));
    await chrome.scripting.registerContentScripts(list);
    await chrome.storage.session.set({ [ONCE_STATE(tabId)]: 'armed' });
  }
  await chrome.tabs.reload(tabId);
}

/** The tab's load is recorded by Reload and record (pending, loading, or the load that completed). */
export async function onceArmed(tabId: number): Promise<boolean> {
  const got = await chrome.storage.session.get([ONCE_STATE(tabId), LOADED(tabId)]);
  return Boolean(got[ONCE_STATE(tabId)] || got[LOADED(tabId)]);
}

async function dropOnce(tabId: number): Promise<void> {
  await chrome.storage.session.remove(ONCE_STATE(tabId));
  await unregister([`${ONCE}main|${tabId}`, `${ONCE}bridge|${tabId}`]);
}

/** A one-load registration ends when that load completes (its scripts ran at document_start). */
export async function onTabStatus(tabId: number, status: string | undefined): Promise<void> {
  const key = ONCE_STATE(tabId);
  const state = (await chrome.storage.session.get(key))[key];
  if (!state) {
    // A later load, not recorded (unless its site is).
    if (status === 'loading') await chrome.storage.session.remove(LOADED(tabId));
    return;
  }
  if (status === 'loading' && state === 'armed') await chrome.storage.session.set({ [key]: 'loading' });
  else if (status === 'complete' && state === 'loading') {
    await dropOnce(tabId);
    await chrome.storage.session.set({ [LOADED(tabId)]: true });
  }
}

export interface RecordingState {
  /** The tab's origin, or null when it cannot be recorded (not http/https). */
  origin: string | null;
  /** The tab's origin is recorded on every load. */
  site: boolean;
  sites: string[];
  /** WebAssembly modules (URLs) the tab's documents loaded without the hook: they exist, untracked, until a reload. */
  before: string[];
}

export async function stateOf(tabId: number): Promise<RecordingState> {
  let origin: string | null = null;
  try {
    origin = originOf((await chrome.tabs.get(tabId)).url);
  } catch {
    /* the tab is gone */
  }
  const [sites, before] = await Promise.all([recordedSites(), origin ? modulesBeforeRecording(tabId, origin) : Promise.resolve([])]);
  return { origin, site: origin !== null && sites.includes(origin), sites, before };
}

/** What the panel asks the worker (chrome.runtime.sendMessage). */
export type RecordingRequest = { t: 'rec:state'; tab: number } | { t: 'rec:site'; tab: number; origin: string; on: boolean };

export async function handleRequest(req: RecordingRequest, changed?: (tab: number) => void): Promise<RecordingState> {
  if (req.t === 'rec:site') {
    await setSiteRecorded(req.origin, req.on);
    changed?.(req.tab);
  }
  return stateOf(req.tab);
}

export function install(changed?: (tab: number) => void): void {
  chrome.tabs.onUpdated.addListener((tabId, info) => {
    if (!info.status) return;
    void onTabStatus(tabId, info.status)
      .catch(() => {})
      .then(() => changed?.(tabId));
  });
  chrome.tabs.onRemoved.addListener((tabId) => {
    void dropOnce(tabId)
      .then(() => chrome.storage.session.remove(LOADED(tabId)))
      .catch(() => {});
  });
  chrome.runtime.onMessage.addListener((raw, sender, reply) => {
    // Only the extension's own pages (the panel) may turn recording on or off.
    if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(chrome.runtime.getURL(''))) return false;
    const req = raw as RecordingRequest;
    if (!req || (req.t !== 'rec:state' && req.t !== 'rec:site')) return false;
    handleRequest(req, changed).then(
      (state) => reply({ ok: true, state }),
      (error) => reply({ ok: false, error: String(error) }),
    );
    return true;
  });
}
