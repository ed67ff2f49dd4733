import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ABANDONED_REASON, OPEN_STATUSES, type ReportDay, type ReportScope } from '@casework/domain';
import type { Database } from '../schema.ts';
import { inReportScopeSql, openStatus } from '../sql-rules.ts';

/** Which cases a report counts: the viewer's scope, then the optional filters. */
export type ReportFilter = { scope: ReportScope; teamIds: string[]; types: string[]; agentIds: string[] };

/** Raw figures of a report; durations in seconds, null without data. */
export type ReportFigures = {
  totals: { created: number; resolved: number; reopened: number; abandoned: number };
  firstResponse: { median: number | null; p90: number | null };
  resolution: { median: number | null; p90: number | null };
  csat: { count: number; average: number | null; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  daily: { date: string; created: number; resolved: number; backlog: number }[];
  agents: { agentId: string; claimed: number; resolved: number; medianHandle: number | null }[];
};

// The domain's countsAsResolved (a finished case, not canceled, not abandoned) on the row `c`.
const solved = sql.raw<boolean>(
  `NOT (${openStatus('c')}) AND c.resolution IS DISTINCT FROM 'canceled' AND c.resolution_reason IS DISTINCT FROM '${ABANDONED_REASON}'`,
);
const abandoned = sql.raw(`c.resolution_reason = '${ABANDONED_REASON}'`);
const open = sql.raw(openStatus('c'));
// When a finished case stopped being open: its resolution time (an imported one may lack it: its creation).
const closedAt = sql`coalesce(c.resolved_at, c.created_at)`;
const seconds = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) => sql`extract(epoch FROM ${a} - ${b})`;
const percentiles = (x: RawBuilder<unknown>, filter: RawBuilder<boolean> = sql`true`) => sql`
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x}) FILTER (WHERE ${filter}) AS median,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY ${x}) FILTER (WHERE ${filter}) AS p90`;

/** The case conditions: scope, teams, types (everything but the agent). */
function caseCond(f: ReportFilter): RawBuilder<boolean> {
  const parts = [inReportScopeSql(f.scope)];
  if (f.teamIds.length) parts.push(sql`c.team_id = ANY(${f.teamIds}::uuid[])`);
  if (f.types.length) parts.push(sql`c.type = ANY(${f.types}::text[])`);
  return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
}

/** The case conditions and the agent filter (cases the agents own). */
function cond(f: ReportFilter): RawBuilder<boolean> {
  if (!f.agentIds.length) return caseCond(f);
  return sql<boolean>`(${caseCond(f)} AND c.owner_id = ANY(${f.agentIds}::uuid[]))`;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v)));

/**
 * The report's figures over `days` (consecutive, in the viewer's zone). Each figure is one range
 * scan over an index (migration 025): cases created since the first day (by created_at), cases
 * finished since then (by resolved_at), claims and reopenings in the range (partial indexes of
 * case_events), each case's first outbound message (one probe). The backlog at each day's end
 * is today's open cases, less those created since, plus those finished since.
 */
