// The HTML report (`wasm-leaks run --report`) on a hand-made run: its figures,
// that every page-provided string is text (a module named like markup stays
// text), that it loads and runs nothing, and the timeline's charts.
import { describe, it, expect } from 'vitest';
import type { FrameMsg, SiteMsg } from '../protocol';
import { diffMsg, moduleMsg, newSiteGroup } from '../test-support/made-messages';
import { SAMPLE_STRIDE } from '../protocol/sample-row';
import { groupLeaks, makeReport, type ModuleDiff } from './leak-report';
import { parseSuppressions } from './suppressions';
import { renderHtmlReport, shortBytes } from './html-report';
import { esc, stepChart } from './svg-chart';
import { TimelineBuilder, TIMELINE_LIMITS } from './timeline';

const EVIL = '<img src=x onerror=alert(1)>';
const MODULE = moduleMsg(`http://site/${EVIL}.wasm`);
const frame = (name: string, func: number, line: number, file = '/src/leak.c'): FrameMsg => ({ name, func, offset: 10 + func, file, line });
const STACKS: SiteMsg[] = [
  {
    id: 1,
    module: 1,
    frames: [frame('process_data', 3, 19), frame('simulate_memory_leak', 4, 27), frame('run', -1, 7, 'http://site/app.js')],
  },
  { id: 2, module: 1, frames: [frame(`f${EVIL}`, 5, 0, `"><script>alert(2)</script>`)] },
  { id: 3, module: 1, frames: [frame('cache_init', 6, 40)] },
];
const DIFF = diffMsg({ groups: [newSiteGroup(1, 300, 307_200), newSiteGroup(2, 3, 48), newSiteGroup(3, 2, 64)] });

function run() {
  const diffs: ModuleDiff[] = [{ scope: 's', module: MODULE, diff: DIFF }];
  const lookup = (_: string, id: number) => STACKS.find((s) => s.id === id);
  const g = groupLeaks(diffs, lookup, parseSuppressions('leak:cache_init\n'));
  for (const s of g.sites) s.perRepeat = { count: s.count / 3, bytes: s.bytes / 3 };
  const report = makeReport({
    sites: g.sites,
    suppressedSites: g.suppressedSites,
    suppressionsUsed: g.used,
    errors: [],
    modules: [{ name: MODULE.name, instrumented: true, reason: '' }],
    maxLeakBytes: 0,
    repeats: 3,
  });
  const t = new TimelineBuilder();
  const rows: number[] = [];
  // time, module, memory, live count, live bytes, allocs, frees: 100 blocks of 1,024 B per second.
  for (let i = 0; i <= 3; i++) rows.push(1_000 + i * 1_000, 1, 131_072 + i * 65_536, 100 * i, 102_400 * i, 100 * i, 0);
  t.addRows('s', new Float64Array(rows), (id) => (id === 1 ? { name: MODULE.name, instrumented: true } : undefined));
  t.mark('A', 1_000);
  for (let i = 1; i <= 3; i++) t.mark(`B${i}`, 1_000 + i * 1_000);
  const timeline = t.build(0, 4_500);
  return renderHtmlReport({
    report,
    url: `http://site/?q=${EVIL}`,
    scenario: `/tmp/${EVIL}.mjs`,
    startTime: Date.UTC(2026, 10, 30, 7, 0, 0),
    durationMs: 4_500,
    exitCode: 1,
    series: [1, 2, 3].map((i) => ({ count: 100 * i + 5, bytes: 102_400 * i + 112 })),
    timeline,
  });
}

/** Every start tag of the document (escaped text has no raw '<'). */
const tags = (html: string) => html.match(/<[a-zA-Z][^>]*>/g) ?? [];

