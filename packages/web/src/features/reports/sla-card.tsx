import { useMemo } from 'react';
import { ChartCard } from './chart-card';
import { DailyChart, type ChartSeries } from './chart';
import type { Report } from './reports-api';

type Achievement = Report['sla'][number];

const KIND_LABEL: Record<Achievement['kind'], string> = { firstResponse: 'First response', resolution: 'Resolution' };
const KIND_COLOR: Record<Achievement['kind'], string> = { firstResponse: '#2459d6', resolution: '#1d7a4c' };

/** A share as the page shows it: "83%", "99.5%"; an em dash when nothing was decided. */
export const formatShare = (share: number | null): string => (share === null ? '—' : `${share.toLocaleString('en-US')}%`);

/** The tone of a share: green from 90 %, amber from 75 %, red below. */
const tone = (share: number | null) => (share === null ? 'none' : share >= 90 ? 'good' : share >= 75 ? 'fair' : 'poor');

/**
 * SLA achievement (SPEC §12): per target, the share of the decided targets met in time with the
 * counts behind it, and a daily chart of the shares by the day the cases were created; the table
 * view and CSV hold every count per day.
 */
export function SlaCard({ report, span }: { report: Report; span: string }) {
  const dates = useMemo(() => report.daily.map((d) => d.date), [report]);
  const series = useMemo<ChartSeries[]>(
    () =>
      report.sla.map((s, i) => ({
        label: `${KIND_LABEL[s.kind]} met`,
        values: report.daily.map((d) => d.sla[i]?.achievement ?? null),
        color: KIND_COLOR[s.kind],
        kind: 'bars',
      })),
    [report],
  );
  const head = ['Date', ...report.sla.flatMap((s) => ['met', 'breached', 'running', 'achieved'].map((w) => `${KIND_LABEL[s.kind]} ${w}`))];
  const cells = (list: Achievement[]) => list.flatMap((s) => [s.met, s.breached, s.running, formatShare(s.achievement)]);
  const rows = [...report.daily.map((d) => [d.date, ...cells(d.sla)]), ['Whole range', ...cells(report.sla)]];
  const decided = report.sla.some((s) => s.met + s.breached + s.running > 0);
  return (
    <ChartCard
      className="report-wide"
      title="SLA achievement"
      hint="Targets of the cases created each day: met in time, breached, or still running"
      file={`sla-achievement_${span}`}
      head={head}
      rows={rows}
      chart={
        <div className="sla-achievement">
          <ul className="sla-summary" aria-label="SLA achievement in this range">
            {report.sla.map((s) => (
              <li key={s.kind} className={`sla-summary-${tone(s.achievement)}`}>
                <span className="sla-summary-label">{KIND_LABEL[s.kind]}</span>
                <span className="sla-summary-share">{formatShare(s.achievement)}</span>
                <span className="sla-summary-counts">
                  {s.met.toLocaleString('en-US')} met · {s.breached.toLocaleString('en-US')} breached
                  {s.running ? ` · ${s.running.toLocaleString('en-US')} running` : ''}
                </span>
              </li>
            ))}
          </ul>
          {decided ? (
            <DailyChart
              dates={dates}
              series={series}
              percent
              height={200}
              label={`Bar chart: share of first-response and resolution targets met per day of creation, ${report.from} to ${report.to}`}
            />
          ) : (
            <p className="muted sla-empty">No case created in this range has a service-level target.</p>
          )}
        </div>
      }
    />
  );
}
