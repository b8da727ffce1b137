// Step charts as inline SVG markup for the HTML report: one line per module
// over the run's time range, snapshot marks as vertical lines. Generated text,
// no chart library: the report must open offline and run no script. Every
// string that reaches the markup goes through `esc` (module names come from
// the page). Pure: no Node or DOM API.

/** Text and attribute values as HTML/SVG text: & < > " ' escaped. */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ChartLine {
  name: string;
  color: string;
  /** Epoch ms, ascending, and the value from that time on (a step function). */
  time: readonly number[];
  value: readonly number[];
}

export interface ChartInput {
  title: string;
  /** Epoch ms: the x range. */
  start: number;
  end: number;
  lines: ChartLine[];
  marks: { label: string; time: number }[];
  /** Axis label of a value. */
  format: (v: number) => string;
  width?: number;
  height?: number;
}

/** Colours that read on light and dark backgrounds, one per module in turn. */
export const PALETTE = ['#1a73e8', '#d93025', '#188038', '#e37400', '#9334e6', '#007b83', '#b0600f', '#c5221f', '#5f6368', '#12b5cb'];

const M = { left: 76, right: 12, top: 18, bottom: 26 };

/** 1, 2 or 5 × 10^k at or above v / n: an axis step giving about n ticks. */
function niceStep(span: number, n: number): number {
  if (!(span > 0)) return 1;
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Binary steps for bytes (1, 2, 4… × 1024^k) read better on a memory axis; otherwise decimal. */
function byteStep(span: number, n: number): number {
  if (!(span > 0)) return 1;
  const raw = span / n;
  let s = 1;
  while (s < raw) s *= 2;
  return s;
}

const num = (v: number) => (Math.round(v * 10) / 10).toString();

/**
 * One step line as SVG path data, at most ≈3 points per pixel column (first,
 * highest and last value of the column), so a long run stays small and its
 * peaks stay visible. The last value holds until the end of the range.
 */
function stepPath(line: ChartLine, x: (t: number) => number, y: (v: number) => number, xEnd: number): string {
  const parts: string[] = [];
  let col = Number.NaN;
  let colMax = 0;
  let colLast = 0;
  let prev = Number.NaN;
  const flush = () => {
    if (Number.isNaN(col)) return;
    // Across from the previous column at its last value, up to this column's highest, down to its last.
    if (Number.isNaN(prev)) parts.push(`M${num(col)} ${num(y(colMax))}`);
    else parts.push(`L${num(col)} ${num(y(prev))}`, `L${num(col)} ${num(y(colMax))}`);
    if (colLast !== colMax) parts.push(`L${num(col)} ${num(y(colLast))}`);
    prev = colLast;
  };
  for (let i = 0; i < line.time.length; i++) {
    const c = Math.round(x(line.time[i]));
    const v = line.value[i];
    if (c !== col) {
      flush();
      col = c;
      colMax = v;
    } else colMax = Math.max(colMax, v);
    colLast = v;
  }
  flush();
  if (!Number.isNaN(prev)) parts.push(`L${num(xEnd)} ${num(y(prev))}`);
  return parts.join('');
}

/** The chart as an <svg> element (role img, its title the chart's). */
export function stepChart(input: ChartInput, bytesAxis = true): string {
  const W = input.width ?? 900;
  const H = input.height ?? 200;
  const span = Math.max(1, input.end - input.start);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  let max = 0;
  for (const l of input.lines) for (const v of l.value) if (v > max) max = v;
  const yStep = bytesAxis ? byteStep(max, 4) : niceStep(max, 4);
  const yMax = Math.max(yStep, Math.ceil(max / yStep) * yStep);
  const clampT = (t: number) => Math.min(input.end, Math.max(input.start, t));
  const x = (t: number) => M.left + ((clampT(t) - input.start) / span) * plotW;
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(input.title)}">`,
    `<title>${esc(input.title)}</title>`,
  );
  // Grid and y labels.
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    const yy = num(y(v));
    out.push(
      `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}"/>`,
      `<text class="tick" x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${esc(input.format(v))}</text>`,
    );
  }
  // x labels: seconds since the start.
  const secs = span / 1000;
  const xStep = niceStep(secs, 8);
  for (let s = 0; s <= secs + 1e-9; s += xStep) {
    const xx = num(x(input.start + s * 1000));
    out.push(
      `<line class="grid" x1="${xx}" x2="${xx}" y1="${M.top}" y2="${M.top + plotH}"/>`,
      `<text class="tick" x="${xx}" y="${H - 8}" text-anchor="middle">${esc(`${Number(s.toFixed(3))} s`)}</text>`,
    );
  }
  out.push(`<rect class="frame" x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}"/>`);
  for (const m of input.marks) {
    const xx = num(x(m.time));
    out.push(
      `<line class="mark" x1="${xx}" x2="${xx}" y1="${M.top}" y2="${M.top + plotH}"><title>${esc(`Snapshot ${m.label}`)}</title></line>`,
      `<text class="mark-label" x="${xx}" y="${M.top - 5}" text-anchor="middle">${esc(m.label)}</text>`,
    );
  }
  for (const l of input.lines) {
    if (l.time.length === 0) continue;
    out.push(`<path class="line" d="${stepPath(l, x, y, x(input.end))}" stroke="${esc(l.color)}"><title>${esc(l.name)}</title></path>`);
  }
  out.push('</svg>');
  return out.join('');
}
