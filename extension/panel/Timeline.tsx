// Linear memory (one line per shared memory), the highest live block's end and
// live heap per module over time, and below it the allocation and free rates
// (live heap and rates per context when the tab has several); snapshot
// markers, the peak, each growth of linear memory, zoom/pan and a Shift-drag selection that asks
// the page for the retained allocations of that range. By site: live bytes by
// site, stacked; hovering names a band, clicking one picks its site.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  Legend,
  Tooltip,
  Filler,
  type ChartConfiguration,
  type LegendItem,
} from 'chart.js';
import { rateKeyItems, rateKind } from './rate-key';
import type { Store } from './store';
import type { Controller } from './controller';
import { baseName, shortBytes, count } from './format';
import { decimate, growths, type Point } from './series';
import { overlayPlugin, installGestures, type XWindow, type OverlayState } from './chart-overlay';
import { THEME_EVENT } from './theme';
import { bySiteModule, moduleGrowth } from './GrowingSites';
import { HeapBreakdown } from './HeapBreakdown';
import { contextLines, counts, memoryLines } from './context-series';
import { perSecond } from './series';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Filler);

/** Bands of the by-site chart: the top 10 sites by growth, then "other". */
const BAND_COLORS = [
  '#1a73e8',
  '#e8710a',
  '#188038',
  '#d01884',
  '#9334e6',
  '#12b5cb',
  '#f9ab00',
  '#a50e0e',
  '#5f6368',
  '#0d652d',
  '#9aa0a6',
];

/** The instant of the highest live heap among the shown modules' samples (epoch ms), or null. */
function peakTime(store: Store): number | null {
  let best = -1;
  let at: number | null = null;
  for (const [key, s] of store.series) {
    if (!store.shows(key)) continue;
    for (let i = 0; i < s.length; i++) {
      if (s.live[i] > best) {
        best = s.live[i];
        at = s.time[i];
      }
    }
  }
  return best > 0 ? at : null;
}

/** Where a shown module's linear memory grew (epoch ms), oldest first. */
function growTimes(store: Store): number[] {
  const out: number[] = [];
  for (const [key, s] of store.series) if (store.shows(key)) out.push(...growths(s.time, s.memory));
  return out.sort((a, b) => a - b);
}

/** The by-site chart's bands as last drawn: x per column, each band's values, its site key (null: "other"). */
interface DrawnBands {
  x: number[];
  bands: { key: string | null; label: string; values: number[] }[];
}

/**
 * The band under (x, y) of the by-site chart (stacked: the first whose running sum reaches y), or null. The lines
 * are stepped 'before': column j's value is drawn over (x[j-1], x[j]], so x belongs to the first column at or after it.
 */
function bandAt(d: DrawnBands | null, x: number, y: number): { key: string | null; label: string; bytes: number; x: number } | null {
  if (!d || d.x.length === 0 || y < 0) return null;
  let j = 0;
  while (j < d.x.length && d.x[j] < x) j++;
  if (j >= d.x.length) return null;
  let sum = 0;
  for (const b of d.bands) {
    sum += b.values[j];
    if (y <= sum && b.values[j] > 0) return { key: b.key, label: b.label, bytes: b.values[j], x: d.x[j] };
  }
  return null;
}

const COLORS = ['#1a73e8', '#e8710a', '#188038', '#d01884', '#9334e6', '#12b5cb'];
type LineChart = Chart<'line', Point[]>;
/** Below this chart width the legend goes above the plot: beside it, it would be cut off. */
const LEGEND_BESIDE_FROM = 640;
/** Below this timeline height only the bytes chart is shown (docked to the bottom). */
const RATES_FROM = 170;

function theme(): OverlayState['colors'] & { grid: string; tick: string } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim() || '#888';
  return { marker: v('--accent'), brush: v('--brush'), text: v('--fg'), grid: v('--border'), tick: v('--fg-dim') };
}

