import { type Reader, cstrAt, forEachUnit, joinPath } from './dwarf-reader';

/** Sections a line program may point into. */
export interface LineSections {
  line: Uint8Array;
  str?: Uint8Array;
  lineStr?: Uint8Array;
}

/**
 * All line programs of a module as one address-sorted table. Row i covers
 * [addr[i], addr[i+1]); a row with `end` set closes its sequence (no info).
 */
export interface LineTable {
  addr: Uint32Array;
  file: Int32Array;
  line: Uint32Array;
  col: Uint32Array;
  end: Uint8Array;
  /** Global file paths, indexed by `file`. */
  files: string[];
  /** Line program offset (DW_AT_stmt_list) -> CU-local file number -> global file id. */
  programFiles: Map<number, Int32Array>;
  problems: string[];
}

interface Seq {
  start: number;
  rows: number[];
} // rows: addr, file, line, col, end (5 per row)

/** The DW_FORM_* codes a v5 line program's entry formats use. */
const FORM = {
  block: 0x09,
  data1: 0x0b,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  data16: 0x1e,
  string: 0x08,
  strp: 0x0e,
  line_strp: 0x1f,
  udata: 0x0f,
} as const;

function entryForm(r: Reader, form: number, secs: LineSections, offSize: number): string | number | null {
  switch (form) {
    case FORM.string:
      return r.cstr();
    case FORM.strp:
    case FORM.line_strp: {
      const off = r.uN(offSize);
      const s = form === FORM.strp ? secs.str : secs.lineStr;
      if (!s) throw new Error(`line header string form 0x${form.toString(16)} without its section`);
      return cstrAt(s, off);
    }
    case FORM.udata:
      return r.uleb();
    case FORM.data1:
      return r.u8();
    case FORM.data2:
      return r.u16();
    case FORM.data4:
      return r.u32();
    case FORM.data8:
      return r.u64();
    case FORM.data16:
      r.skip(16);
      return null;
    case FORM.block:
      r.skip(r.uleb());
      return null;
    default:
      throw new Error(`unsupported form 0x${form.toString(16)} in a v5 line header`);
  }
}

/** Reads v5 directory / file entry lists: [path, dirIndex][] */
function entries(r: Reader, secs: LineSections, offSize: number): [string, number][] {
  const nfmt = r.u8();
  const fmt: number[] = [];
  for (let i = 0; i < nfmt; i++) fmt.push(r.uleb(), r.uleb());
  const out: [string, number][] = [];
  for (let n = r.uleb(); n > 0; n--) {
    let path = '',
      dir = 0;
    for (let i = 0; i < fmt.length; i += 2) {
      const v = entryForm(r, fmt[i + 1], secs, offSize);
      if (fmt[i] === 1 && typeof v === 'string')
        path = v; // DW_LNCT_path
      else if (fmt[i] === 2 && typeof v === 'number') dir = v; // DW_LNCT_directory_index
    }
    out.push([path, dir]);
  }
  return out;
}

