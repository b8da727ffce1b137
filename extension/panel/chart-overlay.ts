// What the timeline draws on top of its charts (snapshot markers A/B/C, the
// peak, each growth of linear memory, the selected or being-selected time range) and the mouse gestures that change
// its x window: wheel zooms around the cursor, drag pans, Shift-drag selects.
// ~100 lines here instead of chartjs-plugin-zoom: that plugin brings hammerjs
// for touch gestures we don't need, and the selection (Shift-drag → `range`
// command) is ours either way.
import type { Chart, Plugin } from 'chart.js';

/** Seconds since the recording start, the charts' x unit. */
export interface XWindow {
  min: number;
  max: number;
}

export interface OverlayState {
  markers: { name: string; x: number }[];
  /** Where linear memory grew (`memory.grow`, seen at the page's next sample), in x units: a short mark at the top. */
  grows?: number[];
  /** Selection shown (committed or while dragging), in x units. */
  brush: XWindow | null;
  colors: { marker: string; brush: string; text: string };
}

/** Height of a row of marker labels (10 px text). */
const MARKER_ROW = 11;

export function overlayPlugin(state: () => OverlayState): Plugin<'line'> {
  return {
    id: 'wasmLeaksOverlay',
    afterDatasetsDraw(chart: Chart<'line'>) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      if (!x || !area) return;
      const s = state();
      ctx.save();
      if (s.brush) {
        const a = Math.max(area.left, x.getPixelForValue(s.brush.min));
        const b = Math.min(area.right, x.getPixelForValue(s.brush.max));
        if (b > a) {
          ctx.fillStyle = s.colors.brush;
          ctx.fillRect(a, area.top, b - a, area.bottom - area.top);
        }
      }
      if (s.grows && s.grows.length > 0) {
        ctx.fillStyle = s.colors.marker;
        for (const g of s.grows) {
          const px = x.getPixelForValue(g);
          if (px < area.left || px > area.right) continue;
          ctx.beginPath();
          ctx.moveTo(px - 3, area.top);
          ctx.lineTo(px + 3, area.top);
          ctx.lineTo(px, area.top + 5);
          ctx.closePath();
          ctx.fill();
        }
      }
      ctx.strokeStyle = s.colors.marker;
      ctx.fillStyle = s.colors.text;
      ctx.setLineDash([4, 3]);
      ctx.font = '600 10px system-ui, sans-serif';
      const shown = s.markers
        .map((m) => ({ name: m.name, px: x.getPixelForValue(m.x) }))
        .filter((m) => m.px >= area.left && m.px <= area.right)
        .sort((a, b) => a.px - b.px);
      // Where each row of labels ends: a label that would overlap the one before it (B and Peak at one
      // instant) goes on the next row down; one at the plot's right edge goes left of its line.
      const rowEnds: number[] = [];
      for (const m of shown) {
        ctx.beginPath();
        ctx.moveTo(m.px, area.top);
        ctx.lineTo(m.px, area.bottom);
        ctx.stroke();
        const width = ctx.measureText(m.name).width;
        const left = m.px + 3 + width > area.right ? m.px - 3 - width : m.px + 3;
        let row = 0;
        while (row < rowEnds.length && rowEnds[row] > left - 2) row++;
        rowEnds[row] = left + width;
        ctx.fillText(m.name, left, area.top + 10 + row * MARKER_ROW);
      }
      ctx.restore();
    },
  };
}

export interface GestureTarget {
  chart(): Chart<'line'> | null;
  /** The x window shown now (the full extent when not zoomed). */
  window(): XWindow;
  /** The whole recording's extent. */
  extent(): XWindow;
  setWindow(w: XWindow | null): void;
  setBrush(w: XWindow | null): void;
  select(w: XWindow): void;
  /** A click without a drag at x (what was live then). */
  instant?(x: number): void;
}

