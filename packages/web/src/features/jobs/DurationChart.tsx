import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Execution } from '../../api/types';

/** Each attempt's duration over time, successes and failures as two series of points. */
export function DurationChart({ executions }: { executions: Execution[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || executions.length === 0) return;
    const sorted = [...executions].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const xs = sorted.map((e) => Date.parse(e.startedAt) / 1000);
    const ok = sorted.map((e) => (e.status === 'success' ? e.durationMs : null));
    const bad = sorted.map((e) => (e.status === 'success' ? null : e.durationMs));
    const first = xs[0]!;
    const last = xs[xs.length - 1]!;
    const styles = getComputedStyle(document.documentElement);
    const ink = styles.getPropertyValue('--muted').trim() || '#666';
    const axis = { stroke: ink, grid: { stroke: styles.getPropertyValue('--line').trim() || '#ddd' }, ticks: { stroke: ink } };
    const point = (fill: string) => ({ show: true, size: 7, fill, stroke: fill });
    const plot = new uPlot(
      {
        width: el.clientWidth,
        height: 180,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: {
          // One attempt alone would stretch the axis over years: show the minutes around it instead.
          x: { time: true, auto: false, range: () => (last - first < 60 ? [first - 60, last + 60] : [first, last]) },
          y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.2)] },
        },
        axes: [axis, { ...axis, label: 'ms', size: 60 }],
        series: [
          {},
          { label: 'success', stroke: 'transparent', points: point(styles.getPropertyValue('--ok').trim() || 'green'), paths: () => null },
          { label: 'failure', stroke: 'transparent', points: point(styles.getPropertyValue('--fail').trim() || 'red'), paths: () => null },
        ],
      },
      [xs, ok, bad],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [executions]);
  if (executions.length === 0) return <p className="muted">No attempts yet.</p>;
  return <div ref={box} className="chart" role="img" aria-label={`Duration of the last ${executions.length} attempts`} />;
}
