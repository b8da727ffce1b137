// `wasm-leaks run --report out.html`: the run as one self-contained page, the
// panel's timeline and comparison for people who were not watching: memory and
// live heap per module over time (inline SVG, snapshots marked), then the
// leaked blocks by site with their whole stacks, bytes and counts, the
// suppressed totals, allocator misuse and the modules seen. No script at all
// (stacks fold with <details>), no external resource, and a CSP that forbids
// both, so the file opens offline and cannot call out even if a string slipped
// through. Every string from the page (module and function names, files, URLs,
// messages) is escaped. Pure: no Node or DOM API.
import type { FrameMsg } from '../protocol/messages';
import { FAILING_ERRORS, basename, bytes, count, plural, type LeakReport, type LeakSite, type LeakStack } from './leak-report';
import { esc, PALETTE, stepChart, type ChartLine } from './svg-chart';
import type { Timeline } from './timeline';

export interface HtmlReportInput {
  report: LeakReport;
  url: string;
  /** The scenario file, as given. */
  scenario?: string;
  /** Epoch ms. */
  startTime: number;
  durationMs: number;
  exitCode: number;
  /** Per repeat, blocks and bytes alive since Snapshot A (RunResult.series). */
  series?: { count: number; bytes: number }[];
  timeline?: Timeline;
  /** Stacks shown per site (default 20) and sites shown (default 200); the rest are summed. */
  maxStacks?: number;
  maxSites?: number;
}

/** "1.5 MB", "64 KB", "900 B": the charts' axes (binary units). */
export function shortBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toFixed(v < 10 ? 2 : 1))} ${units[u]}`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #202124; --muted: #5f6368; --bg: #fff; --line: #dadce0; --bad: #c5221f; --ok: #188038; --code: #f1f3f4; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8eaed; --muted: #9aa0a6; --bg: #202124; --line: #3c4043; --bad: #f28b82; --ok: #81c995; --code: #292a2d; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); } .verdict { font-weight: 600; } .fail { color: var(--bad); } .pass { color: var(--ok); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 8px; margin: 12px 0; }
.totals div { border: 1px solid var(--line); border-radius: 6px; padding: 8px; } .totals b { display: block; font-size: 18px; }
code, .stack { font: 12px/1.5 ui-monospace, monospace; } .stack { background: var(--code); padding: 6px 10px; margin: 4px 0 8px; list-style: none; overflow-x: auto; }
.stack li { white-space: pre; } .stack .site { font-weight: 700; } .stack .wrapper { color: var(--muted); }
details > summary { cursor: pointer; } .site-row td { border-bottom: none; } .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0 0; padding: 0; list-style: none; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: middle; }
svg.chart { max-width: 100%; height: auto; display: block; } svg .grid { stroke: var(--line); stroke-width: 1; } svg .frame { fill: none; stroke: var(--line); }
svg .tick { fill: var(--muted); font-size: 11px; } svg .mark { stroke: var(--muted); stroke-dasharray: 4 3; } svg .mark-label { fill: var(--fg); font-size: 11px; font-weight: 600; }
svg .line { fill: none; stroke-width: 1.6; }
`;

function frameItem(f: FrameMsg, i: number, siteIndex: number): string {
  let where: string;
  if (f.line > 0 && f.file) where = `${f.file}:${f.line}`;
  else if (f.func >= 0)
    where = `${f.file ? `${f.file} ` : ''}(wasm func ${f.func}${f.offset >= 0 ? `, offset 0x${f.offset.toString(16)}` : ''})`;
  else where = f.file;
  const cls = i === siteIndex ? ' class="site"' : f.alloc ? ' class="wrapper"' : '';
  const note = i === siteIndex ? '  ← site' : f.alloc ? '  [allocator wrapper]' : '';
  return `<li${cls}>#${i} ${esc(f.name || '(anonymous)')}${where ? ` <span class="muted">${esc(where)}</span>` : ''}${note}</li>`;
}

function stackList(frames: readonly FrameMsg[], siteIndex = -1): string {
  if (frames.length === 0) return '<ol class="stack"><li class="muted">(no stack)</li></ol>';
  return `<ol class="stack">${frames.map((f, i) => frameItem(f, i, siteIndex)).join('')}</ol>`;
}

function stacksOf(site: LeakSite, maxStacks: number): string {
  const shown = site.stacks.slice(0, maxStacks);
  const parts = shown.map((st: LeakStack, i) => {
    const head =
      site.stacks.length > 1
        ? `<div class="muted">stack ${i + 1} of ${site.stacks.length}: ${bytes(st.bytes)} in ${plural(st.count, 'block')}</div>`
        : '';
    const rule = st.suppressedBy
      ? `<div class="muted">suppressed by <code>leak:${esc(st.suppressedBy.template)}</code> (line ${st.suppressedBy.line})</div>`
      : '';
    return head + rule + stackList(st.frames, st.siteIndex);
  });
  const rest = site.stacks.slice(maxStacks);
  if (rest.length > 0) {
    parts.push(
      `<div class="muted">… ${plural(rest.length, 'more stack')}: ${bytes(rest.reduce((a, s) => a + s.bytes, 0))} in ${plural(
        rest.reduce((a, s) => a + s.count, 0),
        'block',
      )}</div>`,
    );
  }
  return parts.join('');
}

