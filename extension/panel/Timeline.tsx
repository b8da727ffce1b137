import { useEffect, useRef } from 'preact/hooks';
import { Chart, LineController, LineElement, PointElement, LinearScale, Legend, Tooltip } from 'chart.js';
import type { Store } from './store';
import { shortBytes } from './format';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

const COLORS = ['#1a73e8', '#e8710a', '#188038', '#d01884', '#9334e6', '#12b5cb'];

/** Linear memory and live heap over time, per module. */
export function Timeline({ store, version }: { store: Store; version: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line', { x: number; y: number }[]> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        elements: { point: { radius: 0 }, line: { borderWidth: 1.5, stepped: 'before' } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'seconds' }, ticks: { maxTicksLimit: 10 } },
          y: { type: 'linear', beginAtZero: true, ticks: { callback: (v) => shortBytes(Number(v)) } },
        },
        plugins: {
          legend: { position: 'top', labels: { boxWidth: 10 } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${shortBytes(c.parsed.y ?? 0)}` } },
        },
      },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const start = store.recordingStart;
    const datasets: typeof c.data.datasets = [];
    let i = 0;
    for (const [key, s] of store.series) {
      const m = store.modules.get(key);
      const label = m ? (m.name.split('/').pop() || m.name) : key;
      const color = COLORS[i++ % COLORS.length];
      datasets.push({
        label: `${label} linear memory`,
        data: s.time.map((t, j) => ({ x: (t - start) / 1000, y: s.memory[j] })),
        borderColor: color,
        backgroundColor: color,
      });
      datasets.push({
        label: `${label} live heap`,
        data: s.time.map((t, j) => ({ x: (t - start) / 1000, y: s.live[j] })),
        borderColor: color,
        backgroundColor: color,
        borderDash: [4, 3],
      });
    }
    c.data.datasets = datasets;
    c.update('none');
  }, [version]);

  return (
    <section class="timeline" aria-label="Timeline">
      <canvas ref={canvas} data-testid="timeline-chart" />
    </section>
  );
}
