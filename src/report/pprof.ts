// A leak report as a pprof profile (github.com/google/pprof, proto/profile.proto),
// the format `go tool pprof`, speedscope and Perfetto open: one sample per
// leaked whole stack, values [leaked_objects (count), leaked_space (bytes)],
// labels `site` and `module`. The protobuf encoding is written out here: the
// message is small and fixed, and a protobuf library would be the package's
// only runtime dependency for it. Uncompressed bytes; pprof files are
// usually gzipped (the CLI does).
import type { FrameMsg } from '../protocol/messages';
import type { LeakReport } from './leak-report';
import { Bytes } from '../wasm/bytes';

/** Protobuf wire writer: varints, length-delimited fields, nested messages. */
class Writer extends Bytes {
  constructor() {
    super(1024);
  }

  /** Unsigned varint of a non-negative integer (a bigint for values past 2^53, such as epoch nanoseconds). */
  varint(v: number | bigint): void {
    if (typeof v === 'bigint') {
      if (v < 0n || v >= 1n << 64n) throw new RangeError(`pprof: not a uint64: ${v}`);
      this.room(10);
      while (v >= 0x80n) {
        this.buf[this.length++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.length++] = Number(v);
      return;
    }
    if (!(v >= 0) || !Number.isSafeInteger(v)) throw new RangeError(`pprof: not a non-negative safe integer: ${v}`);
    this.room(10);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An int64/uint64 field; 0 is the default and is left out. */
  int(field: number, v: number | bigint): void {
    if (v === 0 || v === 0n) return;
    this.tag(field, 0);
    this.varint(v);
  }

  bool(field: number, v: boolean): void {
    if (v) this.int(field, 1);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.append(b);
  }

  /** A string field, always written (string_table[0] must be ""). */
  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  /** A packed repeated varint field. */
  packed(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  message(field: number, write: (w: Writer) => void): void {
    const inner = new Writer();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Field numbers of profile.proto. */
const PROFILE = {
  sampleType: 1,
  sample: 2,
  mapping: 3,
  location: 4,
  function: 5,
  stringTable: 6,
  timeNanos: 9,
  durationNanos: 10,
  periodType: 11,
  period: 12,
  comment: 13,
  defaultSampleType: 14,
} as const;
const VALUE_TYPE = { type: 1, unit: 2 } as const;
const SAMPLE = { locationId: 1, value: 2, label: 3 } as const;
const LABEL = { key: 1, str: 2 } as const;
const MAPPING = { id: 1, memoryStart: 2, memoryLimit: 3, filename: 5, hasFunctions: 7, hasFilenames: 8, hasLineNumbers: 9 } as const;
const LOCATION = { id: 1, mappingId: 2, address: 3, line: 4 } as const;
const LINE = { functionId: 1, line: 2 } as const;
const FUNCTION = { id: 1, name: 2, systemName: 3, filename: 4 } as const;

export interface PprofOptions {
  /** Epoch ms of the end of the run (time_nanos). */
  time?: number;
  /** Run length in ms (duration_nanos). */
  durationMs?: number;
  /** Extra comment lines (the command, the URL). */
  comments?: string[];
}

/** The unsuppressed leaks of `report` as an uncompressed pprof Profile message. */
export function leakProfile(report: LeakReport, options: PprofOptions = {}): Uint8Array {
  const strings = new Map<string, number>([['', 0]]);
  const str = (s: string): number => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const functions = new Map<string, { id: number; name: number; file: number }>();
  const locations = new Map<string, { id: number; mapping: number; address: number; fn: number; line: number }>();
  const mappings = new Map<string, { id: number; file: number }>();

  const mappingOf = (module: string) => {
    let m = mappings.get(module);
    if (!m) mappings.set(module, (m = { id: mappings.size + 1, file: str(module) }));
    return m.id;
  };
  const locationOf = (f: FrameMsg, module: string): number => {
    const wasm = f.func >= 0;
    const fnKey = `${wasm ? module : ''}\u0000${f.name}\u0000${f.file}`;
    let fn = functions.get(fnKey);
    if (!fn) functions.set(fnKey, (fn = { id: functions.size + 1, name: str(f.name || '(anonymous)'), file: str(f.file) }));
    // Wasm frames: one location per code offset of the module (its "address");
    // JS frames: per function and line.
    const key = wasm ? `${module}\u0000${f.offset}\u0000${fnKey}\u0000${f.line}` : `${fnKey}\u0000${f.line}`;
    let loc = locations.get(key);
    if (!loc) {
      locations.set(
        key,
        (loc = {
          id: locations.size + 1,
          mapping: wasm ? mappingOf(module) : 0,
          address: wasm && f.offset > 0 ? f.offset : 0,
          fn: fn.id,
          line: Math.max(0, f.line),
        }),
      );
    }
    return loc.id;
  };

  const w = new Writer();
  const objects = str('leaked_objects');
  const count = str('count');
  const space = str('leaked_space');
  const bytes = str('bytes');
  w.message(PROFILE.sampleType, (v) => {
    v.int(VALUE_TYPE.type, objects);
    v.int(VALUE_TYPE.unit, count);
  });
  w.message(PROFILE.sampleType, (v) => {
    v.int(VALUE_TYPE.type, space);
    v.int(VALUE_TYPE.unit, bytes);
  });
  const siteKey = str('site');
  const moduleKey = str('module');
  for (const site of report.sites) {
    for (const stack of site.stacks) {
      const ids = stack.frames.map((f) => locationOf(f, site.module));
      w.message(PROFILE.sample, (s) => {
        s.packed(SAMPLE.locationId, ids);
        s.packed(SAMPLE.value, [stack.count, stack.bytes]);
        s.message(SAMPLE.label, (l) => {
          l.int(LABEL.key, siteKey);
          l.int(LABEL.str, str(site.label));
        });
        s.message(SAMPLE.label, (l) => {
          l.int(LABEL.key, moduleKey);
          l.int(LABEL.str, str(site.module));
        });
      });
    }
  }
  for (const m of mappings.values()) {
    w.message(PROFILE.mapping, (v) => {
      v.int(MAPPING.id, m.id);
      v.int(MAPPING.memoryStart, 0);
      v.int(MAPPING.memoryLimit, 0);
      v.int(MAPPING.filename, m.file);
      v.bool(MAPPING.hasFunctions, true);
      v.bool(MAPPING.hasFilenames, true);
      v.bool(MAPPING.hasLineNumbers, true);
    });
  }
  for (const loc of locations.values()) {
    w.message(PROFILE.location, (v) => {
      v.int(LOCATION.id, loc.id);
      v.int(LOCATION.mappingId, loc.mapping);
      v.int(LOCATION.address, loc.address);
      v.message(LOCATION.line, (l) => {
        l.int(LINE.functionId, loc.fn);
        l.int(LINE.line, loc.line);
      });
    });
  }
  for (const fn of functions.values()) {
    w.message(PROFILE.function, (v) => {
      v.int(FUNCTION.id, fn.id);
      v.int(FUNCTION.name, fn.name);
      v.int(FUNCTION.systemName, fn.name);
      v.int(FUNCTION.filename, fn.file);
    });
  }
  if (options.time !== undefined) w.int(PROFILE.timeNanos, BigInt(Math.round(options.time)) * 1_000_000n);
  if (options.durationMs !== undefined) w.int(PROFILE.durationNanos, BigInt(Math.round(options.durationMs)) * 1_000_000n);
  w.message(PROFILE.periodType, (v) => {
    v.int(VALUE_TYPE.type, space);
    v.int(VALUE_TYPE.unit, bytes);
  });
  w.int(PROFILE.period, 1);
  const comments = [
    `wasm-leaks: ${report.leakedCount} blocks / ${report.leakedBytes} B leaked at ${report.sites.length} sites` +
      (report.repeats !== undefined ? ` over ${report.repeats} repeats` : '') +
      `; suppressed ${report.suppressedCount} blocks / ${report.suppressedBytes} B`,
    ...(options.comments ?? []),
  ].map(str);
  w.packed(PROFILE.comment, comments);
  w.int(PROFILE.defaultSampleType, space);
  // The string table last: every index is known by now.
  for (const s of strings.keys()) w.string(PROFILE.stringTable, s);
  return w.finish();
}
