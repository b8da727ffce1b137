// The test modules in e2e/site/wasm (built from e2e/fixtures by `npm run
// fixtures`), read from disk for tests in Node and Playwright specs.
import { readFileSync } from 'node:fs';

/** The folder, as a file: URL ending in '/'. */
export const FIXTURE_DIR = new URL('../../e2e/site/wasm/', import.meta.url);

/** The bytes of fixture `name` (e.g. 'leak-wasi-O0.wasm'). */
export function fixture(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(name, FIXTURE_DIR)));
}

/** A text file next to the fixtures (a source map). */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURE_DIR), 'utf8');
}
