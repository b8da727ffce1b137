// The wire format and the validation of what the page sends: exact bytes,
// and every malformed message refused with a clear error.
import { describe, it, expect } from 'vitest';
import { bytesToBase64, base64ToBytes, encodeU32, decodeU32, encodeF64, decodeF64 } from './base64';
import { parsePageMsg, parsePanelMsg, ProtocolError } from './validate';
import { Router, portContext, type PortLike } from './router';
import { LIMITS } from './version';

describe('base64 of typed arrays', () => {
  it("matches Node's Buffer for every length 0..300", () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes));
    }
  });

  it('round-trips u32 and f64 rows exactly', () => {
    const u = Uint32Array.from([0, 1, 0xffffffff, 0x12345678, 102_400]);
    expect(Array.from(decodeU32(encodeU32(u)))).toEqual(Array.from(u));
    const f = Float64Array.from([Date.now() + 0.125, 65536, -1, 2 ** 53]);
    expect(Array.from(decodeF64(encodeF64(f)))).toEqual(Array.from(f));
  });

  it('refuses text that is not canonical base64 or not whole rows', () => {
    expect(() => base64ToBytes('abc')).toThrow('multiple of 4');
    expect(() => base64ToBytes('ab!=')).toThrow('invalid character');
    expect(() => decodeU32(bytesToBase64(new Uint8Array(6)))).toThrow('multiple of 4 bytes');
    expect(() => decodeF64(bytesToBase64(new Uint8Array(12)))).toThrow('multiple of 8 bytes');
  });
});

describe('validation of page messages', () => {
  const batch = {
    t: 'batch',
    seq: 3,
    samples: encodeF64(new Float64Array(7)),
    sites: [{ id: 1, module: 1, frames: [{ name: 'process_data', func: 2, offset: 0x1f2, file: 'leak.c', line: 19 }] }],
    errors: [],
  };

  it('returns a clean copy holding only known fields', () => {
    const parsed = parsePageMsg({ ...batch, extra: '<img src=x onerror=alert(1)>' });
    expect(parsed).toEqual(batch);
    expect('extra' in parsed).toBe(false);
  });

  it.each([
    [null, 'not an object'],
    [{ t: 'nope' }, 'unknown message type'],
    [{ ...batch, seq: -1 }, 'field seq'],
    [{ ...batch, seq: 1.5 }, 'expected an integer'],
    [{ ...batch, samples: 'not base64!' }, 'not base64'],
    [{ ...batch, sites: [{ id: 1, module: 1, frames: [{ name: 7 }] }] }, 'field name'],
    [{ ...batch, sites: 'x' }, 'expected an array'],
    [{ t: 'hello', v: 1, url: 'x'.repeat(LIMITS.maxStringChars + 1), start: 0 }, 'longer than'],
    [{ t: 'diff', req: 1, module: 1, from: 'A', to: 'Z', final: null }, 'expected one of A, B, C'],
    [{ t: 'leaks', req: 1, module: 1, kinds: '', counts: [1, 2, 3], bytes: [0, 0, 0, 0], scanned: 0 }, 'expected 4 values'],
  ])('refuses %j', (msg, error) => {
    expect(() => parsePageMsg(msg)).toThrow(ProtocolError);
    expect(() => parsePageMsg(msg)).toThrow(error);
  });

  it('bounds what a panel may ask to read', () => {
    expect(parsePanelMsg({ t: 'read', req: 1, module: 1, ptr: 16, len: 256 })).toEqual({ t: 'read', req: 1, module: 1, ptr: 16, len: 256 });
    expect(() => parsePanelMsg({ t: 'read', req: 1, module: 1, ptr: 16, len: LIMITS.maxReadBytes + 1 })).toThrow('field len');
  });
});

/** A port as Chrome hands it to the service worker, recording what it is sent. */
function port(name: string, tab?: number, frameId = 0) {
  const listeners: ((m: unknown) => void)[] = [];
  const disconnects: (() => void)[] = [];
  const sent: unknown[] = [];
  const p: PortLike & { sent: unknown[]; emit(m: unknown): void; drop(): void } = {
    name,
    sender: tab === undefined ? undefined : { tab: { id: tab }, frameId },
    postMessage: (m) => sent.push(m),
    onMessage: { addListener: (fn) => listeners.push(fn) },
    onDisconnect: { addListener: (fn) => disconnects.push(fn) },
    sent,
    emit: (m) => listeners.forEach((fn) => fn(m)),
    drop: () => disconnects.forEach((fn) => fn()),
  };
  return p;
}

describe('router', () => {
  it('routes by tab id only, tags page messages with the frame Chrome reports, and forgets closed ports', () => {
    const reloads: number[] = [];
    const router = new Router((tab) => reloads.push(tab));
    const page7 = port('page', 7, 3);
    const page8 = port('page', 8);
    const panel7 = port('panel:7');
    [page7, page8, panel7].forEach((p) => router.connect(p));
    page7.emit({ t: 'hello' });
    page8.emit({ t: 'hello' });
    expect(panel7.sent).toEqual([{ frame: 3, msg: { t: 'hello' } }]);
    panel7.emit({ to: 'page', msg: { t: 'clear' } });
    expect(page7.sent).toEqual([{ t: 'clear' }]);
    expect(page8.sent).toEqual([]);
    panel7.emit({ to: 'reload' });
    expect(reloads).toEqual([7]);
    page7.drop();
    expect(router.counts(7)).toEqual({ pages: 0, panels: 1 });
  });

  it('gives each worker context of a frame its own source number, frame + context × 2^32, and routes commands back to it alone', () => {
    const router = new Router(() => {});
    const page = port('page', 7, 3);
    const worker = port('page:2', 7, 3);
    const forged = [port('page:0', 7, 3), port('page:1025', 7, 3), port('page:x', 7, 3)];
    const panel = port('panel:7');
    [page, worker, ...forged, panel].forEach((p) => router.connect(p));
    page.emit({ t: 'hello' });
    worker.emit({ t: 'batch' });
    for (const f of forged) f.emit({ t: 'forged' });
    expect(panel.sent).toEqual([
      { frame: 3, msg: { t: 'hello' } },
      { frame: 3 + 2 * 2 ** 32, msg: { t: 'batch' } },
    ]);
    panel.emit({ to: 'page', frame: 3 + 2 * 2 ** 32, msg: { t: 'snapshot' } });
    panel.emit({ to: 'page', msg: { t: 'clear' } });
    expect(worker.sent).toEqual([{ t: 'snapshot' }, { t: 'clear' }]);
    expect(page.sent).toEqual([{ t: 'clear' }]);
    expect(router.counts(7)).toEqual({ pages: 2, panels: 1 });
    // A worker context's port closing (its frame's document went away) is that source's end; the frame's own is not.
    page.drop();
    worker.drop();
    expect(panel.sent.slice(2)).toEqual([{ frame: 3 + 2 * 2 ** 32, msg: { t: 'ended', how: 'unloaded', time: expect.any(Number) } }]);
    expect([portContext('page'), portContext('page:1'), portContext('page:1024'), portContext('page:1.5'), portContext('panel:1')]).toEqual(
      [0, 1, 1024, -1, -1],
    );
  });
});
