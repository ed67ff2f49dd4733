import { useId, useState, type ReactNode } from 'react';
import { Button } from '../../components/button';
import { downloadCsv } from '../../lib/download';

type Cell = string | number | null;
type Props = {
  title: string;
  /** One line under the title: what is counted. */
  hint?: string;
  /** The figures as a table: the chart's text alternative and its CSV. */
  head: string[];
  rows: Cell[][];
  /** The file name of the download, without ".csv". */
  file: string;
  /** The chart; without one, the card shows its table only. */
  chart?: ReactNode;
  className?: string;
};

/** A report card: a chart with a table view of the same figures, and the figures as CSV. */
export function ChartCard({ title, hint, head, rows, file, chart, className }: Props) {
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const titleId = useId();
  const showTable = view === 'table' || !chart;
  return (
    <section className={`report-card${className ? ` ${className}` : ''}`} aria-labelledby={titleId}>
      <header className="report-card-head">
        <div>
          <h2 id={titleId}>{title}</h2>
          {hint ? <p className="muted report-card-hint">{hint}</p> : null}
        </div>
        <div className="report-card-tools">
          {chart ? (
            <fieldset className="segmented segmented-sm" aria-label={`${title}: show as`}>
              {(['chart', 'table'] as const).map((option) => (
                <button
                  key={option}
                  type="button"
                  className={view === option ? 'is-on' : undefined}
                  aria-pressed={view === option}
                  onClick={() => setView(option)}
                >
                  {option === 'chart' ? 'Chart' : 'Table'}
                </button>
              ))}
            </fieldset>
          ) : null}
          <Button
            size="sm"
            variant="ghost"
            onClick={() => downloadCsv(`${file}.csv`, [head, ...rows])}
            aria-label={`Download ${title} as CSV`}
          >
            <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true">
              <path
                d="M10 3v9m0 0-3.5-3.5M10 12l3.5-3.5M4 15h12"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.8"
                strokeLinecap="round"
              />
            </svg>
            CSV
          </Button>
        </div>
      </header>
      {showTable ? <FiguresTable title={title} head={head} rows={rows} /> : chart}
    </section>
  );
}

function FiguresTable({ title, head, rows }: { title: string; head: string[]; rows: Cell[][] }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table that scrolls must be reachable by keyboard to scroll it
    <section className="report-table-wrap" tabIndex={0} aria-label={`${title}: table`}>
      <table className="table report-table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} scope="col" className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={String(row[0])}>
              {row.map((cell, i) =>
                i === 0 ? (
                  <th key={head[i]} scope="row">
                    {cell ?? '—'}
                  </th>
                ) : (
                  <td key={head[i]} className="num">
                    {cell ?? '—'}
                  </td>
                ),
              )}
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={head.length} className="muted">
                Nothing in this range.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}

/** Horizontal bars for a few labelled values (response times, satisfaction), scaled to the largest. */
export function BarList({ items, label }: { items: { label: string; value: number; text: string; tone?: string }[]; label: string }) {
  const max = Math.max(1, ...items.map((item) => item.value));
  return (
    <ul className="bar-list" aria-label={label}>
      {items.map((item) => (
        <li key={item.label}>
          <span className="bar-label">{item.label}</span>
          <span className="bar-track" aria-hidden="true">
            {item.value > 0 ? (
              <span className={`bar-fill${item.tone ? ` bar-${item.tone}` : ''}`} style={{ width: `${(item.value / max) * 100}%` }} />
            ) : null}
          </span>
          <span className="bar-value">{item.text}</span>
        </li>
      ))}
    </ul>
  );
}
