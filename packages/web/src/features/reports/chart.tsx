import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A series' values per date; null leaves the date empty (no data that day). */
export type ChartSeries = { label: string; values: (number | null)[]; color: string; kind: 'bars' | 'area' };

const AXIS = { stroke: '#5e6776', grid: { stroke: '#eef0f3', width: 1 }, ticks: { show: false }, font: '12px system-ui, sans-serif' };
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1e6];
const PERCENT_STEPS = [10, 20, 25, 50];
const DAY_STEPS = [1, 2, 3, 7, 14, 28, 56, 91, 182, 364];

/** "2026-03-29" → "Mar 29" (a calendar date, so read in UTC). */
const shortDate = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * A series' drawing. Two bar series stand side by side in each date's column in the legend's order:
 * the first left of the date (uPlot's align -1: the bar ends at the date), the second right of it (1).
 */
function seriesOptions(s: ChartSeries, index: number, count: number, days: number): uPlot.Series {
  if (s.kind === 'area') {
    return { label: s.label, stroke: s.color, width: 2, fill: `${s.color}22`, points: { show: days <= 31, size: 6, fill: s.color } };
  }
  const bars =
    count > 1
      ? { size: [0.7 / count, 28] as [number, number], align: (index === 0 ? -1 : 1) as 1 | -1 }
      : { size: [0.6, 40] as [number, number] };
  return { label: s.label, stroke: s.color, fill: s.color, width: 0, points: { show: false }, paths: uPlot.paths.bars!(bars) };
}

/**
 * A daily chart drawn by uPlot on a canvas: one x per date, bars or an area per series. The
 * canvas is described by `label` (its text alternative is the card's table view). `percent`: the
 * values are shares from 0 to 100, on a fixed axis.
 */
export function DailyChart({
  dates,
  series,
  label,
  height = 220,
  percent = false,
}: {
  dates: string[];
  series: ChartSeries[];
  label: string;
  height?: number;
  percent?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      padding: [8, 8, 0, 0],
      scales: {
        x: { time: false, range: () => [-0.5, dates.length - 0.5] },
        y: { range: (_u, _min, max) => (percent ? [0, 100] : [0, Math.max(4, max * 1.1)]) },
      },
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      axes: [
        { ...AXIS, size: 30, incrs: DAY_STEPS, values: (_u, splits) => splits.map((i) => (dates[i] ? shortDate(dates[i]!) : '')) },
        {
          ...AXIS,
          incrs: percent ? PERCENT_STEPS : COUNT_STEPS,
          size: 48,
          values: (_u, splits) => splits.map((v) => `${v.toLocaleString('en-US')}${percent ? '%' : ''}`),
        },
      ],
      series: [
        { label: 'Date', value: (_u, i) => (i === null || dates[i] === undefined ? '' : shortDate(dates[i]!)) },
        ...series.map((s, i) => seriesOptions(s, i, series.filter((x) => x.kind === 'bars').length, dates.length)),
      ],
    };
    const plot = new uPlot(options, [dates.map((_, i) => i), ...series.map((s) => s.values)], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [dates, series, height, percent]);
  return (
    <div className="report-chart-wrap">
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.label}>
            <span className={`chart-swatch chart-swatch-${s.kind}`} style={{ background: s.color }} />
            {s.label}
          </li>
        ))}
      </ul>
      <div ref={box} className="report-chart" role="img" aria-label={label} />
    </div>
  );
}
