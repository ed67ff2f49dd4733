import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchOptions } from './options.ts';
import type { Latency } from './stats.ts';
import type { ClaimNextResult, StormResult, Verification } from './claims.ts';
import type { PgbenchResult } from './pgbench.ts';
import type { Ceilings } from './ceilings.ts';
import type { CpuSplit } from './server.ts';
import type { ExportResult } from './reports.ts';
import { latencyTable, type EndpointLatency } from './latency.ts';

export type Figures = {
  import: {
    cases: number;
    seconds: number;
    perSecond: number;
    messages: number;
    /** CPU per imported case in µs: serving process, PostgreSQL's processes (null on the embedded database), load generator. */
    cpuUsPerCase?: CpuSplit;
  };
  coldStartMs: number;
  myWork: Latency & { errors: number };
  list: Latency & { errors: number };
  search: Latency & { errors: number };
  /** GET /reports/summary for the last 90 days, for today and for yesterday (a whole day, today's worst case). */
  reports: { days90: Latency & { errors: number }; today: Latency & { errors: number }; wholeDay: Latency & { errors: number } };
  /** GET /cases/export.csv of every case, and the server's RSS around it. */
  export: ExportResult;
  claimNext: ClaimNextResult;
  pgbench: PgbenchResult | null;
  storm: StormResult;
  verification: Verification;
  live: Latency & { missed: number; crossProcess: boolean };
  /** Customer messages in through SMS webhooks, each case owned (so each message notifies). */
  ingestion: { messages: number; perSecond: number; errors: number; latency: Latency };
  /** Null when the server has no notifications (a run of an earlier version). */
  notifications: {
    followerBells: Latency & { followers: number; missed: number; crossProcess: boolean };
    list: Latency & { errors: number };
  } | null;
  rssMb: { a: number; b: number | null };
  ceilings: Ceilings;
  /** The latency phase: sequential requests of one agent, per endpoint. */
  latency: EndpointLatency[];
};

type Row = { figure: string; value: string; target: string; ok: boolean | null };

const mb = (b: number) => Math.round(b / 1048576);

function sqlClaims(c: Ceilings['sqlClaims'], tps: number | null): string {
  if (!c) return 'not run';
  if ('skipped' in c) return c.skipped;
  const pct = (n: number) => (tps ? ` = ${Math.round((n / tps) * 100)}%` : '');
  // Claims that found the queue empty make a run look slower than the claim is: say so.
  const dry = (n: number) => (n > 0 ? `, ${n} found the queue empty` : '');
  const b = c.batched;
  const batched =
    'skipped' in b
      ? `batched: ${b.skipped}`
      : `${b.perSecond}/s${pct(b.perSecond)} batched (${b.perCall} per call, ${b.clients} clients${dry(b.emptyAnswers)})`;
  return `${c.perSecond}/s${pct(c.perSecond)} one per call (pgbench, casework_claim_next, ${c.clients} clients${dry(c.emptyAnswers)}); ${batched}`;
}

/**
 * Where the CPU of one imported case or one claim went, for their rows: `CPU per case: server
 * 16 µs, PostgreSQL 82 µs, generator 3 µs` (on the embedded database the server runs the database).
 */
