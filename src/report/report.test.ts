// The leak report on hand-made comparisons: grouping by site (first frame
// outside the allocator wrappers), suppressions with LeakSanitizer's template
// rules, totals and failures, the text, and the pprof profile read back by a
// protobuf reader written apart from the encoder.
import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import type { FrameMsg, SiteMsg } from '../protocol';
import { formatReport, frameLabel, groupLeaks, makeReport, type ModuleDiff } from './leak-report';
import { parseSuppressions, templateMatcher, SuppressionError } from './suppressions';
import { leakProfile } from './pprof';
import { readProfile } from '../test-support/protobuf';
import { diffMsg, moduleMsg, newSiteGroup } from '../test-support/made-messages';

const wasm = (name: string, func: number, line: number, alloc = false): FrameMsg => ({
  name,
  func,
  offset: 100 + func,
  file: line ? '/src/app/leak.c' : 'wasm://wasm/1234',
  line,
  ...(alloc ? { alloc } : {}),
});
const js = (name: string, line: number): FrameMsg => ({ name, func: -1, offset: -1, file: 'http://site/app.js', line });

const MODULE = moduleMsg('http://site/app.wasm');
const STACKS: SiteMsg[] = [
  // Two callers of xmalloc (folded): two sites.
  { id: 1, module: 1, frames: [wasm('xmalloc', 3, 5, true), wasm('make_apple', 4, 10), wasm('main', 9, 40), js('run', 7)] },
  { id: 2, module: 1, frames: [wasm('xmalloc', 3, 5, true), wasm('make_banana', 5, 20), wasm('main', 9, 41), js('run', 7)] },
  // make_apple reached from another path: the same site, another stack.
  { id: 3, module: 1, frames: [wasm('xmalloc', 3, 5, true), wasm('make_apple', 4, 10), wasm('other', 8, 50)] },
  // No DWARF.
  { id: 4, module: 1, frames: [wasm('func77', 77, 0), js('glue', 3)] },
];
const DIFF = diffMsg({
  freedCount: 2,
  freedBytes: 64,
  groups: [
    newSiteGroup(1, 10, 240),
    newSiteGroup(2, 10, 400),
    newSiteGroup(3, 5, 120),
    newSiteGroup(4, 2, 1000),
    { ...newSiteGroup(5, 0, 0), freedCount: 2, freedBytes: 64 },
  ],
});
const INPUT: ModuleDiff[] = [{ scope: '', module: MODULE, diff: DIFF }];
const lookup = (_: string, id: number) => STACKS.find((s) => s.id === id);

describe('groupLeaks', () => {
  it("groups a comparison's new blocks by site, each site keeping its whole stacks; freed-only groups are left out", () => {
    const { sites, suppressedSites } = groupLeaks(INPUT, lookup);
    expect(sites.map((s) => [s.label, s.count, s.bytes, s.stacks.map((st) => [st.id, st.count, st.siteIndex])])).toEqual([
      ['func77 (wasm func 77 +0xb1)', 2, 1000, [[4, 2, 0]]],
      ['make_banana (leak.c:20)', 10, 400, [[2, 10, 1]]],
      [
        'make_apple (leak.c:10)',
        15,
        360,
        [
          [1, 10, 1],
          [3, 5, 1],
        ],
      ],
    ]);
    expect(suppressedSites).toEqual([]);
  });

  it('a stack whose frame, file or module matches a suppression goes to the suppressed sites, with totals per rule', () => {
    const rules = parseSuppressions('# comment\n\nleak:make_banana\nleak:^other$\n');
    const { sites, suppressedSites, used } = groupLeaks(INPUT, lookup, rules);
    expect(sites.map((s) => [s.label, s.count])).toEqual([
      ['func77 (wasm func 77 +0xb1)', 2],
      ['make_apple (leak.c:10)', 10],
    ]);
    expect(suppressedSites.map((s) => [s.label, s.count, s.bytes])).toEqual([
      ['make_banana (leak.c:20)', 10, 400],
      ['make_apple (leak.c:10)', 5, 120],
    ]);
    expect(used).toEqual([
      { template: 'make_banana', line: 3, count: 10, bytes: 400 },
      { template: '^other$', line: 4, count: 5, bytes: 120 },
    ]);
    // By file and by module.
    expect(groupLeaks(INPUT, lookup, parseSuppressions('leak:leak.c')).sites.map((s) => s.label)).toEqual(['func77 (wasm func 77 +0xb1)']);
    expect(groupLeaks(INPUT, lookup, parseSuppressions('leak:app.wasm')).sites).toEqual([]);
  });
});

