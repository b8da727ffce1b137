/**
 * What identifies a module's code, so symbols loaded from another file (the
 * unstripped build, a .debug.wasm, an emscripten symbol map) are applied only
 * to the build they belong to. The page computes it from the module's bytes
 * (ModuleMsg.code), the panel from a loaded .wasm, with the same function.
 *
 * Cheap by design (it runs in the page for every module): section headers,
 * the import section's entries, and a hash of at most 64 KiB of the code
 * section (all of it up to 64 KiB, else 1,024 windows of 64 bytes spread
 * evenly over it), mixed with its exact size: sqlite3.wasm (770 KB of code)
 * hashed whole took 49 ms on a cold page, sampled well under 1 ms. Another
 * build of the same program moves code, so its windows differ. Strip tools and
 * -gseparate-dwarf leave the code section's bytes as they are, so the
 * stripped module and its debug file hash alike; another build does not.
 */
import { utf8 } from '../wasm/cursor';
import { leb } from './module';

export interface CodeFingerprint {
  /** Offset of the Code section payload in the module (DWARF address 0). */
  start: number;
  /** Code section payload size in bytes. */
  size: number;
  /** Functions, imported ones included (what function indices count). */
  funcs: number;
  /** 16 hex digits: two 32-bit hashes of the (sampled) code bytes and its size. */
  hash: string;
  /** Hex of the `build_id` custom section (wasm-ld --build-id), when present. */
  buildId?: string;
}

/** Hashed whole up to this size; beyond it, WINDOWS windows of WINDOW bytes. */
const WHOLE = 1 << 16;
const WINDOWS = 1024;
const WINDOW = 64;

/** Function imports in an import section payload [p, end). */
function functionImports(b: Uint8Array, p: number, end: number): number {
  let n: number;
  [n, p] = leb(b, p, end);
  let funcs = 0;
  const skipName = () => {
    const [len, q] = leb(b, p, end);
    p = q + len;
  };
  const skipLimits = () => {
    const flags = b[p++];
    [, p] = leb(b, p, end);
    if (flags & 1) [, p] = leb(b, p, end);
  };
  for (let i = 0; i < n; i++) {
    skipName();
    skipName();
    const kind = b[p++];
    if (kind === 0) {
      [, p] = leb(b, p, end);
      funcs++;
    } else if (kind === 1) {
      // reftype (one byte, or 0x63/0x64 + heap type) then limits
      const t = b[p++];
      if (t === 0x63 || t === 0x64) [, p] = leb(b, p, end);
      skipLimits();
    } else if (kind === 2) skipLimits();
    else if (kind === 3) {
      const t = b[p++];
      if (t === 0x63 || t === 0x64) [, p] = leb(b, p, end);
      p++; // mutability
    } else if (kind === 4) {
      p++; // tag attribute
      [, p] = leb(b, p, end);
    } else throw new Error(`import kind ${kind}`);
    if (p > end) throw new Error('import section runs past its end');
  }
  return funcs;
}

function hashCode(b: Uint8Array, start: number, size: number): string {
  // FNV-1a and a second multiplicative hash, 32 bits each; locals, not
  // closure variables: this runs in the page, often before the JIT warmed up.
  let h1 = 0x811c9dc5 ^ size;
  let h2 = 0x9747b28c ^ Math.floor(size / 0x1_0000_0000);
  const whole = size <= WHOLE;
  const stride = whole ? 0 : Math.floor((size - WINDOW) / (WINDOWS - 1));
  const windows = whole ? 1 : WINDOWS;
  const len = whole ? size : WINDOW;
  for (let k = 0; k < windows; k++) {
    const from = start + k * stride;
    for (let i = from; i < from + len; i++) {
      const x = b[i];
      h1 = Math.imul(h1 ^ x, 0x01000193);
      h2 = Math.imul(h2 + x, 0x5bd1e995) ^ (h2 >>> 15);
    }
  }
  h1 = Math.imul(h1 ^ (size >>> 0), 0x01000193);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** The module's code fingerprint, or null when it has no code section or its headers are malformed. */
export function codeFingerprint(b: Uint8Array): CodeFingerprint | null {
  try {
    if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) return null;
    let p = 8;
    let imports = 0;
    let defined = 0;
    let start = -1;
    let size = 0;
    let buildId: string | undefined;
    while (p < b.length) {
      const id = b[p++];
      const [len, q] = leb(b, p, b.length);
      const end = q + len;
      if (end > b.length) return null;
      if (id === 2) imports = functionImports(b, q, end);
      else if (id === 3) [defined] = leb(b, q, end);
      else if (id === 10) {
        start = q;
        size = len;
      } else if (id === 0 && buildId === undefined) {
        const [n, r] = leb(b, q, end);
        if (r + n <= end && utf8(b, r, r + n) === 'build_id') {
          // payload: a LEB length and the id's bytes
          const [idLen, s] = leb(b, r + n, end);
          const bytes = b.subarray(s, Math.min(end, s + idLen, s + 64));
          buildId = Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
        }
      }
      p = end;
    }
    if (start < 0) return null;
    return { start, size, funcs: imports + defined, hash: hashCode(b, start, size), ...(buildId ? { buildId } : {}) };
  } catch {
    return null;
  }
}