function sitesTable(sites: readonly LeakSite[], maxSites: number, maxStacks: number, testid: string): string {
  const rows = sites.slice(0, maxSites).map((s, i) => {
    const rep = s.perRepeat ? `${plural(s.perRepeat.count, 'block')} / ${bytes(s.perRepeat.bytes)}` : '<span class="muted">—</span>';
    return (
      `<tr class="site-row" data-testid="${testid}"><td><details${i === 0 ? ' open' : ''}><summary><b>${esc(s.label)}</b> <span class="muted">in ${esc(
        s.module,
      )}</span></summary>${stacksOf(s, maxStacks)}</details></td>` +
      `<td class="n">${count(s.count)}</td><td class="n">${bytes(s.bytes)}</td><td class="n">${rep}</td></tr>`
    );
  });
  if (sites.length > maxSites) {
    const rest = sites.slice(maxSites);
    rows.push(
      `<tr><td class="muted">… ${plural(rest.length, 'more site')}</td><td class="n">${count(rest.reduce((a, s) => a + s.count, 0))}</td><td class="n">${bytes(
        rest.reduce((a, s) => a + s.bytes, 0),
      )}</td><td></td></tr>`,
    );
  }
  return `<table><thead><tr><th>Site (first frame outside allocator wrappers) and its stacks</th><th class="n">Blocks</th><th class="n">Bytes</th><th class="n">Per repeat</th></tr></thead><tbody>${rows.join(
    '',
  )}</tbody></table>`;
}

