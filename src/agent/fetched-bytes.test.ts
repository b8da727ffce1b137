// A module whose bytes the page fetched itself (fetch → arrayBuffer →
// instantiate) is named by its URL; bytes made in the page stay '(bytes)'. A
// real HTTP server and Node's own fetch and Response.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../test-support/fixtures';
import { TestPage } from '../test-support/test-page';

// (read before any page is made: Node's Response loads on first use, and the hooks patch only a loaded one)
const native = Response.prototype.arrayBuffer;
let server: Server;
let url = '';

beforeAll(async () => {
  const bytes = fixture('leak-wasi-O0.wasm');
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wasm/leak-wasi-O0.wasm`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('modules from fetched bytes', () => {
  it('are named by their URL (the buffer or a view of all of it); a copy made in the page, or part of one, is "(bytes)"', async () => {
    const page = new TestPage('test://fetched');
    const buffer = await (await fetch(url)).arrayBuffer();
    await page.wa.instantiate(buffer, {});
    new page.wa.Instance(new page.wa.Module(new Uint8Array(buffer)), {});
    await page.wa.instantiate(await page.wa.compile(buffer.slice(0)), {});
    const padded = new Uint8Array(buffer.byteLength + 8);
    padded.set(new Uint8Array(buffer), 8);
    await page.wa.instantiate(await page.wa.compile(padded.subarray(8)), {});
    expect(page.reply('module').map((m) => m.name)).toEqual([url, url, '(bytes)', '(bytes)']);
  });

  it('Response.prototype.arrayBuffer looks native, rejects a non-Response as natively, and is the native again after uninstall', async () => {
    const page = new TestPage('test://fetched');
    const hooked = Response.prototype.arrayBuffer;
    expect(hooked).not.toBe(native);
    expect([hooked.name, hooked.length, Function.prototype.toString.call(hooked)]).toEqual([
      'arrayBuffer',
      0,
      Function.prototype.toString.call(native),
    ]);
    const why = async (f: () => Promise<unknown>) =>
      f().then(String, (e: unknown) => `${(e as Error).constructor.name}: ${(e as Error).message}`);
    expect(await why(() => hooked.call({} as Response))).toBe(await why(() => native.call({} as Response)));
    expect(new Uint8Array(await new Response(new Uint8Array([1, 2, 3])).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    page.agent.hooks.uninstall();
    expect(Response.prototype.arrayBuffer).toBe(native);
  });
});