function config(
  yTick: (v: number) => string,
  showX: boolean,
  overlay: ReturnType<typeof overlayPlugin>,
  /** A click on a legend item: the line it names is hidden or shown again (kept across redraws by its label). */
  toggle: (label: string) => void,
  /** Legend items in place of one per line, when it returns some (the rates chart's key of kinds). */
  keyItems: (color: string) => LegendItem[] | null = () => null,
): ChartConfiguration<'line', Point[]> {
  const c = theme();
  return {
    type: 'line',
    data: { datasets: [] },
    plugins: [overlay],
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      spanGaps: true,
      interaction: { mode: 'nearest', intersect: false, axis: 'x' },
      elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: 1.5, stepped: 'before' } },
      scales: {
        x: {
          type: 'linear',
          display: showX,
          grid: { color: c.grid },
          ticks: { color: c.tick, maxTicksLimit: 10, callback: (v) => `${Number(v).toFixed(1)} s` },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          grid: { color: c.grid },
          ticks: { color: c.tick, maxTicksLimit: 4, callback: (v) => yTick(Number(v)) },
          // Both charts reserve the same y-axis width so their x pixels line up.
          afterFit: (axis) => {
            axis.width = 64;
          },
        },
      },
      onResize: (chart, size) => placeLegend(chart, size.width, size.height),
      plugins: {
        legend: {
          position: 'right',
          align: 'start',
          labels: {
            boxWidth: 10,
            boxHeight: 2,
            color: c.tick,
            font: { size: 10 },
            // Long names (a module in a worker) are cut in the middle, keeping what the line is; the tooltip has it whole.
            generateLabels: (chart) =>
              keyItems(String(chart.options.plugins?.legend?.labels?.color ?? c.tick)) ??
              Chart.defaults.plugins.legend.labels
                .generateLabels(chart)
                .map((item) => ({ ...item, text: middleCut(item.text, LEGEND_CHARS) })),
          },
          onClick: (_e, item, legend) => toggle(legend.chart.data.datasets[item.datasetIndex ?? -1]?.label ?? item.text),
        },
        tooltip: {
          callbacks: {
            title: (items) => `${(items[0]?.parsed.x ?? 0).toFixed(2)} s`,
            label: (ctx) => `${ctx.dataset.label}: ${yTick(ctx.parsed.y ?? 0)}`,
          },
        },
      },
    },
  };
}

/**
 * The plots' right edges line up, as their left edges do (the y axes' fixed
 * width): a chart whose legend beside the plot is narrower than the widest
 * one gets the difference as padding on its right. Charts not shown, or with
 * their legend above the plot, are left as they are.
 */
function alignPlots(charts: Chart[]): void {
  const beside = charts.filter(
    (c) => c.width > 0 && c.legend && c.options.plugins?.legend?.display !== false && c.options.plugins?.legend?.position === 'right',
  );
  const padding = (c: Chart) => Number((c.options.layout?.padding as { right?: number } | undefined)?.right ?? 0);
  const widest = Math.max(0, ...beside.map((c) => c.legend!.width));
  for (const c of charts) {
    const right = beside.includes(c) ? Math.round(widest - c.legend!.width) : 0;
    if (Math.abs(right - padding(c)) < 1) continue;
    c.options.layout = { ...c.options.layout, padding: { right } };
    c.update('none');
  }
}

/** A legend item's most characters: longer ones would run past the canvas beside the plot. */
const LEGEND_CHARS = 46;

