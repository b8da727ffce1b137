// A page that interns thousands of stacks at once (wasm-vips' first resize: 15,000)
// sends them in consecutive batches of at most 2,000 (page-agent.ts sendBatches):
// the panel reads each message as one task, and renders between them.
import { describe, it, expect } from 'vitest';
import { fixture as wasm } from '../test-support/fixtures';
import { TestPage, started, stubImports } from '../test-support/test-page';
import { PROTOCOL_VERSION, type BatchMsg } from '../protocol';

describe('batches of at most 2,000 stacks', () => {
  it('walk_paths(4096): 4,097 new stacks in one flush go as batches of 2,000, 2,000 and 97, seq in order, samples and errors with the first only; a resync sends every stack the same way', () => {
    const bytes = wasm('paths-wasi-O2.wasm');
    const page = new TestPage('test://paths');
    const x = started(new page.wa.Instance(new page.wa.Module(bytes), stubImports(bytes, {})));
    page.agent.flush();
    const before = page.reply('batch').length;
    const known = page.sites().size;
    x.walk_paths(4096);
    page.agent.flush();
    const batches = page.reply('batch').slice(before);
    const shape = (b: BatchMsg[]) => b.map((m) => [m.sites.length, m.samples === '' ? 0 : 1, m.errors.length]);
    expect(shape(batches)).toEqual([
      [2000, 1, 0],
      [2000, 0, 0],
      [97, 0, 0],
    ]);
    expect(batches.map((m) => m.seq - batches[0].seq)).toEqual([0, 1, 2]);
    const ids = batches.flatMap((m) => m.sites.map((s) => s.id));
    // (4,097 stacks: the 4,096 paths into malloc, and the memory.grow in sbrk that one of them ran into, under its path)
    expect(new Set(ids).size).toBe(4097);
    expect(page.sites().size).toBe(known + 4097);

    // A panel that connects late hears every stack again, in the same batches, the history with the first.
    const all = page.sites().size;
    const resent = page.sent.length;
    page.agent.handle({ t: 'hello', v: PROTOCOL_VERSION });
    const again = page.sent.slice(resent).filter((m): m is BatchMsg => m.t === 'batch' && m.sites.length > 0);
    expect(again.map((m) => m.sites.length)).toEqual([2000, 2000, all - 4000]);
    expect(again[0].samples).not.toBe('');
    expect(again.slice(1).every((m) => m.samples === '' && m.siteSamples === undefined && m.heapSamples === undefined)).toBe(true);
  });
});