export async function reportFigures(db: Kysely<Database>, f: ReportFilter, days: ReportDay[]): Promise<ReportFigures> {
  const n = days.length;
  const start = days[0]!.start;
  const end = days[n - 1]!.end;
  // Bucket 1..n: the days; n + 1: after the range; created and finished times are never before start here.
  const bounds = sql`${[start, ...days.map((d) => d.end)].map((d) => d.toISOString())}::timestamptz[]`;
  const w = cond(f);

  const created = await sql<{ b: number; n: number }>`SELECT width_bucket(c.created_at, ${bounds}) AS b, count(*)::int AS n
    FROM cases c WHERE c.created_at >= ${start} AND ${w} GROUP BY 1`.execute(db);
  const openNow = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases c WHERE ${open} AND ${w}`.execute(db);
  const finished = await sql<{ b: number; n: number; resolved: number; abandoned: number }>`SELECT
      width_bucket(${closedAt}, ${bounds}) AS b, count(*)::int AS n,
      (count(*) FILTER (WHERE ${solved}))::int AS resolved, (count(*) FILTER (WHERE ${abandoned}))::int AS abandoned
    FROM cases c
    WHERE NOT (${open}) AND (c.resolved_at >= ${start} OR (c.resolved_at IS NULL AND c.created_at >= ${start})) AND ${w}
    GROUP BY 1`.execute(db);
  const inRange = sql`c.resolved_at >= ${start} AND c.resolved_at < ${end} AND NOT (${open}) AND ${w}`;
  const resolution = await sql<Record<string, unknown>>`SELECT ${percentiles(seconds(sql`c.resolved_at`, sql`c.created_at`), solved)},
      count(c.rating_stars)::int AS rated, avg(c.rating_stars)::float8 AS average,
      ${sql.join(
        [1, 2, 3, 4, 5].map((s) => sql`(count(*) FILTER (WHERE c.rating_stars = ${s}))::int AS ${sql.ref(`s${s}`)}`),
        sql`, `,
      )}
    FROM cases c WHERE ${inRange}`.execute(db);
  const firstResponse = await sql<{ median: unknown; p90: unknown }>`SELECT ${percentiles(sql`x.s`)} FROM (
      SELECT ${seconds(sql`(SELECT min(m.created_at) FROM messages m WHERE m.case_id = c.id AND m.direction = 'outbound')`, sql`c.created_at`)} AS s
      FROM cases c WHERE c.created_at >= ${start} AND c.created_at < ${end} AND ${w}) x WHERE x.s IS NOT NULL`.execute(db);
  const reopened = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.type = 'case.status_changed' AND e.data->>'from' IN ('resolved', 'canceled')
      AND e.data->>'to' = ANY(${[...OPEN_STATUSES]}::text[])
      AND e.created_at >= ${start} AND e.created_at < ${end} AND ${w}`.execute(db);
  const agents = await agentFigures(db, f, start, end);

  const perDay = (rows: { b: number }[], pick: (r: never) => number) => {
    const out = new Array<number>(n + 2).fill(0);
    for (const r of rows) out[r.b] = (out[r.b] ?? 0) + pick(r as never);
    return out;
  };
  const createdBy = perDay(created.rows, (r: { n: number }) => r.n);
  const finishedBy = perDay(finished.rows, (r: { n: number }) => r.n);
  const resolvedBy = perDay(finished.rows, (r: { resolved: number }) => r.resolved);
  const abandonedBy = perDay(finished.rows, (r: { abandoned: number }) => r.abandoned);
  // Walking back from now: the open count at the end of day k undoes what happened after it,
  // one bucket at a time (after the range, then each later day).
  let backlog = openNow.rows[0]!.n;
  const daily = new Array<ReportFigures['daily'][number]>(n);
  for (let k = n; k >= 1; k--) {
    backlog += finishedBy[k + 1]! - createdBy[k + 1]!;
    daily[k - 1] = { date: days[k - 1]!.date, created: createdBy[k]!, resolved: resolvedBy[k]!, backlog };
  }
  const sum = (xs: number[]) => xs.slice(1, n + 1).reduce((a, b) => a + b, 0);
  const r = resolution.rows[0]!;
  return {
    totals: {
      created: daily.reduce((a, d) => a + d.created, 0),
      resolved: daily.reduce((a, d) => a + d.resolved, 0),
      reopened: reopened.rows[0]!.n,
      abandoned: sum(abandonedBy),
    },
    firstResponse: { median: num(firstResponse.rows[0]!.median), p90: num(firstResponse.rows[0]!.p90) },
    resolution: { median: num(r.median), p90: num(r.p90) },
    csat: {
      count: Number(r.rated),
      average: r.average === null ? null : Math.round(Number(r.average) * 100) / 100,
      distribution: { '1': Number(r.s1), '2': Number(r.s2), '3': Number(r.s3), '4': Number(r.s4), '5': Number(r.s5) },
    },
    daily,
    agents,
  };
}

/**
 * Per agent: claims they made (of cases the report counts), cases they own that were resolved in
 * the range and the median time from creation to resolution of those. Limited to the agents
 * filter, and to the viewer alone in the own-work scope.
 */
async function agentFigures(db: Kysely<Database>, f: ReportFilter, start: Date, end: Date): Promise<ReportFigures['agents']> {
  const own = f.scope.kind === 'own' ? f.scope.userId : null;
  // In the own-work scope only the viewer is listed, and nobody when they filter on other agents.
  if (own && f.agentIds.length && !f.agentIds.includes(own)) return [];
  const agents = own ? [own] : f.agentIds;
  const claimer = agents.length ? sql`AND e.actor_id = ANY(${agents}::uuid[])` : sql``;
  const claims = await sql<{ id: string; n: number }>`SELECT e.actor_id::text AS id, count(*)::int AS n
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.type = 'case.claimed' AND e.created_at >= ${start} AND e.created_at < ${end} AND e.actor_id IS NOT NULL
      AND ${caseCond(f)} ${claimer}
    GROUP BY 1`.execute(db);
  const resolved = await sql<{ id: string; n: number; median: unknown }>`SELECT c.owner_id::text AS id, count(*)::int AS n,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds(sql`c.resolved_at`, sql`c.created_at`)}) AS median
    FROM cases c
    WHERE c.resolved_at >= ${start} AND c.resolved_at < ${end} AND ${solved} AND c.owner_id IS NOT NULL AND ${cond(f)}
    GROUP BY 1`.execute(db);
  const byId = new Map<string, ReportFigures['agents'][number]>();
  const row = (id: string) => byId.get(id) ?? byId.set(id, { agentId: id, claimed: 0, resolved: 0, medianHandle: null }).get(id)!;
  for (const c of claims.rows) row(c.id).claimed = c.n;
  for (const r of resolved.rows) Object.assign(row(r.id), { resolved: r.n, medianHandle: num(r.median) });
  return [...byId.values()].sort((a, b) => b.resolved - a.resolved || b.claimed - a.claimed || a.agentId.localeCompare(b.agentId));
}