/** Installs the gestures on a canvas; returns the cleanup. */
export function installGestures(canvas: HTMLCanvasElement, t: GestureTarget): () => void {
  const valueAt = (clientX: number): number | null => {
    const chart = t.chart();
    if (!chart?.scales.x) return null;
    const rect = canvas.getBoundingClientRect();
    return chart.scales.x.getValueForPixel(clientX - rect.left) ?? null;
  };
  const clamp = (w: XWindow): XWindow => {
    const e = t.extent();
    const span = Math.min(w.max - w.min, e.max - e.min);
    const min = Math.max(e.min, Math.min(w.min, e.max - span));
    return { min, max: min + span };
  };

  const onWheel = (e: WheelEvent) => {
    const at = valueAt(e.clientX);
    if (at === null) return;
    e.preventDefault();
    const w = t.window();
    const e0 = t.extent();
    const factor = e.deltaY > 0 ? 1.25 : 0.8;
    const span = Math.max(0.05, Math.min(e0.max - e0.min, (w.max - w.min) * factor));
    const ratio = (at - w.min) / (w.max - w.min || 1);
    const next = clamp({ min: at - ratio * span, max: at - ratio * span + span });
    t.setWindow(span >= e0.max - e0.min ? null : next);
  };

  let drag: { mode: 'pan' | 'select'; x0: number; v0: number; w0: XWindow } | null = null;
  /** A press on a legend item is the legend's (a click there toggles a line), not a gesture. */
  const onLegend = (e: MouseEvent): boolean => {
    const legend = t.chart()?.legend as
      | { options: { display?: boolean }; legendHitBoxes?: { left: number; top: number; width: number; height: number }[] }
      | undefined;
    if (!legend || legend.options.display === false) return false;
    const rect = canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    return (legend.legendHitBoxes ?? []).some((b) => x >= b.left && x <= b.left + b.width && y >= b.top && y <= b.top + b.height);
  };
  const onDown = (e: MouseEvent) => {
    const v = valueAt(e.clientX);
    if (v === null || e.button !== 0 || onLegend(e)) return;
    drag = { mode: e.shiftKey ? 'select' : 'pan', x0: e.clientX, v0: v, w0: t.window() };
    e.preventDefault();
  };
  const onMove = (e: MouseEvent) => {
    if (!drag) return;
    if (drag.mode === 'select') {
      const v = valueAt(e.clientX);
      if (v !== null) t.setBrush({ min: Math.min(drag.v0, v), max: Math.max(drag.v0, v) });
      return;
    }
    const chart = t.chart();
    const width = chart ? chart.chartArea.right - chart.chartArea.left : 1;
    const dv = ((e.clientX - drag.x0) / width) * (drag.w0.max - drag.w0.min);
    const e0 = t.extent();
    if (drag.w0.max - drag.w0.min < e0.max - e0.min) t.setWindow(clamp({ min: drag.w0.min - dv, max: drag.w0.max - dv }));
  };
  const onUp = (e: MouseEvent) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.mode !== 'select') {
      // A click (no drag) asks what was live at that instant; the second click of a double-click does not.
      if (Math.abs(e.clientX - d.x0) < 3 && e.detail < 2) t.instant?.(d.v0);
      return;
    }
    const v = valueAt(e.clientX);
    // A click without a drag clears the selection rather than selecting nothing.
    if (v === null || Math.abs(e.clientX - d.x0) < 3) {
      t.setBrush(null);
      return;
    }
    t.select({ min: Math.min(d.v0, v), max: Math.max(d.v0, v) });
  };
  const onDbl = () => t.setWindow(null);

  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('mousedown', onDown);
  window.addEventListener('mousemove', onMove);
  window.addEventListener('mouseup', onUp);
  canvas.addEventListener('dblclick', onDbl);
  return () => {
    canvas.removeEventListener('wheel', onWheel);
    canvas.removeEventListener('mousedown', onDown);
    window.removeEventListener('mousemove', onMove);
    window.removeEventListener('mouseup', onUp);
    canvas.removeEventListener('dblclick', onDbl);
  };
}