/** `text` cut to `max` characters in the middle ("leak.wasm (worker w…) live heap"). */
function middleCut(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.floor((max - 1) / 2);
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** Below this chart height a legend above the plot would leave no plot: it is left out (the tooltip names the lines). */
const LEGEND_ABOVE_FROM = 100;

/** The legend beside the plot when there is room, else above it, else none. */
function placeLegend(chart: Chart, width: number, height: number): void {
  const legend = chart.options.plugins?.legend;
  if (!legend) return;
  const position = width < LEGEND_BESIDE_FROM ? 'top' : 'right';
  const display = position === 'right' || height >= LEGEND_ABOVE_FROM;
  if (legend.position === position && legend.display === display) return;
  legend.position = position;
  legend.display = display;
  legend.align = position === 'top' ? 'end' : 'start';
  chart.update('none');
}

/** Axis and legend colours from the current theme's CSS variables (DevTools may switch theme while the panel is open). */
function recolor(chart: Chart): void {
  const c = theme();
  const scales = chart.options.scales ?? {};
  for (const axis of [scales.x, scales.y]) {
    if (!axis) continue;
    if (axis.grid) axis.grid.color = c.grid;
    if (axis.ticks) axis.ticks.color = c.tick;
  }
  const labels = chart.options.plugins?.legend?.labels;
  if (labels) labels.color = c.tick;
  chart.update('none');
}

export function Timeline({ store, ctl, version, height }: { store: Store; ctl: Controller; version: number; height: number }) {
  const bytesCanvas = useRef<HTMLCanvasElement>(null);
  const ratesCanvas = useRef<HTMLCanvasElement>(null);
  const sitesCanvas = useRef<HTMLCanvasElement>(null);
  const charts = useRef<{ bytes: LineChart; rates: LineChart; sites: LineChart } | null>(null);
  const zoom = useRef<XWindow | null>(null);
  const brush = useRef<XWindow | null>(null);
  const frame = useRef(0);
  const drawnBands = useRef<DrawnBands | null>(null);
  const hoverBand = useRef<ReturnType<typeof bandAt>>(null);
  const [hover, setHover] = useState<string>('');
  const grows = useRef<number[]>([]);
  /** Lines hidden from the legend, by label: every redraw builds new datasets, so Chart.js's own flag would not last. */
  const hidden = useRef(new Set<string>());
  /** Whether the rates chart's legend is the key of kinds (a line per context) rather than an item per line. */
  const rateKey = useRef(false);
  const toggle = (label: string) => {
    if (!hidden.current.delete(label)) hidden.current.add(label);
    redraw();
  };

  const extent = (): XWindow => {
    let max = 0;
    for (const s of store.series.values()) if (s.length) max = Math.max(max, (s.time[s.length - 1] - store.recordingStart) / 1000);
    for (const snap of Object.values(store.snapshots)) if (snap) max = Math.max(max, (snap.time - store.recordingStart) / 1000);
    return { min: 0, max: Math.max(max, 1) };
  };
  const windowNow = () => zoom.current ?? extent();

  /** Rebuilds the decimated datasets for the current window; at most once per animation frame. */
  const redraw = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const c = charts.current;
      if (!c) return;
      const w = windowNow();
      const start = store.recordingStart;
      const from = start + w.min * 1000;
      const to = start + w.max * 1000;
      const toX = (t: number) => (t - start) / 1000;
      const buckets = Math.max(50, Math.round(c.bytes.chartArea?.width ?? 600));
      const bytesSets: LineChart['data']['datasets'] = [];
      const rateSets: LineChart['data']['datasets'] = [];
      const all = store.moduleFilter === null;
      // One live-heap line per context (the page, each frame, each worker) when there are several; a module's own
      // is then one click away (the module list's filter).
      const contexts = all ? contextLines(store.modules, store.series, (source) => store.sourceLabel(source)) : [];
      const perContext = contexts.length > 1;
      // Threads on one shared memory: one linear-memory line for all of them.
      const memory = memoryLines(store.modules, all ? store.series.keys() : [store.moduleFilter!]);
      // With a line per context, a context's only module is named by its context, as its live-heap line is.
      const modulesIn = new Map<number, number>();
      for (const key of store.series.keys()) {
        const m = store.modules.get(key);
        if (m) modulesIn.set(m.frame, (modulesIn.get(m.frame) ?? 0) + 1);
      }
      /** A line's allocs/s and frees/s (the slopes of its cumulative counts), each named by `name`. */
      const pushRates = (name: (what: string) => string, time: number[], allocs: number[], frees: number[], color: string) => {
        rateSets.push({
          label: name('allocs/s'),
          data: decimate(time, perSecond(time, allocs), from, to, buckets, toX),
          borderColor: color,
          backgroundColor: color,
        });
        rateSets.push({
          label: name('frees/s'),
          data: decimate(time, perSecond(time, frees), from, to, buckets, toX),
          borderColor: color,
          backgroundColor: color,
          borderDash: [2, 2],
        });
      };
      const colorOf = new Map<string, string>();
      let i = 0;
      for (const [key, s] of store.series) {
        const color = COLORS[i++ % COLORS.length];
        colorOf.set(key, color);
        if (!store.shows(key)) continue;
        const m = store.modules.get(key);
        // Three workers running the same module are told apart by their worker.
        const line = memory.get(key);
        const file = m ? baseName(m.name) : key;
        const byContext = perContext && m !== undefined && modulesIn.get(m.frame) === 1;
        const name = byContext ? store.sourceLabel(m.frame) : m?.context ? `${file} (${m.context})` : file;
        const multi = store.series.size > 1 && all;
        const label = (what: string) => (multi ? `${name} ${what}` : what);
        if (line)
          bytesSets.push({
            label: multi ? `${byContext && line.threads === 1 ? name : line.name} linear memory` : 'linear memory',
            data: decimate(s.time, s.memory, from, to, buckets, toX),
            borderColor: color,
            backgroundColor: color,
          });
        // A thread whose blocks another instance counts has no live heap or rates of its own.
        if (!counts(m)) continue;
        const heap = store.heapSeries.get(key);
        if (heap && heap.length > 0)
          bytesSets.push({
            label: label('highest live block end'),
            data: decimate(s.time, heap.topsAt(s.time), from, to, buckets, toX),
            borderColor: color,
            backgroundColor: color,
            borderDash: [1, 2],
            borderWidth: 1,
          });
        if (!perContext)
          bytesSets.push({
            label: label('live heap'),
            data: decimate(s.time, s.live, from, to, buckets, toX),
            borderColor: color,
            backgroundColor: color,
            borderDash: [4, 3],
          });
        // (per context: the context's own rate lines below)
        if (!perContext) pushRates(label, s.time, s.allocs, s.frees, color);
      }
      if (perContext)
        for (const c of contexts) {
          const color = colorOf.get(c.first) ?? COLORS[0];
          bytesSets.push({
            label: `${c.label} live heap`,
            data: decimate(c.time, c.live, from, to, buckets, toX),
            borderColor: color,
            backgroundColor: color,
            borderDash: [4, 3],
            borderWidth: 2,
          });
          pushRates((what) => `${c.label} ${what}`, c.time, c.allocs, c.frees, color);
        }
      // (per context, the rates legend is a key of kinds: a hidden kind hides it in every context)
      rateKey.current = perContext;
      for (const set of bytesSets) set.hidden = hidden.current.has(set.label ?? '');
      for (const set of rateSets) {
        const label = set.label ?? '';
        set.hidden = hidden.current.has(label) || (perContext && hidden.current.has(rateKind(label) ?? label));
      }
      // Live bytes by site, stacked: the module picked (else the one with the most live bytes).
      const siteSets: LineChart['data']['datasets'] = [];
      const key = store.bySite ? bySiteModule(store) : null;
      const g = key ? moduleGrowth(store, key) : null;
      drawnBands.current = null;
      if (g) {
        const x = g.times.map(toX);
        const bands = [
          ...g.bands.map((b) => ({ key: b.row.key as string | null, label: b.row.label, values: b.values })),
          { key: null, label: 'other', values: g.other },
        ];
        drawnBands.current = { x, bands };
        bands.forEach((b, k) => {
          const color = BAND_COLORS[Math.min(k, BAND_COLORS.length - 1)];
          const picked = b.key !== null && b.key === store.growthSite;
          siteSets.push({
            label: b.label,
            data: b.values.map((y, j) => ({ x: x[j], y })),
            borderColor: color,
            backgroundColor: picked ? `${color}ee` : `${color}99`,
            borderWidth: picked ? 3 : 1.5,
            fill: k === 0 ? 'origin' : '-1',
          });
        });
      }
      for (const set of siteSets) set.hidden = hidden.current.has(set.label ?? '');
      grows.current = growTimes(store).map(toX);
      // Where linear memory grew (x, seconds), for tests and anyone checking a mark (data, not pixels).
      (globalThis as { wasmLeaksGrowMarks?: number[] }).wasmLeaksGrowMarks = grows.current;
      for (const [chart, sets] of [
        [c.bytes, bytesSets],
        [c.rates, rateSets],
        [c.sites, siteSets],
      ] as const) {
        chart.data.datasets = sets;
        // Many lines (contexts, threads): tighter legend rows, so they stay beside the plot rather than in a column past its edge.
        const labels = chart.options.plugins?.legend?.labels;
        if (labels) labels.padding = sets.length > 4 ? 3 : 10;
        chart.options.scales!.x!.min = w.min;
        chart.options.scales!.x!.max = w.max;
        chart.update('none');
      }
      alignPlots([c.bytes, c.rates, c.sites]);
    });
  };

  useEffect(() => {
    if (!bytesCanvas.current || !ratesCanvas.current) return;
    const overlay = overlayPlugin(() => {
      const sel =
        brush.current ??
        (store.range
          ? { min: (store.range.from - store.recordingStart) / 1000, max: (store.range.to - store.recordingStart) / 1000 }
          : null);
      const markers: { name: string; x: number }[] = (['A', 'B', 'C'] as const).flatMap((name) => {
        const s = store.snapshots[name];
        return s ? [{ name, x: (s.time - store.recordingStart) / 1000 }] : [];
      });
      const peak = peakTime(store);
      if (peak !== null) markers.push({ name: 'Peak', x: (peak - store.recordingStart) / 1000 });
      return { markers, grows: grows.current, brush: sel, colors: theme() };
    });
    const sitesConfig = config(shortBytes, true, overlay, toggle);
    const y = sitesConfig.options?.scales?.y;
    if (y) y.stacked = true;
    charts.current = {
      bytes: new Chart(bytesCanvas.current, config(shortBytes, true, overlay, toggle)),
      rates: new Chart(
        ratesCanvas.current,
        config(
          (v) => `${count(v)}/s`,
          false,
          overlay,
          toggle,
          (color) => (rateKey.current ? rateKeyItems(hidden.current, color) : null),
        ),
      ),
      sites: new Chart(sitesCanvas.current!, sitesConfig),
    };
    // What the by-site chart plots, for tests and for anyone checking a figure (data, not pixels).
    (globalThis as { wasmLeaksSiteChart?: unknown }).wasmLeaksSiteChart = charts.current.sites;
    (globalThis as { wasmLeaksBytesChart?: unknown }).wasmLeaksBytesChart = charts.current.bytes;
    (globalThis as { wasmLeaksRatesChart?: unknown }).wasmLeaksRatesChart = charts.current.rates;
    const target = {
      chart: () => charts.current?.bytes ?? null,
      window: windowNow,
      extent,
      setWindow: (w: XWindow | null) => {
        zoom.current = w;
        const start = store.recordingStart;
        store.setTimeWindow(w ? { from: start + w.min * 1000, to: start + w.max * 1000 } : null);
        redraw();
      },
      setBrush: (w: XWindow | null) => {
        brush.current = w;
        charts.current?.bytes.draw();
        charts.current?.rates.draw();
        charts.current?.sites.draw();
      },
      select: (w: XWindow) => {
        brush.current = null;
        ctl.selectRange(store.recordingStart + w.min * 1000, store.recordingStart + w.max * 1000);
      },
      instant: (x: number) => {
        if (!store.readOnly && store.series.size > 0) ctl.liveAt(store.recordingStart + x * 1000);
      },
    };
    for (const chart of [charts.current.bytes, charts.current.rates, charts.current.sites]) placeLegend(chart, chart.width, chart.height);
    const onTheme = () => {
      if (!charts.current) return;
      recolor(charts.current.bytes);
      recolor(charts.current.rates);
      recolor(charts.current.sites);
    };
    document.addEventListener(THEME_EVENT, onTheme);
    const off1 = installGestures(bytesCanvas.current, target);
    const off2 = installGestures(ratesCanvas.current, { ...target, chart: () => charts.current?.rates ?? null });
    // On the by-site chart a click on a band picks its site (null on "other" or above the bands) and asks what was
    // live at the tick the band shows there (the lines step 'before': the drawn value is the next tick's), so the
    // tables that follow (what was live then, Growing sites) list and select that site.
    const off3 = installGestures(sitesCanvas.current!, {
      ...target,
      chart: () => charts.current?.sites ?? null,
      instant: (x: number) => {
        const band = hoverBand.current;
        store.selectGrowthSite(band?.key ?? null);
        target.instant(band ? band.x : x);
      },
    });
    const sitesEl = sitesCanvas.current!;
    const onHover = (e: MouseEvent) => {
      const chart = charts.current?.sites;
      if (!chart?.scales.x || !chart.scales.y) return;
      const rect = sitesEl.getBoundingClientRect();
      const band = bandAt(
        drawnBands.current,
        chart.scales.x.getValueForPixel(e.clientX - rect.left) ?? -1,
        chart.scales.y.getValueForPixel(e.clientY - rect.top) ?? -1,
      );
      hoverBand.current = band;
      const text = band
        ? `${band.label}: ${shortBytes(band.bytes)}${band.key ? ' · click: what was live then, this site selected' : ''}`
        : '';
      sitesEl.title = text;
      setHover(text);
    };
    const onLeave = () => {
      hoverBand.current = null;
      setHover('');
    };
    sitesEl.addEventListener('mousemove', onHover);
    sitesEl.addEventListener('mouseleave', onLeave);
    return () => {
      document.removeEventListener(THEME_EVENT, onTheme);
      off1();
      off2();
      off3();
      sitesEl.removeEventListener('mousemove', onHover);
      sitesEl.removeEventListener('mouseleave', onLeave);
      cancelAnimationFrame(frame.current);
      charts.current?.bytes.destroy();
      charts.current?.rates.destroy();
      charts.current?.sites.destroy();
    };
  }, []);

  useEffect(redraw, [version]);

  const empty = store.series.size === 0;
  const rates = height >= RATES_FROM;
  return (
    <section class={`timeline ${rates ? '' : 'compact'}`} aria-label="Timeline" style={{ height: `${height}px` }}>
      <div class="timeline-head">
        <span>Timeline</span>
        <span class="hint" data-testid="timeline-hint">
          {store.bySite && hover
            ? hover
            : 'click: what was live then · wheel: zoom · drag: pan · Shift-drag: retained allocations of a time range · double-click: all'}
        </span>
        <button
          type="button"
          aria-pressed={store.bySite}
          title="Live bytes by allocation site, stacked (the top 10 by growth over the visible range, then the rest); the ranking replaces the comparison"
          onClick={() => ctl.toggleBySite()}
        >
          By site
        </button>
        <button
          type="button"
          title="The blocks live at the highest live heap (marked Peak), by site with their stacks, freed since or not"
          disabled={store.readOnly !== null || empty}
          onClick={() => ctl.peak()}
        >
          Peak
        </button>
        <button
          type="button"
          aria-label="Reset zoom"
          onClick={() => {
            zoom.current = null;
            store.setTimeWindow(null);
            redraw();
          }}
        >
          Reset zoom
        </button>
      </div>
      <HeapBreakdown store={store} />
      <div class="chart bytes" hidden={store.bySite}>
        <canvas ref={bytesCanvas} data-testid="timeline-chart" aria-label="Linear memory and live heap over time" role="img" />
      </div>
      <div class="chart bytes" hidden={!store.bySite}>
        <canvas ref={sitesCanvas} data-testid="site-chart" aria-label="Live bytes by allocation site over time, stacked" role="img" />
      </div>
      <div class="chart rates" hidden={!rates}>
        <canvas ref={ratesCanvas} data-testid="rates-chart" aria-label="Allocations and frees per second" role="img" />
      </div>
      {empty && (
        <p class="chart-empty">
          {store.readOnly
            ? 'This recording has no samples.'
            : 'No samples yet: use Reload and record, or run code that instantiates a WebAssembly module.'}
        </p>
      )}
    </section>
  );
}