describe('suppressions', () => {
  it("LeakSanitizer's templates: substring, * for any run, ^ and $ anchors", () => {
    const m = (t: string, s: string) => templateMatcher(t)(s);
    expect([m('process_data', 'process_data'), m('process_data', 'process_data_fixed'), m('^process_data$', 'process_data_fixed')]).toEqual(
      [true, true, false],
    );
    expect([
      m('leak.c', '/work/src/leak.c'),
      m('^leak.c', '/work/src/leak.c'),
      m('src/*.c$', '/work/src/leak.c'),
      m('leak?c', 'leak.c'),
    ]).toEqual([true, false, true, false]);
    expect([m('a.b', 'axb'), m('*', ''), m('std::vector<*>::push', 'std::vector<int>::push_back')]).toEqual([false, false, true]);
  });

  it('rejects lines that are not leak: suppressions, naming the line', () => {
    expect(() => parseSuppressions('leak:ok\nrace:foo\n')).toThrow(
      new SuppressionError('suppressions line 2: expected "leak:<function, file or module>", got "race:foo"'),
    );
    expect(() => parseSuppressions('leak:   \n')).toThrow('suppressions line 1: empty template');
    expect(parseSuppressions('  leak: spaced_fn  \r\n').map((s) => [s.template, s.line])).toEqual([['spaced_fn', 1]]);
  });
});

describe('makeReport and formatReport', () => {
  const grouped = groupLeaks(INPUT, lookup, parseSuppressions('leak:make_banana'));
  const base = {
    sites: grouped.sites,
    suppressedSites: grouped.suppressedSites,
    suppressionsUsed: grouped.used,
    errors: [],
    modules: [{ name: MODULE.name, instrumented: true, reason: '' }],
  };

  it('fails above the limit, passes at it; suppressed totals are kept and printed', () => {
    const r = makeReport({ ...base, maxLeakBytes: 0 });
    expect([r.ok, r.leakedCount, r.leakedBytes, r.suppressedCount, r.suppressedBytes]).toEqual([false, 17, 1360, 10, 400]);
    expect(r.failures).toEqual(['1,360 B leaked in 17 blocks at 2 sites (more than the 0 B allowed)']);
    expect(makeReport({ ...base, maxLeakBytes: 1360 }).ok).toBe(true);
    const text = formatReport(r);
    expect(text).toContain(
      [
        'Leak of 360 B in 15 blocks at make_apple (leak.c:10) in http://site/app.wasm',
        '  stack 1 of 2: 240 B in 10 blocks',
        '    #0 xmalloc /src/app/leak.c:5  [allocator wrapper]',
        '    #1 make_apple /src/app/leak.c:10',
        '    #2 main /src/app/leak.c:40',
        '    #3 run http://site/app.js:7',
      ].join('\n'),
    );
    expect(text).toContain('    #0 func77 wasm://wasm/1234 (wasm func 77, offset 0xb1)\n    #1 glue http://site/app.js:3');
    expect(text).toContain(
      'Suppressions used:\n  leak:make_banana  10 blocks, 400 B\n    make_banana (leak.c:20) in http://site/app.wasm: 10 blocks, 400 B',
    );
    expect(text.split('\n').slice(-2)).toEqual([
      'SUMMARY: 1,360 B leaked in 17 blocks at 2 sites; suppressed: 400 B in 10 blocks; 1 module instrumented; limit 0 B',
      'FAIL: 1,360 B leaked in 17 blocks at 2 sites (more than the 0 B allowed)',
    ]);
  });

  it('misuse fails whatever the bytes; hook problems only warn; no instrumented module fails with the reasons', () => {
    const errors = [
      {
        kind: 'double-free' as const,
        module: 'm',
        ptr: 0x40,
        message: 'double-free of a 8-byte block',
        frames: [wasm('f', 1, 2)],
        otherFrames: [wasm('g', 2, 3)],
      },
      { kind: 'hook-failed' as const, module: 'm', ptr: 0, message: 'tracking stopped', frames: [], otherFrames: [] },
    ];
    const r = makeReport({ ...base, sites: [], errors, maxLeakBytes: 0 });
    expect([r.ok, r.failures, r.warnings]).toEqual([false, ['allocator misuse: 1 × double-free'], ['hook-failed in m: tracking stopped']]);
    expect(formatReport(r)).toContain(
      'ERROR: double-free of 0x40 in m: double-free of a 8-byte block\n    #0 f /src/app/leak.c:2\n  first freed at:\n    #0 g /src/app/leak.c:3',
    );
    const none = makeReport({
      ...base,
      sites: [],
      modules: [{ name: 'x.wasm', instrumented: false, reason: 'no allocator found' }],
      maxLeakBytes: 0,
    });
    expect(none.failures).toEqual(['no WebAssembly module was instrumented, so nothing was checked: x.wasm: no allocator found']);
  });

  it('frame labels', () => {
    expect([
      frameLabel(wasm('f', 1, 9)),
      frameLabel(js('g', 3)),
      frameLabel(null),
      frameLabel({ name: 'h', func: -1, offset: -1, file: '', line: 0 }),
    ]).toEqual(['f (leak.c:9)', 'g (app.js:3)', '(unknown site)', 'h']);
  });
});