/** Runs every line program in .debug_line (DWARF 2–5) and merges the rows. */
export function buildLineTable(secs: LineSections, compDirs: Map<number, string> = new Map()): LineTable {
  const problems: string[] = [];
  const files: string[] = [];
  const fileIds = new Map<string, number>();
  const programFiles = new Map<number, Int32Array>();
  const seqs: Seq[] = [];
  const fileId = (path: string): number => {
    let id = fileIds.get(path);
    if (id === undefined) {
      id = files.length;
      files.push(path);
      fileIds.set(path, id);
    }
    return id;
  };
  const b = secs.line;
  forEachUnit(
    b,
    'line program',
    '.debug_line',
    'line table version',
    (r, unit, offSize, version) => {
      let addrSize = 4;
      if (version >= 5) {
        addrSize = r.u8();
        r.u8();
      }
      const hlen = r.uN(offSize);
      const progStart = r.p + hlen;
      const minInst = r.u8();
      if (version >= 4) r.u8(); // maximum_operations_per_instruction (VLIW only)
      const defaultIsStmt = r.u8();
      void defaultIsStmt;
      const lineBase = (r.u8() << 24) >> 24;
      const lineRange = r.u8();
      const opcodeBase = r.u8();
      if (lineRange === 0) throw new Error('line_range is 0');
      const stdLens: number[] = [0];
      for (let i = 1; i < opcodeBase; i++) stdLens.push(r.u8());
      const compDir = compDirs.get(unit) ?? '';
      const local: number[] = []; // CU-local file number -> global id
      if (version >= 5) {
        const dirs = entries(r, secs, offSize).map((e) => e[0]);
        if (dirs.length > 0 && compDir) dirs[0] = joinPath(compDir, dirs[0]);
        for (let i = 1; i < dirs.length; i++) dirs[i] = joinPath(dirs[0] ?? '', dirs[i]);
        for (const [name, d] of entries(r, secs, offSize)) local.push(fileId(joinPath(dirs[d] ?? '', name)));
      } else {
        const dirs = [compDir];
        for (;;) {
          const s = r.cstr();
          if (!s) break;
          dirs.push(joinPath(compDir, s));
        }
        local.push(-1); // file numbers start at 1 before v5
        for (;;) {
          const name = r.cstr();
          if (!name) break;
          const d = r.uleb();
          r.uleb();
          r.uleb();
          local.push(fileId(joinPath(dirs[d] ?? '', name)));
        }
      }
      r.p = progStart;
      // state machine
      let addr = 0,
        file = 1,
        line = 1,
        col = 0;
      let rows: number[] = [];
      let seqStart = -1;
      const emit = (end: number) => {
        if (seqStart < 0) seqStart = addr;
        rows.push(addr, local[file] ?? -1, line, col, end);
      };
      const reset = () => {
        addr = 0;
        file = 1;
        line = 1;
        col = 0;
        rows = [];
        seqStart = -1;
      };
      while (r.p < r.end) {
        const op = r.u8();
        if (op >= opcodeBase) {
          const adj = op - opcodeBase;
          addr += Math.floor(adj / lineRange) * minInst;
          line += lineBase + (adj % lineRange);
          emit(0);
        } else if (op === 0) {
          const n = r.uleb();
          const after = r.p + n;
          if (n === 0) continue;
          const sub = r.u8();
          if (sub === 1) {
            // DW_LNE_end_sequence
            emit(1);
            // Dead code keeps a 0 (or -1/-2 tombstone) address after wasm-ld's GC: drop it.
            if (seqStart !== 0 && seqStart < 0xfffffffe) seqs.push({ start: seqStart, rows });
            reset();
          } else if (sub === 2) {
            addr = r.uN(n - 1 === 8 ? 8 : n - 1 === 4 ? 4 : addrSize);
          } else if (sub === 3) {
            // DW_LNE_define_file (v2–v4)
            const name = r.cstr();
            const d = r.uleb();
            r.uleb();
            r.uleb();
            local.push(fileId(joinPath(d === 0 ? compDir : '', name)));
          }
          r.p = after;
        } else {
          switch (op) {
            case 1:
              emit(0);
              break; // copy
            case 2:
              addr += r.uleb() * minInst;
              break;
            case 3:
              line += r.sleb();
              break;
            case 4:
              file = r.uleb();
              break;
            case 5:
              col = r.uleb();
              break;
            case 6:
            case 7:
            case 10:
            case 11:
              break; // negate_stmt, basic_block, prologue_end, epilogue_begin
            case 8:
              addr += Math.floor((255 - opcodeBase) / lineRange) * minInst;
              break;
            case 9:
              addr += r.u16();
              break;
            default:
              for (let k = stdLens[op] ?? 0; k > 0; k--) r.uleb(); // set_isa and unknown
          }
        }
      }
      if (rows.length > 0) problems.push(`line program at 0x${unit.toString(16)}: sequence without end_sequence`);
      programFiles.set(unit, Int32Array.from(local));
    },
    (unit, message) => problems.push(`line program at 0x${unit.toString(16)}: ${message}`),
  );
  seqs.sort((x, y) => x.start - y.start);
  let n = 0;
  for (const s of seqs) n += s.rows.length / 5;
  const t: LineTable = {
    addr: new Uint32Array(n),
    file: new Int32Array(n),
    line: new Uint32Array(n),
    col: new Uint32Array(n),
    end: new Uint8Array(n),
    files,
    programFiles,
    problems,
  };
  let i = 0;
  let lastEnd = 0;
  for (const s of seqs) {
    if (s.start < lastEnd) problems.push(`overlapping line sequences at 0x${s.start.toString(16)}`);
    const rows = s.rows;
    for (let k = 0; k < rows.length; k += 5, i++) {
      t.addr[i] = rows[k];
      t.file[i] = rows[k + 1];
      t.line[i] = rows[k + 2];
      t.col[i] = rows[k + 3];
      t.end[i] = rows[k + 4];
    }
    lastEnd = rows[rows.length - 5];
  }
  return t;
}

/** Index of the row covering `addr` (the last row at or before it), or -1. */
export function findRow(t: LineTable, addr: number): number {
  const a = t.addr;
  let lo = 0,
    hi = a.length - 1,
    found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= addr) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0 || t.end[found]) return -1;
  return found;
}
