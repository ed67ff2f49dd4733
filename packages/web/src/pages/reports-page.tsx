import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { CASE_TYPES, TYPE_LABEL, localDate } from '@casework/domain';
import { hasPermission, useMe, useTeams, useTimeZone, useUsers } from '../api/queries';
import { EmptyState, ErrorState } from '../components/empty-state';
import { MultiSelect } from '../components/multi-select';
import { LoadingState } from '../components/spinner';
import { usePageTitle } from '../lib/use-page-title';
import { BarList, ChartCard } from '../features/reports/chart-card';
import { DailyChart, type ChartSeries } from '../features/reports/chart';
import { SlaCard, formatShare } from '../features/reports/sla-card';
import { PRESETS, formatDuration, presetRange, useReport, type Preset, type Report } from '../features/reports/reports-api';

const COLORS = { created: '#2459d6', resolved: '#1d7a4c', backlog: '#a15c00' };
const SCOPE_TEXT = { all: 'every team', teams: 'your teams', own: 'your own work' } as const;

/** SPEC §12 Reports: volumes, backlog, response times, SLA achievement, satisfaction and agents for a range of the user's days. */
export function ReportsPage() {
  usePageTitle('Reports');
  const me = useMe().data;
  const zone = useTimeZone();
  const [params, setParams] = useSearchParams();
  const today = localDate(new Date(), zone);
  const preset = (params.get('range') as Preset | null) ?? 'last7';
  const range = preset === 'custom' ? { from: params.get('from') || today, to: params.get('to') || today } : presetRange(preset, zone);
  const query = {
    ...range,
    teamId: params.get('teamId') || undefined,
    type: params.get('type') || undefined,
    agentId: params.get('agentId') || undefined,
  };
  const report = useReport(query, today);
  const teamWide = hasPermission(me, 'report.view_team');

  const set = (updates: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(updates)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );

  return (
    <div className="page page-reports">
      <div className="page-header">
        <div>
          <h1>Reports</h1>
          <p className="muted page-subtitle">
            {report.data ? `Figures for ${SCOPE_TEXT[report.data.scope]}` : 'Figures'} · days in {zone}
            {query.to >= today ? ' · live, refreshed every minute' : ''}
          </p>
        </div>
      </div>
      <ReportFilters
        preset={preset}
        range={range}
        params={params}
        teamWide={teamWide}
        onPreset={(value) => set({ range: value === 'last7' ? null : value, from: null, to: null })}
        onDates={(from, to) => set({ range: 'custom', from, to })}
        onChange={set}
      />
      {report.isPending ? <LoadingState label="Loading the report…" /> : null}
      {report.isError && !report.data ? <ErrorState error={report.error} onRetry={() => void report.refetch()} /> : null}
      {report.isError && report.data ? <ErrorState error={report.error} /> : null}
      {report.data && !report.isError ? <ReportBody report={report.data} teamWide={teamWide} /> : null}
    </div>
  );
}

type FilterProps = {
  preset: Preset;
  range: { from: string; to: string };
  params: URLSearchParams;
  teamWide: boolean;
  onPreset: (preset: Exclude<Preset, 'custom'>) => void;
  onDates: (from: string, to: string) => void;
  onChange: (updates: Record<string, string | null>) => void;
};

