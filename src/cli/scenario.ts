// A scenario in memlab's shape: the page to open, a setup step, the action
// suspected of leaking and the step that goes back to the state before it.
// A scenario file is an ES module (or CommonJS) exporting these, named or as
// its default export; `page` is a Playwright Page.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';

export interface Scenario {
  /** The page to open (absolute URL), or a function returning it (memlab's `url()`). */
  url: string | (() => string | Promise<string>);
  /** Runs once after the page loaded, before Snapshot A (log in, open a view, warm caches). */
  setup?: (page: Page) => unknown;
  /** The action checked for leaks; repeated `--repeat` times. */
  action: (page: Page) => unknown;
  /** Undoes the action's visible state (close the dialog, navigate back in the app); runs after each action. */
  back?: (page: Page) => unknown;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Checks the shape of a loaded module; `where` names it in errors. */
export function toScenario(mod: unknown, where: string): Scenario {
  let s = mod as Record<string, unknown> | null;
  if (s && typeof s === 'object' && !('url' in s) && 'default' in s && s.default && typeof s.default === 'object') {
    s = s.default as Record<string, unknown>;
  }
  if (!s || typeof s !== 'object') throw new ScenarioError(`${where}: a scenario exports url, action and optionally setup and back`);
  if (typeof s.url !== 'string' && typeof s.url !== 'function')
    throw new ScenarioError(`${where}: \`url\` must be a string or a function returning one`);
  if (typeof s.action !== 'function') throw new ScenarioError(`${where}: \`action(page)\` must be a function`);
  for (const k of ['setup', 'back'] as const) {
    if (s[k] !== undefined && typeof s[k] !== 'function') throw new ScenarioError(`${where}: \`${k}\` must be a function when given`);
  }
  return s as unknown as Scenario;
}

/** Imports a scenario file (.js, .mjs, .cjs). */
export async function loadScenario(file: string): Promise<Scenario> {
  const path = resolve(file);
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new ScenarioError(`cannot load scenario ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return toScenario(mod, path);
}

/** The scenario's URL, checked. */
export async function scenarioUrl(s: Scenario): Promise<string> {
  let url: unknown;
  try {
    url = typeof s.url === 'function' ? await s.url() : s.url;
  } catch (error) {
    throw new ScenarioError(`scenario url() threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof url !== 'string') throw new ScenarioError('scenario url must be a string');
  try {
    new URL(url);
  } catch {
    throw new ScenarioError(`scenario url is not an absolute URL: "${url}"`);
  }
  return url;
}
