// The wire codec: base64 of typed arrays (runtime ports carry JSON), ours vs
// Node's Buffer, and validation of a 1 M-block diff message.
import { pathToFileURL } from 'node:url';
import { encodeU32, decodeU32, parsePageMsg, BLOCK_STRIDE } from '../src/protocol';
import { diffMsg } from '../src/test-support/made-messages';

function time(fn: () => void, reps: number): number {
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

export async function run(): Promise<void> {
  const blocks = 1_000_000;
  const rows = new Uint32Array(blocks * BLOCK_STRIDE);
  for (let i = 0; i < rows.length; i++) rows[i] = (i * 2654435761) >>> 0;
  const mb = rows.byteLength / 1048576;
  let text = '';
  const ours = time(() => (text = encodeU32(rows)), 5);
  const node = time(() => Buffer.from(rows.buffer).toString('base64'), 5);
  const oursDec = time(() => decodeU32(text), 5);
  const nodeDec = time(() => Buffer.from(text, 'base64'), 5);
  console.log('codec (1 M blocks = %s MB of rows):', mb.toFixed(1));
  console.log(
    `  encode: ours ${ours.toFixed(1)} ms (${(mb / (ours / 1000)).toFixed(0)} MB/s), Buffer ${node.toFixed(1)} ms → ours ÷ Buffer ${(ours / node).toFixed(2)}×`,
  );
  console.log(
    `  decode: ours ${oursDec.toFixed(1)} ms, Buffer ${nodeDec.toFixed(1)} ms → ours ÷ Buffer ${(oursDec / nodeDec).toFixed(2)}×`,
  );
  const msg = diffMsg({ newCount: blocks, newBytes: blocks * 32, blocks: text });
  const json = JSON.stringify(msg);
  const parse = time(() => JSON.parse(json), 5);
  const validate = time(() => parsePageMsg(JSON.parse(json)), 5);
  console.log(
    `  1 M-block diff message: JSON.parse ${parse.toFixed(1)} ms, + validation ${(validate - parse).toFixed(1)} ms (${((validate - parse) / parse).toFixed(2)}× of the parse)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
