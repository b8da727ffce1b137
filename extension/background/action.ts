// The toolbar icon, for users who have not opened DevTools: its badge says
// whether the current tab is recorded (REC: its site on every load; 1×: this
// load only, from Reload and record), and a click toggles "Record this site
// on every load" (turned on, the tab reloads so its first script is hooked;
// turned off, later loads cost nothing again).
import { originOf, recordedSites, onceArmed, setSiteRecorded } from './recording';

export async function badgeOf(tabId: number, url: string | undefined): Promise<{ text: string; title: string }> {
  const origin = originOf(url);
  if (!origin) return { text: '', title: 'WASM Leaks: this page cannot be recorded (http and https only)' };
  if ((await recordedSites()).includes(origin)) {
    return { text: 'REC', title: `WASM Leaks: recording ${origin} on every load. Click to stop.` };
  }
  if (await onceArmed(tabId))
    return { text: '1×', title: 'WASM Leaks: recording this load (Reload and record). Click to record this site on every load.' };
  return { text: '', title: `WASM Leaks: not recording. Click to record ${origin} on every load (the page reloads).` };
}

export async function updateBadge(tabId: number): Promise<void> {
  let url: string | undefined;
  try {
    url = (await chrome.tabs.get(tabId)).url;
  } catch {
    return; // the tab is gone
  }
  const { text, title } = await badgeOf(tabId, url);
  await chrome.action.setBadgeText({ tabId, text });
  await chrome.action.setTitle({ tabId, title });
}

/** The icon's click: toggles the site of `tabId`; returns whether it is now recorded. */
export async function toggleFromAction(tabId: number): Promise<boolean> {
  const origin = originOf((await chrome.tabs.get(tabId)).url);
  if (!origin) return false;
  const on = !(await recordedSites()).includes(origin);
  await setSiteRecorded(origin, on);
  await updateBadge(tabId);
  if (on) await chrome.tabs.reload(tabId);
  return on;
}

export function installAction(): void {
  void chrome.action.setBadgeBackgroundColor({ color: '#d93025' }).catch(() => {});
  chrome.action.onClicked.addListener((tab) => {
    if (tab.id !== undefined) void toggleFromAction(tab.id).catch(() => {});
  });
  // Tab loads update the badge through recording.ts's install (after its own bookkeeping).
  chrome.tabs.onActivated.addListener(({ tabId }) => void updateBadge(tabId).catch(() => {}));
}
