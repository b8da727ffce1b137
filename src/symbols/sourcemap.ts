/**
 * Source map v3 lookup for wasm (emscripten -gsource-map): the module is
 * "line 1" and a segment's generated column is the module-relative byte
 * offset of an instruction. Hand-written (VLQ decode + binary search): the
 * npm libraries (source-map, @jridgewell/trace-mapping) are larger than this
 * whole file and do not add anything wasm needs.
 */
export interface SourceMapLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based (source maps store 0-based columns). */
  column: number;
  name?: string;
}

export interface SourceMapLookup {
  /** Location of the instruction at a module-relative byte offset, or null. */
  lookup(offset: number): SourceMapLocation | null;
  readonly sources: readonly string[];
  readonly segments: number;
  /** Lowest and highest generated offset of a mapped segment (-1 without any): must lie in the module's code. */
  readonly firstOffset: number;
  readonly lastOffset: number;
}

interface RawSourceMap {
  version?: number;
  sources?: (string | null)[];
  sourceRoot?: string;
  names?: string[];
  mappings?: string;
}

const B64 = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));

/** Parses a source map (JSON text or object). Throws on malformed input. */
export function parseSourceMap(json: string | object): SourceMapLookup {
  const m = (typeof json === 'string' ? JSON.parse(json) : json) as RawSourceMap;
  if (!m || typeof m !== 'object' || typeof m.mappings !== 'string') throw new Error('not a source map (no mappings)');
  if (m.version !== undefined && m.version !== 3) throw new Error(`unsupported source map version ${m.version}`);
  const root = m.sourceRoot ? (m.sourceRoot.endsWith('/') ? m.sourceRoot : m.sourceRoot + '/') : '';
  const sources = (m.sources ?? []).map((s) => (s == null ? '' : root + s));
  const names = m.names ?? [];
  const map = m.mappings;
  // Columns, sources, lines, cols, names per segment, flattened; only generated line 0 matters for wasm.
  let cap = 1024;
  let data = new Int32Array(cap * 5);
  let n = 0;
  let genCol = 0,
    src = 0,
    line = 0,
    col = 0,
    name = 0;
  let genLine = 0;
  const fields = [0, 0, 0, 0, 0];
  let sorted = true,
    lastCol = -1;
  for (let i = 0; i < map.length; ) {
    const c = map.charCodeAt(i);
    if (c === 59 /* ; */) {
      genLine++;
      genCol = 0;
      i++;
      continue;
    }
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    let nf = 0;
    while (i < map.length) {
      const ch = map.charCodeAt(i);
      if (ch === 44 || ch === 59) break;
      let v = 0,
        shift = 0,
        digit: number;
      do {
        if (i >= map.length) throw new Error('truncated VLQ in mappings');
        digit = B64[map.charCodeAt(i++) & 127];
        if (digit < 0) throw new Error(`bad base64 character in mappings at ${i - 1}`);
        v += (digit & 31) * 2 ** shift;
        shift += 5;
      } while (digit & 32);
      if (nf < 5) fields[nf++] = v & 1 ? -Math.floor(v / 2) : Math.floor(v / 2);
    }
    genCol += fields[0];
    if (nf >= 4) {
      src += fields[1];
      line += fields[2];
      col += fields[3];
    }
    if (nf >= 5) name += fields[4];
    if (genLine !== 0) continue; // wasm code is line 1
    if (n === cap) {
      const d = new Int32Array((cap *= 2) * 5);
      d.set(data);
      data = d;
    }
    data.set(nf >= 4 ? [genCol, src, line, col, nf >= 5 ? name : -1] : [genCol, -1, 0, 0, -1], n * 5); // 1 field: unmapped from here
    if (genCol < lastCol) sorted = false;
    lastCol = genCol;
    n++;
  }
  let idx: Int32Array;
  if (sorted) idx = new Int32Array(n).map((_, i) => i);
  else idx = Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => data[a * 5] - data[b * 5]));
  let firstOffset = -1;
  let lastOffset = -1;
  for (let i = 0; i < n; i++) {
    if (data[i * 5 + 1] < 0) continue;
    const o = data[i * 5];
    if (firstOffset < 0 || o < firstOffset) firstOffset = o;
    if (o > lastOffset) lastOffset = o;
  }
  return {
    sources,
    segments: n,
    firstOffset,
    lastOffset,
    lookup(offset: number): SourceMapLocation | null {
      let lo = 0,
        hi = n - 1,
        found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (data[idx[mid] * 5] <= offset) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return null;
      const k = idx[found] * 5;
      if (data[k + 1] < 0) return null;
      const loc: SourceMapLocation = { file: sources[data[k + 1]] ?? '', line: data[k + 2] + 1, column: data[k + 3] + 1 };
      if (data[k + 4] >= 0 && names[data[k + 4]] !== undefined) loc.name = names[data[k + 4]];
      return loc;
    },
  };
}