describe('pprof', () => {
  it('one sample per leaked stack, [leaked_objects, leaked_space], labels, frames innermost first; totals equal the report', () => {
    const r = makeReport({
      ...groupLeaks(INPUT, lookup),
      suppressionsUsed: [],
      errors: [],
      modules: [],
      maxLeakBytes: 0,
      requireInstrumented: false,
    });
    const bytes = leakProfile(r, { time: 1_796_000_000_000, durationMs: 1500, comments: ['url: http://site/'] });
    const p = readProfile(gzipSync(bytes));
    expect(p.sampleTypes).toEqual([
      ['leaked_objects', 'count'],
      ['leaked_space', 'bytes'],
    ]);
    expect(p.defaultSampleType).toBe('leaked_space');
    expect(p.timeNanos).toBe(1_796_000_000_000_000_000n);
    expect(p.comments).toEqual(['wasm-leaks: 27 blocks / 1760 B leaked at 3 sites; suppressed 0 blocks / 0 B', 'url: http://site/']);
    const totals = p.samples.reduce((t, s) => [t[0] + s.values[0], t[1] + s.values[1]], [0, 0]);
    expect(totals).toEqual([r.leakedCount, r.leakedBytes]);
    expect(p.samples.map((s) => [s.labels.site, ...s.values])).toEqual([
      ['func77 (wasm func 77 +0xb1)', 2, 1000],
      ['make_banana (leak.c:20)', 10, 400],
      ['make_apple (leak.c:10)', 10, 240],
      ['make_apple (leak.c:10)', 5, 120],
    ]);
    expect(p.samples[1].frames.map((f) => [f.name, f.file, f.line, f.address, f.mapping])).toEqual([
      ['xmalloc', '/src/app/leak.c', 5, 103, 'http://site/app.wasm'],
      ['make_banana', '/src/app/leak.c', 20, 105, 'http://site/app.wasm'],
      ['main', '/src/app/leak.c', 41, 109, 'http://site/app.wasm'],
      ['run', 'http://site/app.js', 7, 0, ''],
    ]);
    // Locations and functions are shared between samples.
    expect(p.stringTable.filter((s) => s === 'xmalloc')).toHaveLength(1);
  });
});
