// What the worker makes of the page's answers about modules loaded before
// recording: frames with the hook and frames of other origins left out, page
// data checked and bounded. (The injections themselves run in Chromium:
// e2e/dormant.spec.ts.)
import { describe, expect, it } from 'vitest';
import { BEFORE_LIMITS, modulesWithoutHook } from './before-recording';

const O = 'http://127.0.0.1:4000';

describe('modulesWithoutHook', () => {
  it('frames of the tab origin (or opaque) without the hook, each URL once, in order', () => {
    const hooked = [
      { frameId: 0, result: false },
      { frameId: 1, result: true },
      { frameId: 2, result: false },
      { frameId: 3, result: false },
    ];
    const resources = [
      { frameId: 0, result: { origin: O, urls: [`${O}/a.wasm`, `${O}/b.wasm`, `${O}/a.wasm`] } },
      { frameId: 1, result: { origin: O, urls: [`${O}/hooked.wasm`] } },
      { frameId: 2, result: { origin: 'https://other.example', urls: ['https://other.example/x.wasm'] } },
      { frameId: 3, result: { origin: 'null', urls: [`${O}/srcdoc.wasm`] } },
      // An answer without its MAIN-world half: not known to be hooked.
      { frameId: 4, result: { origin: O, urls: [`${O}/c.wasm`] } },
    ];
    expect(modulesWithoutHook(hooked, resources, O)).toEqual([`${O}/a.wasm`, `${O}/b.wasm`, `${O}/srcdoc.wasm`, `${O}/c.wasm`]);
  });

  it('page data: wrong shapes ignored, non-strings dropped, counts and lengths bounded', () => {
    const long = `${O}/${'x'.repeat(5000)}.wasm`;
    const many = Array.from({ length: 100 }, (_, i) => `${O}/m${i}.wasm`);
    const got = modulesWithoutHook(
      [],
      [
        { frameId: 0, result: null },
        { frameId: 1, result: [`${O}/array.wasm`] },
        { frameId: 2, result: { origin: O, urls: 'nope' } },
        { frameId: 3, result: { origin: O, urls: [42, '', { toString: () => 'x' }, long] } },
        { frameId: 4, result: { origin: O, urls: many } },
      ],
      O,
    );
    expect(got[0]).toBe(long.slice(0, BEFORE_LIMITS.chars));
    expect(got.length).toBe(1 + BEFORE_LIMITS.perFrame);
    expect(got.at(-1)).toBe(`${O}/m${BEFORE_LIMITS.perFrame - 1}.wasm`);
  });
});