/** The short name of a module for a legend: its file, else the whole label. */
function moduleShort(name: string): string {
  const noQuery = name.split(/[?#]/)[0];
  return basename(noQuery) || name;
}

function timelineSection(t: Timeline): string {
  if (t.modules.length === 0) return '<p class="muted">No module sent samples during the run.</p>';
  const lines = (pick: (m: Timeline['modules'][number]) => number[]): ChartLine[] =>
    t.modules.map((m, i) => ({ name: m.name, color: PALETTE[i % PALETTE.length], time: m.time, value: pick(m) }));
  const marks = t.marks;
  const chart = (title: string, pick: (m: Timeline['modules'][number]) => number[]) =>
    stepChart({ title, start: t.start, end: t.end, lines: lines(pick), marks, format: shortBytes });
  const legend = `<ul class="legend">${t.modules
    .map(
      (m, i) =>
        `<li title="${esc(m.name)}"><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${esc(moduleShort(m.name))}${
          m.instrumented ? '' : ' <span class="muted">(not instrumented: memory only)</span>'
        }</li>`,
    )
    .join('')}</ul>`;
  const peak = (xs: number[]) => xs.reduce((a, v) => Math.max(a, v), 0);
  const last = (xs: number[]) => (xs.length > 0 ? xs[xs.length - 1] : 0);
  const table = `<table><thead><tr><th>Module</th><th class="n">Samples</th><th class="n">Linear memory, end</th><th class="n">Live heap, end</th><th class="n">Live heap, peak</th><th class="n">Live blocks, end</th></tr></thead><tbody>${t.modules
    .map(
      (m) =>
        `<tr data-testid="timeline-module"><td>${esc(m.name)}</td><td class="n">${count(m.time.length)}</td><td class="n">${bytes(last(m.memoryBytes))}</td><td class="n">${bytes(
          last(m.liveBytes),
        )}</td><td class="n">${bytes(peak(m.liveBytes))}</td><td class="n">${count(last(m.liveCount))}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  return (
    `<h3>Linear memory</h3>${chart('Linear memory per module over time', (m) => m.memoryBytes)}` +
    `<h3>Live heap</h3>${chart('Live heap bytes per module over time', (m) => m.liveBytes)}${legend}` +
    `<p class="muted">Dashed lines: Snapshot A after setup, B1… after each repeat of the action. Samples are taken when a module's figures change, at most every 500 ms, and at each snapshot.${
      t.dropped > 0 ? ` ${count(t.dropped)} sample rows left out (bounds).` : ''
    }</p>${table}`
  );
}

/** The report as one HTML document. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const r = input.report;
  const maxStacks = input.maxStacks ?? 20;
  const maxSites = input.maxSites ?? 200;
  const instrumented = r.modules.filter((m) => m.instrumented).length;
  const when = new Date(input.startTime)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const out: string[] = [];
  out.push(
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    // Nothing to load, nothing to run: a report opened from a CI artifact stays inert.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`WASM Leaks: ${r.ok ? 'PASS' : 'FAIL'} — ${input.url}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>WASM Leaks report</h1>`,
    `<div class="muted">${esc(input.url)}${input.scenario ? ` · scenario ${esc(input.scenario)}` : ''} · ${esc(when)} · ${(input.durationMs / 1000).toFixed(1)} s · exit code ${input.exitCode}</div>`,
    `<p class="verdict ${r.ok ? 'pass' : 'fail'}" data-testid="verdict">${r.ok ? 'PASS' : `FAIL: ${esc(r.failures.join('; '))}`}</p>`,
  );
  const over = r.repeats !== undefined ? ` over ${plural(r.repeats, 'repeat')}` : '';
  out.push(
    '<div class="totals">',
    `<div data-testid="leaked">Leaked${over}<b>${bytes(r.leakedBytes)}</b>${plural(r.leakedCount, 'block')} at ${plural(r.sites.length, 'site')}</div>`,
    `<div data-testid="suppressed">Suppressed<b>${bytes(r.suppressedBytes)}</b>${plural(r.suppressedCount, 'block')}</div>`,
    `<div>Limit<b>${bytes(r.maxLeakBytes)}</b>leaked bytes allowed</div>`,
    `<div>Modules<b>${count(instrumented)} instrumented</b>of ${count(r.modules.length)} seen</div>`,
    '</div>',
  );
  if (input.series && input.series.length > 0) {
    out.push(
      `<table data-testid="repeats"><thead><tr><th>After repeat</th><th class="n">Blocks allocated since Snapshot A, still alive</th><th class="n">Bytes</th></tr></thead><tbody>${input.series
        .map((s, i) => `<tr><td>${i + 1}</td><td class="n">${count(s.count)}</td><td class="n">${bytes(s.bytes)}</td></tr>`)
        .join('')}</tbody></table>`,
    );
  }

  out.push('<h2>Timeline</h2>', input.timeline ? timelineSection(input.timeline) : '<p class="muted">No timeline recorded.</p>');

  out.push('<h2>Leaks by allocation site</h2>');
  if (r.sites.length === 0) out.push('<p data-testid="no-leaks">No leaked block at a site that grew with the repeats.</p>');
  else
    out.push(
      `<p class="muted">Blocks allocated after Snapshot A and still alive at the last Snapshot B, at sites whose blocks grew after the first repeat; each site with its whole stacks (innermost first).</p>`,
      sitesTable(r.sites, maxSites, maxStacks, 'leak-site'),
    );

  if (r.errors.length > 0) {
    out.push('<h2>Allocator misuse</h2>');
    for (const e of r.errors) {
      const failing = FAILING_ERRORS.includes(e.kind);
      out.push(
        `<div data-testid="misuse"><b class="${failing ? 'fail' : ''}">${failing ? 'ERROR' : 'warning'}: ${esc(e.kind)}</b> of <code>0x${(e.ptr >>> 0).toString(16)}</code> in ${esc(
          e.module,
        )}: ${esc(e.message)}</div>`,
        stackList(e.frames),
      );
      if (e.otherFrames.length > 0)
        out.push(`<div class="muted">${e.kind === 'double-free' ? 'first freed at' : 'allocated at'}:</div>`, stackList(e.otherFrames));
    }
  }

  out.push('<h2>Suppressed</h2>');
  if (r.suppressionsUsed.length === 0)
    out.push(`<p class="muted">Nothing suppressed (${bytes(r.suppressedBytes)} in ${plural(r.suppressedCount, 'block')}).</p>`);
  else {
    out.push(
      `<table><thead><tr><th>Suppression</th><th class="n">Blocks</th><th class="n">Bytes</th></tr></thead><tbody>${r.suppressionsUsed
        .map(
          (u) =>
            `<tr data-testid="suppression"><td><code>leak:${esc(u.template)}</code> <span class="muted">line ${u.line}</span></td><td class="n">${count(u.count)}</td><td class="n">${bytes(u.bytes)}</td></tr>`,
        )
        .join('')}</tbody></table>`,
      sitesTable(r.suppressedSites, maxSites, maxStacks, 'suppressed-site'),
    );
  }

  if (r.notCounted.length > 0 || r.warnings.length > 0) {
    out.push('<h2>Notes</h2><ul>');
    for (const n of r.notCounted) out.push(`<li>Not counted: ${bytes(n.bytes)} in ${plural(n.count, 'block')} ${esc(n.reason)}</li>`);
    for (const w of r.warnings) out.push(`<li>Warning: ${esc(w)}</li>`);
    out.push('</ul>');
  }

  out.push(
    '<h2>Modules</h2>',
    r.modules.length === 0
      ? '<p class="muted">No WebAssembly module was instantiated.</p>'
      : `<table><thead><tr><th>Module</th><th>Instrumented</th></tr></thead><tbody>${r.modules
          .map(
            (m) =>
              `<tr data-testid="module"><td>${esc(m.name)}</td><td>${m.instrumented ? 'yes' : `no${m.reason ? `: ${esc(m.reason)}` : ''}`}</td></tr>`,
          )
          .join('')}</tbody></table>`,
    `<p class="muted">Made by wasm-leaks run. Blocks are grouped by site, the first frame of their stack outside the allocator wrappers.</p>`,
    '</body></html>',
  );
  return `${out.join('\n')}\n`;
}