function cpuSplit(c: CpuSplit | undefined, per: string, unit: string, pg: boolean): string {
  if (!c) return '';
  const parts = (
    [
      [pg ? 'server' : 'server with the database', c.server],
      ['PostgreSQL', c.database],
      ['generator', c.generator],
    ] as const
  )
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${v} ${unit}`);
  return parts.length ? `; CPU per ${per}: ${parts.join(', ')}` : '';
}

/**
 * The CPU a pgbench transaction takes against the CPU a claim takes (server, PostgreSQL and load
 * generator together): with both using every core, claims/s can be at most that fraction of
 * pgbench's tps.
 */
function cpuBound(f: Figures): string {
  const t = f.pgbench && 'tps' in f.pgbench ? f.pgbench.cpuMsPerTransaction : undefined;
  const c = f.claimNext.cpuMsPerClaim;
  if (!t || t.database === null || !c) return '';
  const txn = t.database + (t.client ?? 0);
  const claim = (c.server ?? 0) + (c.database ?? 0) + (c.generator ?? 0);
  const line = `; CPU per transaction: PostgreSQL ${t.database} ms, pgbench ${t.client ?? '?'} ms`;
  return claim > 0
    ? `${line}; a claim takes ${(claim / txn).toFixed(1)}× that (at most ${Math.round((txn / claim) * 100)}% of tps on the same cores)`
    : line;
}

function rows(o: BenchOptions, f: Figures): Row[] {
  const pg = o.db === 'postgres';
  const tps = f.pgbench && 'tps' in f.pgbench ? f.pgbench.tps : null;
  const ratio = tps ? f.claimNext.perSecond / tps : null;
  const bad = f.verification.claimedTwice + f.verification.ownerMismatch + f.storm.multipleWinners + f.claimNext.duplicateAnswers;
  const fivexx = f.claimNext.fivexx + f.storm.fivexx;
  const lat = (l: Latency) => `p50 ${l.p50} / p95 ${l.p95} / p99 ${l.p99} ms`;
  return [
    {
      figure: 'import',
      value: `${f.import.perSecond} cases/s (${f.import.cases} in ${f.import.seconds} s, ${f.import.messages} messages${cpuSplit(f.import.cpuUsPerCase, 'case', 'µs', pg)})`,
      // Issue 4: cases alone; issue 14: cases with their conversations (~5 messages each) on PostgreSQL.
      target: pg ? (f.import.messages ? '≥ 10000/s with messages' : '≥ 20000/s') : '≥ 5000/s',
      ok: f.import.perSecond >= (pg ? (f.import.messages ? 10000 : 20000) : 5000),
    },
    { figure: 'cold start to /readyz', value: `${f.coldStartMs} ms`, target: '—', ok: null },
    {
      figure: 'My Work',
      value: lat(f.myWork),
      target: pg ? 'p99 ≤ 15 ms' : 'p99 ≤ 30 ms',
      ok: f.myWork.p99 <= (pg ? 15 : 30) && f.myWork.errors === 0,
    },
    {
      figure: 'case list (filters)',
      value: lat(f.list),
      target: pg ? 'p99 ≤ 50 ms' : 'p99 ≤ 100 ms',
      ok: f.list.p99 <= (pg ? 50 : 100) && f.list.errors === 0,
    },
    {
      figure: 'case search (q)',
      value: lat(f.search),
      target: pg ? 'p99 ≤ 50 ms' : 'p99 ≤ 100 ms',
      ok: f.search.p99 <= (pg ? 50 : 100) && f.search.errors === 0,
    },
    {
      figure: 'report summary, 90 days',
      value: lat(f.reports.days90),
      target: pg ? 'p99 ≤ 300 ms' : 'p99 ≤ 1000 ms',
      ok: f.reports.days90.p99 <= (pg ? 300 : 1000) && f.reports.days90.errors === 0,
    },
    {
      figure: 'report summary, today',
      value: lat(f.reports.today),
      target: pg ? 'p99 ≤ 50 ms' : 'p99 ≤ 100 ms',
      ok: f.reports.today.p99 <= (pg ? 50 : 100) && f.reports.today.errors === 0,
    },
    {
      // Today's target, held on a whole day: today's own figure depends on the hour of the run.
      figure: 'report summary, yesterday',
      value: lat(f.reports.wholeDay),
      target: pg ? 'p99 ≤ 50 ms' : 'p99 ≤ 100 ms',
      ok: f.reports.wholeDay.p99 <= (pg ? 50 : 100) && f.reports.wholeDay.errors === 0,
    },
    {
      figure: 'CSV export (every case)',
      value: `${f.export.perSecond} rows/s (${f.export.rows} rows, ${mb(f.export.bytes)} MB in ${f.export.seconds} s); RSS ${f.export.rssBeforeMb} → peak ${f.export.rssPeakMb} MB (+${f.export.rssPeakMb - f.export.rssBeforeMb} MB)`,
      target: '≥ 50000 rows/s, RSS +≤ 50 MB',
      ok: f.export.perSecond >= 50_000 && f.export.rssPeakMb - f.export.rssBeforeMb <= 50,
    },
    {
      figure: `claim-next, ${o.claimers} agents`,
      value: `${f.claimNext.perSecond} claims/s (${f.claimNext.claims} in ${f.claimNext.seconds.toFixed(1)} s${cpuSplit(f.claimNext.cpuMsPerClaim, 'claim', 'ms', pg)})`,
      target: pg ? '≥ 50% of pgbench -N' : '≥ 500/s',
      ok: pg ? (ratio === null ? null : ratio >= 0.5) : f.claimNext.perSecond >= 500,
    },
    ...(pg
      ? [
          {
            figure: `pgbench -N, ${o.claimers} clients`,
            value: tps
              ? `${tps} tps → claims = ${Math.round(ratio! * 100)}%${cpuBound(f)}`
              : ((f.pgbench as { skipped: string })?.skipped ?? 'not run'),
            target: '—',
            ok: null,
          },
        ]
      : []),
    {
      figure: `HTTP ceiling, ${o.claimers} clients`,
      value: `${f.ceilings.httpHealthzPerSecond} req/s on GET /healthz (no database)${tps ? ` = ${Math.round((f.ceilings.httpHealthzPerSecond / tps) * 100)}% of pgbench -N` : ''}`,
      target: '—',
      ok: null,
    },
    ...(pg ? [{ figure: 'claim in SQL only', value: sqlClaims(f.ceilings.sqlClaims, tps), target: '—', ok: null }] : []),
    {
      figure: 'claim storm',
      value: `${f.storm.cases} cases × ${Math.round(f.storm.requests / Math.max(1, f.storm.cases))} agents: ${f.storm.wins} won, ${f.storm.conflicts} × 409`,
      target: '1 winner per case',
      ok: f.storm.wins === f.storm.cases && f.storm.other === 0,
    },
    {
      figure: 'double claims / 5xx',
      value: `${bad} / ${fivexx} (${f.verification.checked} claims checked in the database)`,
      target: '0 / 0',
      ok: bad === 0 && fivexx === 0,
    },
    {
      figure: f.live.crossProcess ? 'live update A → B' : 'live update (one process)',
      value: `${lat(f.live)} (${f.live.missed} missed)`,
      target: pg ? 'p99 ≤ 250 ms' : 'p99 ≤ 100 ms',
      ok: f.live.p99 <= (pg ? 250 : 100) && f.live.missed === 0,
    },
    {
      figure: 'customer-message ingestion',
      value: `${f.ingestion.perSecond} messages/s (${lat(f.ingestion.latency)}, ${f.ingestion.errors} errors)`,
      target: '—',
      ok: f.ingestion.errors === 0,
    },
    ...(f.notifications
      ? [
          {
            figure: `${f.notifications.followerBells.followers} followers' bells${f.notifications.followerBells.crossProcess ? ' A → B' : ''}`,
            value: `${lat(f.notifications.followerBells)} (${f.notifications.followerBells.missed} missed)`,
            target: pg ? 'p99 ≤ 250 ms' : '—',
            ok: f.notifications.followerBells.missed === 0 && (!pg || f.notifications.followerBells.p99 <= 250),
          },
          {
            figure: 'notification list, 10,000',
            value: `${lat(f.notifications.list)} (${f.notifications.list.errors} errors)`,
            target: 'p99 ≤ 20 ms',
            ok: f.notifications.list.errors === 0 && f.notifications.list.p99 <= 20,
          },
        ]
      : []),
    {
      figure: 'server RSS at the end',
      value: `${f.rssMb.a} MB${f.rssMb.b !== null ? ` (process B: ${f.rssMb.b} MB)` : ''}`,
      target: pg ? '≤ 500 MB' : '≤ 800 MB',
      ok: f.rssMb.a <= (pg ? 500 : 800),
    },
  ];
}

