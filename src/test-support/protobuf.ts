// A generic protobuf wire-format reader (no schema), and pprof's Profile read
// with it by the field numbers of profile.proto, for tests of the pprof
// output. Written apart from the encoder (src/report/pprof.ts) so that a
// mistake in one is not mirrored in the other.
import { gunzipSync } from 'node:zlib';

export type WireValue = { wire: 0; value: bigint } | { wire: 2; bytes: Uint8Array } | { wire: 1 | 5; bytes: Uint8Array };

/** Every field of one message, in order, by field number. */
export function readMessage(buf: Uint8Array): Map<number, WireValue[]> {
  const fields = new Map<number, WireValue[]>();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('protobuf: truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('protobuf: varint too long');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let v: WireValue;
    if (wire === 0) v = { wire: 0, value: varint() };
    else if (wire === 2) {
      const n = Number(varint());
      if (pos + n > buf.length) throw new Error('protobuf: truncated field');
      v = { wire: 2, bytes: buf.subarray(pos, pos + n) };
      pos += n;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      v = { wire, bytes: buf.subarray(pos, pos + n) };
      pos += n;
    } else throw new Error(`protobuf: wire type ${wire} at ${pos}`);
    if (field === 0) throw new Error('protobuf: field 0');
    (fields.get(field) ?? fields.set(field, []).get(field)!).push(v);
  }
  return fields;
}

/** Varints of a repeated scalar field, packed or not. */
function ints(values: WireValue[] | undefined): bigint[] {
  const out: bigint[] = [];
  for (const v of values ?? []) {
    if (v.wire === 0) out.push(v.value);
    else if (v.wire === 2) {
      let pos = 0;
      const b = v.bytes;
      while (pos < b.length) {
        let result = 0n;
        let shift = 0n;
        let byte: number;
        do {
          byte = b[pos++];
          result |= BigInt(byte & 0x7f) << shift;
          shift += 7n;
        } while (byte & 0x80);
        out.push(result);
      }
    }
  }
  return out;
}
const int = (values: WireValue[] | undefined): number => Number(ints(values).at(-1) ?? 0n);
const messages = (values: WireValue[] | undefined): Map<number, WireValue[]>[] =>
  (values ?? []).map((v) => {
    if (v.wire !== 2) throw new Error('protobuf: expected a message');
    return readMessage(v.bytes);
  });

export interface ProfileFrame {
  name: string;
  file: string;
  line: number;
  address: number;
  mapping: string;
}

export interface Profile {
  sampleTypes: [string, string][];
  defaultSampleType: string;
  samples: { values: number[]; labels: Record<string, string>; frames: ProfileFrame[] }[];
  comments: string[];
  timeNanos: bigint;
  stringTable: string[];
}

/** A pprof file (gzipped or not) read by profile.proto's field numbers. */
export function readProfile(file: Uint8Array): Profile {
  const raw = file[0] === 0x1f && file[1] === 0x8b ? new Uint8Array(gunzipSync(file)) : file;
  const p = readMessage(raw);
  const text = new TextDecoder();
  const strings = (p.get(6) ?? []).map((v) => (v.wire === 2 ? text.decode(v.bytes) : ''));
  if (strings[0] !== '') throw new Error('pprof: string_table[0] must be ""');
  const s = (i: number) => {
    if (i < 0 || i >= strings.length) throw new Error(`pprof: string index ${i} out of range`);
    return strings[i];
  };
  const mappings = new Map(messages(p.get(3)).map((m) => [int(m.get(1)), s(int(m.get(5)))]));
  const functions = new Map(messages(p.get(5)).map((f) => [int(f.get(1)), { name: s(int(f.get(2))), file: s(int(f.get(4))) }]));
  const locations = new Map(
    messages(p.get(4)).map((l) => {
      const line = messages(l.get(4))[0];
      const fn = functions.get(int(line?.get(1)));
      if (!fn) throw new Error('pprof: location without a known function');
      const mapping = int(l.get(2));
      return [
        int(l.get(1)),
        {
          name: fn.name,
          file: fn.file,
          line: int(line.get(2)),
          address: int(l.get(3)),
          mapping: mapping ? (mappings.get(mapping) ?? '?') : '',
        },
      ];
    }),
  );
  return {
    sampleTypes: messages(p.get(1)).map((v) => [s(int(v.get(1))), s(int(v.get(2)))]),
    defaultSampleType: s(int(p.get(14))),
    samples: messages(p.get(2)).map((m) => ({
      values: ints(m.get(2)).map(Number),
      labels: Object.fromEntries(messages(m.get(3)).map((l) => [s(int(l.get(1))), s(int(l.get(2)))])),
      frames: ints(m.get(1)).map((id) => {
        const loc = locations.get(Number(id));
        if (!loc) throw new Error(`pprof: unknown location ${id}`);
        return loc;
      }),
    })),
    comments: ints(p.get(13)).map((i) => s(Number(i))),
    timeNanos: ints(p.get(9)).at(-1) ?? 0n,
    stringTable: strings,
  };
}
