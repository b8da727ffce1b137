// The fields of snapshots across contexts (cut numbers) and of modules on a
// shared memory: what the page and the panel may send, bounded, and refused
// otherwise (page data is untrusted).
import { describe, expect, it } from 'vitest';
import { parsePageMsg, parsePanelMsg } from './validate';

const module = {
  t: 'module',
  id: 1,
  name: 'https://example.test/threads.wasm',
  size: 10,
  instrumented: true,
  reason: '',
  allocators: [],
  wrappedExports: [],
  time: 5,
};
const snapshot = { t: 'snapshot', req: 1, name: 'B', time: 5, modules: [] };

describe('cut numbers and shared memories on the wire', () => {
  it('keeps a snapshot answer’s cut, a module’s shared memory, and the cuts of a snapshot or diff command', () => {
    expect(parsePageMsg({ ...snapshot, cut: 7, extra: 1 })).toEqual({ ...snapshot, cut: 7 });
    expect(parsePageMsg(snapshot)).toEqual(snapshot);
    const shared = { heap: 1_700_000_000_123.25, thread: 3, counted: false };
    expect(parsePageMsg({ ...module, shared: { ...shared, x: 1 } })).toEqual({ ...module, shared });
    expect(parsePanelMsg({ t: 'snapshot', req: 2, name: 'A', cut: 1 })).toEqual({ t: 'snapshot', req: 2, name: 'A', cut: 1 });
    const diff = { t: 'diff', req: 3, from: 'A', to: 'B', final: null };
    expect(parsePanelMsg({ ...diff, cuts: { from: 0, to: 2, final: null } })).toEqual({ ...diff, cuts: { from: 0, to: 2, final: null } });
    expect(parsePanelMsg({ ...diff, final: 'C', cuts: { from: 1, to: 2, final: 3 } }).t).toBe('diff');
    expect(parsePanelMsg(diff)).toEqual(diff);
  });

  it.each([
    [{ ...snapshot, cut: 0 }, 'field cut'],
    [{ ...snapshot, cut: 1.5 }, 'field cut'],
    [{ ...snapshot, cut: '7' }, 'field cut'],
    [{ ...snapshot, cut: 2 ** 53 + 2 }, 'field cut'],
    [{ ...module, shared: 1 }, 'shared'],
    [{ ...module, shared: { heap: Number.NaN, thread: 1, counted: true } }, 'field heap'],
    [{ ...module, shared: { heap: -1, thread: 1, counted: true } }, 'field heap'],
    [{ ...module, shared: { heap: 5, thread: 2 ** 21, counted: true } }, 'field thread'],
    [{ ...module, shared: { heap: 5, thread: 1, counted: 'yes' } }, 'field counted'],
  ])('refuses page message %j', (msg, error) => {
    expect(() => parsePageMsg(msg)).toThrow(error);
  });

  it.each([
    [{ t: 'snapshot', req: 1, name: 'A', cut: -1 }, 'field cut'],
    [{ t: 'diff', req: 1, from: 'A', to: 'B', final: null, cuts: { from: 1, to: 0, final: null } }, 'field to'],
    [{ t: 'diff', req: 1, from: 'A', to: 'B', final: null, cuts: { from: -1, to: 2, final: null } }, 'field from'],
    [{ t: 'diff', req: 1, from: 'A', to: 'B', final: null, cuts: { from: 1, to: 2 } }, 'field final'],
    [{ t: 'diff', req: 1, from: 'A', to: 'B', final: null, cuts: [1, 2] }, 'cuts'],
  ])('refuses command %j', (msg, error) => {
    expect(() => parsePanelMsg(msg)).toThrow(error);
  });
});