/** Per-scenario latency of the list and search phases (which filter or query makes the tail). */
function scenarioTable(phases: Record<string, Record<string, Latency>>): string[] {
  const rowsOut = Object.entries(phases).flatMap(([phase, byName]) =>
    Object.entries(byName)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, l]) => [`${phase}: ${name}`, String(l.n), String(l.p50), String(l.p95), String(l.p99), String(l.max)]),
  );
  if (!rowsOut.length) return [];
  const head = ['scenario', 'n', 'p50', 'p95', 'p99', 'max'];
  const w = head.map((h, i) => Math.max(h.length, ...rowsOut.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return ['Per scenario (ms):', line(head), line(w.map((n) => '-'.repeat(n))), ...rowsOut.map(line), ''];
}

/** Prints the one table of a run and writes it, with every raw figure, as JSON under `outDir`. */
export function report(o: BenchOptions, f: Figures, extra: Record<string, unknown>): { file: string; failed: string[] } {
  const table = rows(o, f);
  const w = [
    Math.max(...table.map((r) => r.figure.length)),
    Math.max(...table.map((r) => r.value.length)),
    Math.max(...table.map((r) => r.target.length)),
  ];
  const line = (a: string, b: string, c: string, d: string) => `| ${a.padEnd(w[0]!)} | ${b.padEnd(w[1]!)} | ${c.padEnd(w[2]!)} | ${d} |`;
  const out = [
    '',
    `Casework benchmark — ${o.db}, ${o.cases} cases, ${o.teams} teams, ${o.agents} agents, ${os.cpus().length} cores${o.sla ? ', an SLA policy on every case' : ''}${o.smoke ? ' (smoke)' : ''}`,
    line('figure', 'value', 'target', 'ok'),
    line('-'.repeat(w[0]!), '-'.repeat(w[1]!), '-'.repeat(w[2]!), '--'),
    ...table.map((r) => line(r.figure, r.value, r.target, r.ok === null ? '' : r.ok ? 'yes' : 'NO')),
    '',
    ...latencyTable(f.latency),
    ...scenarioTable((extra.scenarios ?? {}) as Record<string, Record<string, Latency>>),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  fs.mkdirSync(o.outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(o.outDir, `bench-${o.db}-${o.cases}-${stamp}.json`);
  const { pgUrl: _url, ...options } = o;
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: {
          cpus: os.cpus().length,
          memoryGb: Math.round(os.totalmem() / 2 ** 30),
          node: process.version,
          loadAverageAtEnd: os.loadavg(),
        },
        options,
        figures: f,
        table,
        ...extra,
      },
      null,
      2,
    )}\n`,
  );
  const failed = table
    .filter((r) => r.figure === 'double claims / 5xx' || r.figure === 'claim storm')
    .filter((r) => r.ok === false)
    .map((r) => r.figure);
  return { file, failed };
}

export { mb };