describe('renderHtmlReport', () => {
  const html = run();

  it('has the figures: totals, the site with its whole stack, per repeat, suppressed totals', () => {
    expect(html).toContain('FAIL: 307,248 B leaked in 303 blocks at 2 sites (more than the 0 B allowed)');
    expect(html).toContain('<b>307,248 B</b>303 blocks at 2 sites');
    expect(html).toMatch(/<summary><b>process_data \(leak\.c:19\)<\/b>.*?<\/summary>/);
    expect(html).toContain('<td class="n">300</td><td class="n">307,200 B</td><td class="n">100 blocks / 102,400 B</td>');
    expect(html).toContain('<li class="site">#0 process_data <span class="muted">/src/leak.c:19</span>  ← site</li>');
    expect(html).toContain('<li>#1 simulate_memory_leak <span class="muted">/src/leak.c:27</span></li>');
    expect(html).toContain('<li>#2 run <span class="muted">http://site/app.js:7</span></li>');
    expect(html).toContain('Suppressed<b>64 B</b>2 blocks');
    expect(html).toContain(
      '<code>leak:cache_init</code> <span class="muted">line 1</span></td><td class="n">2</td><td class="n">64 B</td>',
    );
    expect(html).toContain('<tr><td>3</td><td class="n">305</td><td class="n">307,312 B</td></tr>');
  });

  it('renders page-provided strings as text', () => {
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<script');
    expect(html).toContain(`in http://site/${esc(EVIL)}.wasm`);
    expect(esc(EVIL)).toBe('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain(
      `#0 f${esc(EVIL)} <span class="muted">&#34;&#62;&#60;script&#62;alert(2)&#60;/script&#62; (wasm func 5, offset 0xf)</span>`,
    );
    // The legend's file name and its title attribute.
    expect(html).toContain(`<li title="http://site/${esc(EVIL)}.wasm">`);
    expect(html).toContain(`</span>${esc(`${EVIL}.wasm`)}</li>`);
    expect(html).toContain(`<title>${esc(`WASM Leaks: FAIL — http://site/?q=${EVIL}`)}</title>`);
    // The only elements are the report's own.
    const names = new Set(
      tags(html).map((t) =>
        t
          .slice(1)
          .split(/[\s>/]/)[0]
          .toLowerCase(),
      ),
    );
    expect([...names].sort()).toEqual(
      [
        'b',
        'body',
        'code',
        'details',
        'div',
        'h1',
        'h2',
        'h3',
        'head',
        'html',
        'li',
        'line',
        'meta',
        'ol',
        'p',
        'path',
        'rect',
        'span',
        'style',
        'summary',
        'svg',
        'table',
        'tbody',
        'td',
        'text',
        'th',
        'thead',
        'title',
        'tr',
        'ul',
      ].sort(),
    );
  });

  it('loads and runs nothing: no script, no resource attribute, no url(), a CSP that forbids both', () => {
    for (const tag of tags(html)) {
      // Attribute values are quoted and escaped (no raw '"' inside): what is left are the attribute names.
      expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(
        /\s(src|href|srcset|action|formaction|poster|background|data|xlink:href|on[a-z]+)\s*=/i,
      );
    }
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
  });

  it('draws memory and live heap over time, snapshots marked', () => {
    expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
    expect(html.match(/<path class="line"/g)).toHaveLength(2);
    for (const m of ['A', 'B1', 'B2', 'B3']) expect(html).toContain(`<title>Snapshot ${m}</title>`);
    expect(html).toContain(
      '<td class="n">4</td><td class="n">327,680 B</td><td class="n">307,200 B</td><td class="n">307,200 B</td><td class="n">300</td>',
    );
  });
});

describe('stepChart', () => {
  it('a step line, held to the end; axis in binary units', () => {
    const svg = stepChart({
      title: 't',
      start: 0,
      end: 1_000,
      lines: [{ name: 'm', color: '#000', time: [0, 500], value: [0, 1_024] }],
      marks: [],
      format: shortBytes,
      width: 188,
      height: 144,
    });
    // Plot 100 × 100 px from (76, 18): x 0→76, 500→126, end→176; y 0→118, 1024→18.
    expect(svg).toContain('d="M76 118L126 118L126 18L176 18"');
    expect(svg).toContain('>1 KB</text>');
    expect(svg).toContain('>0.4 s</text>');
  });

  it('a long series stays ≈3 points per pixel column and keeps its peak', () => {
    const n = 200_000;
    const time = Array.from({ length: n }, (_, i) => i);
    const value = time.map((i) => (i === 123_456 ? 1_000_000 : i % 1000));
    const svg = stepChart({ title: 't', start: 0, end: n, lines: [{ name: 'm', color: '#000', time, value }], marks: [], format: String });
    const d = /d="([^"]+)"/.exec(svg)![1];
    expect(d.split(/[ML]/).length - 1).toBeLessThanOrEqual(3 * 813 + 1);
    expect(svg).toContain('>1048576</text>'); // the axis reaches the peak (2^20 ≥ 1,000,000)
  });
});

describe('TimelineBuilder', () => {
  it('skips rows re-sent on a resync, rows of unknown modules and non-finite values; bounds modules', () => {
    const t = new TimelineBuilder();
    const known = (id: number) => (id < 1000 ? { name: `m${id}`, instrumented: true } : undefined);
    const row = (time: number, module: number, mem = 65_536) => [time, module, mem, 1, 16, 1, 0];
    t.addRows('s', new Float64Array([...row(10, 1), ...row(20, 1), ...row(30, 5000), ...row(40, 1, Number.NaN)]), known);
    t.addRows('s', new Float64Array([...row(10, 1), ...row(20, 1), ...row(50, 1)]), known);
    const built = t.build(0, 60);
    expect(built.modules.map((m) => [m.name, m.time])).toEqual([['m1', [10, 20, 50]]]);
    expect([built.start, built.end, built.dropped]).toEqual([10, 60, 2]);
    const many: number[] = [];
    for (let id = 0; id < TIMELINE_LIMITS.modules + 10; id++) many.push(...row(100, id));
    const u = new TimelineBuilder();
    u.addRows('s', new Float64Array(many), known);
    expect([u.build(0, 1).modules.length, u.dropped]).toEqual([TIMELINE_LIMITS.modules, 10]);
    expect(SAMPLE_STRIDE).toBe(7);
  });
});
