// Runtime ports serialise messages as JSON, which turns typed arrays into
// objects keyed by index (≈10× larger); binary payloads cross as base64.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Uint8Array(256).fill(255);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Chunks keep String.fromCharCode's argument list small.
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    const codes: number[] = [];
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      codes.push(
        ALPHABET.charCodeAt(n >> 18),
        ALPHABET.charCodeAt((n >> 12) & 63),
        ALPHABET.charCodeAt((n >> 6) & 63),
        ALPHABET.charCodeAt(n & 63),
      );
    }
    const rest = end - i;
    if (rest === 1) {
      const n = bytes[i] << 16;
      codes.push(ALPHABET.charCodeAt(n >> 18), ALPHABET.charCodeAt((n >> 12) & 63), 61, 61);
    } else if (rest === 2) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
      codes.push(ALPHABET.charCodeAt(n >> 18), ALPHABET.charCodeAt((n >> 12) & 63), ALPHABET.charCodeAt((n >> 6) & 63), 61);
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/** Throws on anything that is not canonical base64 (the input is untrusted). */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error('base64: length is not a multiple of 4');
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = LOOKUP[text.charCodeAt(i)];
    const b = LOOKUP[text.charCodeAt(i + 1)];
    const last = i + 4 === text.length;
    const c = last && pad === 2 ? 0 : LOOKUP[text.charCodeAt(i + 2)];
    const d = last && pad >= 1 ? 0 : LOOKUP[text.charCodeAt(i + 3)];
    if ((a | b | c | d) > 63) throw new Error(`base64: invalid character near ${i}`);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function encodeU32(values: Uint32Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}
export function decodeU32(text: string): Uint32Array {
  const bytes = base64ToBytes(text);
  if (bytes.length % 4 !== 0) throw new Error('u32 payload is not a multiple of 4 bytes');
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}
export function encodeF64(values: Float64Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}
export function decodeF64(text: string): Float64Array {
  const bytes = base64ToBytes(text);
  if (bytes.length % 8 !== 0) throw new Error('f64 payload is not a multiple of 8 bytes');
  // Copy: the decoded buffer offset 0 is aligned, but be explicit about it.
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
