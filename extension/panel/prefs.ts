// What the panel remembers per user across sessions: splitter sizes, the
// comparison's view, the narrow layout's extra columns and whether its Modules
// strip is open. Kept in the extension page's localStorage (one per Chrome
// profile, synchronous, so the first render already has the sizes; nothing
// here is worth chrome.storage's round trip). Values read back are checked:
// anything out of shape or range falls back to the default.
import { useState } from 'preact/hooks';

const PREFIX = 'wasm-leaks:pref:';

export interface Prefs {
  /** Height of the timeline (px). */
  timelineHeight: number;
  /** Width of the Modules column in the wide layout (px). */
  modulesWidth: number;
  /** Height of the block detail drawer at the bottom (px). */
  drawerHeight: number;
  /** Width of the block detail drawer at the side, in the short layout (px). */
  drawerWidth: number;
  /** Sites | Tree | Flame | Blocks. */
  view: string;
  /** Site-table columns shown in the narrow layout besides the site, # New and the sorted one. */
  narrowColumns: string[];
  /** The narrow layout's Modules strip is expanded. */
  modulesOpen: boolean;
}

export const DEFAULT_PREFS: Prefs = {
  timelineHeight: 224,
  modulesWidth: 262,
  drawerHeight: 220,
  drawerWidth: 560,
  view: 'Sites',
  narrowColumns: [],
  modulesOpen: false,
};

/** Bounds of the sizes (px): a stored size outside them is not used. */
export const SIZE_RANGE = { min: 60, max: 4000 };

function valid<K extends keyof Prefs>(key: K, v: unknown): v is Prefs[K] {
  const d = DEFAULT_PREFS[key];
  if (typeof d === 'number') return typeof v === 'number' && Number.isFinite(v) && v >= SIZE_RANGE.min && v <= SIZE_RANGE.max;
  if (typeof d === 'boolean') return typeof v === 'boolean';
  if (typeof d === 'string') return typeof v === 'string' && v.length <= 32;
  return Array.isArray(v) && v.length <= 16 && v.every((s) => typeof s === 'string' && s.length <= 32);
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled for the profile: nothing is remembered
  }
}

export function readPref<K extends keyof Prefs>(key: K): Prefs[K] {
  try {
    const raw = storage()?.getItem(PREFIX + key);
    if (raw != null) {
      const v: unknown = JSON.parse(raw);
      if (valid(key, v)) return v;
    }
  } catch {
    // a malformed value: the default
  }
  return DEFAULT_PREFS[key];
}

export function writePref<K extends keyof Prefs>(key: K, value: Prefs[K]): void {
  try {
    storage()?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // quota or disabled storage: the setting lasts for this session only
  }
}

/** A preference as component state, written through on every change. */
export function usePref<K extends keyof Prefs>(key: K): [Prefs[K], (v: Prefs[K]) => void] {
  const [value, setValue] = useState<Prefs[K]>(() => readPref(key));
  return [
    value,
    (v) => {
      setValue(v);
      writePref(key, v);
    },
  ];
}