function ReportFilters({ preset, range, params, teamWide, onPreset, onDates, onChange }: FilterProps) {
  const teams = useTeams();
  const users = useUsers();
  const list = (key: string) => (params.get(key) ?? '').split(',').filter(Boolean);
  const setList = (key: string) => (values: string[]) => onChange({ [key]: values.join(',') || null });
  return (
    <search className="report-filters" aria-label="Report filters">
      <fieldset className="segmented" aria-label="Date range">
        {PRESETS.map((p) => (
          <button
            key={p.value}
            type="button"
            className={preset === p.value ? 'is-on' : undefined}
            aria-pressed={preset === p.value}
            onClick={() => onPreset(p.value)}
          >
            {p.label}
          </button>
        ))}
      </fieldset>
      <div className="report-dates">
        <label>
          <span className="visually-hidden">From</span>
          <input
            type="date"
            value={range.from}
            max={range.to}
            onChange={(e) => e.target.value && onDates(e.target.value, range.to)}
            aria-label="From"
          />
        </label>
        <span aria-hidden="true">–</span>
        <label>
          <span className="visually-hidden">To</span>
          <input
            type="date"
            value={range.to}
            min={range.from}
            onChange={(e) => e.target.value && onDates(range.from, e.target.value)}
            aria-label="To"
          />
        </label>
      </div>
      {teamWide ? (
        <MultiSelect
          label="Teams"
          options={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          selected={list('teamId')}
          onChange={setList('teamId')}
          anyLabel="All"
        />
      ) : null}
      <MultiSelect
        label="Types"
        options={CASE_TYPES.map((t) => ({ value: t, label: TYPE_LABEL[t] }))}
        selected={list('type')}
        onChange={setList('type')}
        anyLabel="All"
      />
      {teamWide ? (
        <MultiSelect
          label="Agents"
          options={(users.data ?? []).filter((u) => u.active !== false).map((u) => ({ value: u.id, label: u.name }))}
          selected={list('agentId')}
          onChange={setList('agentId')}
          anyLabel="All"
        />
      ) : null}
    </search>
  );
}

function ReportBody({ report, teamWide }: { report: Report; teamWide: boolean }) {
  const dates = useMemo(() => report.daily.map((d) => d.date), [report]);
  const volume = useMemo<ChartSeries[]>(
    () => [
      { label: 'Created', values: report.daily.map((d) => d.created), color: COLORS.created, kind: 'bars' },
      { label: 'Resolved', values: report.daily.map((d) => d.resolved), color: COLORS.resolved, kind: 'bars' },
    ],
    [report],
  );
  const backlog = useMemo<ChartSeries[]>(
    () => [{ label: 'Open at day end', values: report.daily.map((d) => d.backlog), color: COLORS.backlog, kind: 'area' }],
    [report],
  );
  const span = `${report.from}_${report.to}`;
  if (report.totals.created + report.totals.resolved + report.daily.reduce((a, d) => a + d.backlog, 0) === 0 && report.csat.count === 0) {
    return (
      <EmptyState title="No cases in this range">
        Nothing was created, resolved or open {report.from === report.to ? 'on this day' : 'in these days'}. Try a longer range or fewer
        filters.
      </EmptyState>
    );
  }
  const t = report.totals;
  const withSla = report.sla.length > 0;
  const csatShare = (n: number) => (report.csat.count ? `${Math.round((n / report.csat.count) * 100)}%` : '0%');
  return (
    <div className="report-grid">
      <dl className="report-kpis">
        <Kpi label="Created" value={t.created.toLocaleString('en-US')} />
        <Kpi label="Resolved" value={t.resolved.toLocaleString('en-US')} />
        <Kpi label="Reopened" value={t.reopened.toLocaleString('en-US')} />
        <Kpi label="Abandoned chats" value={t.abandoned.toLocaleString('en-US')} />
        <Kpi label="First response" note="median" value={formatDuration(report.firstResponse.median)} />
        <Kpi label="Resolution time" note="median" value={formatDuration(report.resolution.median)} />
        <Kpi label="Satisfaction" value={report.csat.average === null ? '—' : `${report.csat.average.toFixed(1)} / 5`} />
      </dl>
      <ChartCard
        className="report-wide"
        title="Created and resolved"
        hint="Cases per day"
        file={`created-resolved_${span}`}
        head={['Date', 'Created', 'Resolved']}
        rows={report.daily.map((d) => [d.date, d.created, d.resolved])}
        chart={
          <DailyChart
            dates={dates}
            series={volume}
            label={`Bar chart: cases created and resolved per day, ${report.from} to ${report.to}`}
          />
        }
      />
      <ChartCard
        className="report-wide"
        title="Backlog"
        hint="Open cases at the end of each day"
        file={`backlog_${span}`}
        head={['Date', 'Open at day end']}
        rows={report.daily.map((d) => [d.date, d.backlog])}
        chart={
          <DailyChart
            dates={dates}
            series={backlog}
            label={`Area chart: open cases at the end of each day, ${report.from} to ${report.to}`}
          />
        }
      />
      <ChartCard
        title="Response times"
        hint="Median and 90th percentile"
        file={`response-times_${span}`}
        head={['Measure', 'Median', '90th percentile']}
        rows={[
          ['First response', formatDuration(report.firstResponse.median), formatDuration(report.firstResponse.p90)],
          ['Resolution', formatDuration(report.resolution.median), formatDuration(report.resolution.p90)],
        ]}
        chart={
          <BarList
            label="Response times"
            items={[
              {
                label: 'First response · median',
                value: report.firstResponse.median ?? 0,
                text: formatDuration(report.firstResponse.median),
              },
              {
                label: 'First response · 90%',
                value: report.firstResponse.p90 ?? 0,
                text: formatDuration(report.firstResponse.p90),
                tone: 'soft',
              },
              {
                label: 'Resolution · median',
                value: report.resolution.median ?? 0,
                text: formatDuration(report.resolution.median),
                tone: 'green',
              },
              {
                label: 'Resolution · 90%',
                value: report.resolution.p90 ?? 0,
                text: formatDuration(report.resolution.p90),
                tone: 'green-soft',
              },
            ]}
          />
        }
      />
      <ChartCard
        title="Satisfaction"
        hint={
          report.csat.count
            ? `${report.csat.count.toLocaleString('en-US')} ratings, average ${report.csat.average?.toFixed(1)} of 5`
            : 'No ratings in this range'
        }
        file={`satisfaction_${span}`}
        head={['Stars', 'Ratings', 'Share']}
        rows={(['5', '4', '3', '2', '1'] as const).map((s) => [s, report.csat.distribution[s], csatShare(report.csat.distribution[s])])}
        chart={
          <BarList
            label="Ratings by stars"
            items={(['5', '4', '3', '2', '1'] as const).map((s) => ({
              label: `${'★'.repeat(Number(s))}${'☆'.repeat(5 - Number(s))}`,
              value: report.csat.distribution[s],
              text: `${report.csat.distribution[s]} · ${csatShare(report.csat.distribution[s])}`,
              tone: Number(s) >= 4 ? 'green' : Number(s) === 3 ? 'amber' : 'red',
            }))}
          />
        }
      />
      {report.sla.length ? <SlaCard report={report} span={span} /> : null}
      <ChartCard
        className="report-wide"
        title={teamWide ? 'Agents' : 'Your work'}
        hint={`Claims, cases resolved, median time from creation to resolution${withSla ? ', SLA targets met on their cases' : ''}`}
        file={`agents_${span}`}
        head={['Agent', 'Claimed', 'Resolved', 'Median handle time', ...(withSla ? ['SLA met', 'SLA breached'] : [])]}
        rows={report.agents.map((a) => [
          a.agentName || 'Former user',
          a.claimed,
          a.resolved,
          formatDuration(a.medianHandle),
          ...(withSla ? [a.slaMet + a.slaBreached ? `${formatShare(a.slaAchievement)} (${a.slaMet})` : '—', a.slaBreached] : []),
        ])}
      />
    </div>
  );
}

function Kpi({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="report-kpi">
      <dt>
        {label}
        {note ? <span className="report-kpi-note"> · {note}</span> : null}
      </dt>
      <dd>{value}</dd>
    </div>
  );
}
