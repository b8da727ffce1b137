// The panel follows DevTools' theme while it runs: the theme at start
// (chrome.devtools.panels.themeName), then every change DevTools reports
// (setThemeChangeHandler in Chrome; onThemeChanged where an engine has that
// instead), without reopening. ?theme=light|dark forces one (screenshots, and
// the panel opened as a tab, where chrome.devtools does not exist). Views that
// paint with the theme's colours themselves (the charts) listen for THEME_EVENT.

export type ThemeName = 'light' | 'dark';
export const THEME_EVENT = 'wasm-leaks-theme';

/** DevTools' names: 'default' (light) and 'dark'; anything else is light. */
export function themeOf(name: unknown): ThemeName {
  return name === 'dark' ? 'dark' : 'light';
}

export function applyTheme(theme: ThemeName): void {
  const root = document.documentElement;
  if (root.dataset.theme === theme) return;
  root.dataset.theme = theme;
  document.dispatchEvent(new Event(THEME_EVENT));
}

interface PanelsApi {
  themeName?: string;
  setThemeChangeHandler?: (callback: (theme: string) => void) => void;
  onThemeChanged?: { addListener(callback: (theme: string) => void): void };
}

export function followTheme(forced: string | null): void {
  if (forced === 'dark' || forced === 'light') {
    applyTheme(forced);
    return;
  }
  const panels = (globalThis as { chrome?: { devtools?: { panels?: PanelsApi } } }).chrome?.devtools?.panels;
  applyTheme(themeOf(panels?.themeName));
  const follow = (name: string) => applyTheme(themeOf(name));
  if (typeof panels?.setThemeChangeHandler === 'function') panels.setThemeChangeHandler(follow);
  else panels?.onThemeChanged?.addListener(follow);
}
