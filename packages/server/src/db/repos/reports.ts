import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  ABANDONED_REASON,
  bucketFloor,
  DURATION_EDGES,
  histogramPercentile,
  type DurationCount,
  OPEN_STATUSES,
  REPORTED_SLA_KINDS,
  slaAchievement,
  type ReportDay,
  type ReportScope,
  type SlaOutcome,
} from '@casework/domain';
import type { Database } from '../schema.ts';
import { inReportScopeSql, openStatus, slaOutcomeSql } from '../sql-rules.ts';

/** Which cases a report counts: the viewer's scope, then the optional filters. */
export type ReportFilter = { scope: ReportScope; teamIds: string[]; types: string[]; agentIds: string[] };

/**
 * SLA achievement of one target (SPEC §12) over the cases created in the range that have it: met in
 * time, breached, still running, and the share of the decided ones met (percent, null: none decided).
 */
type SlaAchievement = {
  kind: (typeof REPORTED_SLA_KINDS)[number];
  met: number;
  breached: number;
  running: number;
  achievement: number | null;
};

/** Raw figures of a report; durations in seconds, null without data. */
export type ReportFigures = {
  totals: { created: number; resolved: number; reopened: number; abandoned: number };
  firstResponse: { median: number | null; p90: number | null };
  resolution: { median: number | null; p90: number | null };
  csat: { count: number; average: number | null; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  /** Per target; empty when no SLA policy exists and no case of the range has a target. */
  sla: SlaAchievement[];
  daily: { date: string; created: number; resolved: number; backlog: number; sla: SlaAchievement[] }[];
  agents: {
    agentId: string;
    agentName: string;
    claimed: number;
    resolved: number;
    medianHandle: number | null;
    /** Targets (first response and resolution) of the cases they own created in the range: met, breached, share met. */
    slaMet: number;
    slaBreached: number;
    slaAchievement: number | null;
  }[];
};

// The domain's countsAsResolved (a finished case, not spam, not canceled, not abandoned) on the row `c`.
const solved = sql.raw<boolean>(
  `NOT (${openStatus('c')}) AND c.status <> 'spam' AND c.resolution IS DISTINCT FROM 'canceled' AND c.resolution_reason IS DISTINCT FROM '${ABANDONED_REASON}'`,
);
const abandoned = sql.raw(`c.resolution_reason = '${ABANDONED_REASON}'`);
const open = sql.raw(openStatus('c'));
// When a finished case stopped being open: its resolution time (an imported one may lack it: its creation).
const closedAt = sql`coalesce(c.resolved_at, c.created_at)`;
// The histogram bucket of the duration from b to a (domain durationBucket: whole seconds, negative as 0).
const edges = sql.raw(`'{${DURATION_EDGES.join(',')}}'::bigint[]`);
export const bucketOf = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) =>
  sql`width_bucket(greatest(0, floor(extract(epoch FROM ${a} - ${b})))::bigint, ${edges})`;
/**
 * The bucket holding the median of the aggregated rows' buckets: the nearest rank, ceil(0.5 × n),
 * as the domain's histogramPercentile reads a histogram (held to it by reports.test.ts).
 */
export const medianBucketOf = (bucket: RawBuilder<unknown>) => sql<number>`percentile_disc(0.5) WITHIN GROUP (ORDER BY ${bucket})`;

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

/** The median and 90th percentile of a duration histogram (domain histogramPercentile). */
const percentiles = (h: DurationCount[]) => ({ median: histogramPercentile(h, 0.5), p90: histogramPercentile(h, 0.9) });

/** A subquery's rows as a JSON array, or its one row as a JSON object. */
const rows = (q: RawBuilder<unknown>) => sql`(SELECT coalesce(json_agg(x), '[]'::json) FROM (${q}) x)`;
const one = (q: RawBuilder<unknown>) => sql`(SELECT row_to_json(x) FROM (${q}) x)`;

type Bucket = { b: number; n: number };
type AgentArrays = {
  id: string[];
  name: (string | null)[];
  claimed: number[];
  resolved: number[];
  /** The bucket of their median handle time; null without resolved cases. */
  b: (number | null)[];
  met: number[];
  breached: number[];
};
type Row = {
  /** Per day bucket: the cases created, and each reported target's cases by outcome (SLA_COUNTS). */
  created: (Bucket & Record<`${SlaAchievement['kind']}_${SlaOutcome}`, number>)[];
  open_now: number;
  finished: (Bucket & { resolved: number; abandoned: number })[];
  resolution: { rated: number; average: number | null } & Record<`s${1 | 2 | 3 | 4 | 5}`, number>;
  resolution_hist: DurationCount[];
  first_response_hist: DurationCount[];
  reopened: number;
  /** Per agent, as parallel arrays (agentsSql); every one null when no agent is listed. */
  agents: AgentArrays | Record<keyof AgentArrays, null>;
  sla_policies: boolean;
};

/**
 * The report's figures over `days` (consecutive, in the viewer's zone). Each figure is one range
 * scan over an index (migration 025): cases created since the first day (by created_at, with their
 * first response time kept on the row), cases finished since then (by resolved_at), claims and
 * reopenings in the range (partial indexes of case_events). The backlog at each day's end
 * is today's open cases, less those created since, plus those finished since. SLA achievement
 * counts the targets of the cases created in the range (their stored outcomes, migration 036, read in
 * the same scan) by the domain's slaOutcome at `now`, on the day each case was created. Durations
 * (first response, resolution, handle time) are counted in the domain's log-scale histogram
 * (duration-histogram.ts) and their percentiles read from it, so kept counts can give the same figures.
 */
export async function reportFigures(
  db: Kysely<Database>,
  f: ReportFilter,
  days: ReportDay[],
  now: Date,
  opts: { openNow?: 'counts' | 'scan' } = {},
): Promise<ReportFigures> {
  const n = days.length;
  const start = days[0]!.start;
  const end = days[n - 1]!.end;
  // Bucket 1..n: the days; n + 1: after the range; created and finished times are never before start here.
  const bounds = sql`${[start, ...days.map((d) => d.end)].map((d) => d.toISOString())}::timestamptz[]`;
  const w = cond(f);

  // Every figure in one statement: one round trip and one snapshot.
  const solvedInRange = sql`f.solved AND f.resolved_at >= ${start} AND f.resolved_at < ${end}`;
  // The cases created since the first day and those finished since then are each read once
  // (an index range scan), then every figure is aggregated from them.
  const result = await sql<Row>`WITH made AS MATERIALIZED (
      SELECT c.created_at, c.first_response_at, c.owner_id,
        ${slaOutcomeSql('firstResponse', now)} AS sla_first, ${slaOutcomeSql('resolution', now)} AS sla_resolution
      FROM cases c WHERE c.created_at >= ${start} AND ${w}),
    fin AS MATERIALIZED (
      SELECT ${closedAt} AS at, c.created_at, c.resolved_at, c.owner_id, c.satisfaction_stars AS rating_stars, ${solved} AS solved, ${abandoned} AS abandoned
      FROM cases c WHERE c.resolved_at >= ${start} AND c.resolved_at IS NOT NULL AND NOT (${open}) AND ${w}
      UNION ALL
      SELECT ${closedAt}, c.created_at, c.resolved_at, c.owner_id, c.satisfaction_stars, ${solved}, ${abandoned}
      FROM cases c WHERE c.created_at >= ${start} AND c.resolved_at IS NULL AND NOT (${open}) AND ${w})
    SELECT
    ${openNowSql(f, opts.openNow ?? 'counts')} AS open_now,
    ${rows(sql`SELECT width_bucket(f.at, ${bounds}) AS b, count(*)::int AS n,
        (count(*) FILTER (WHERE f.solved))::int AS resolved, (count(*) FILTER (WHERE f.abandoned))::int AS abandoned
      FROM fin f GROUP BY 1`)} AS finished,
    ${one(sql`SELECT count(f.rating_stars)::int AS rated, avg(f.rating_stars)::float8 AS average,
        ${sql.join(
          [1, 2, 3, 4, 5].map((s) => sql`(count(*) FILTER (WHERE f.rating_stars = ${s}))::int AS ${sql.ref(`s${s}`)}`),
          sql`, `,
        )}
      FROM fin f WHERE f.resolved_at >= ${start} AND f.resolved_at < ${end}`)} AS resolution,
    ${rows(sql`SELECT ${bucketOf(sql`f.resolved_at`, sql`f.created_at`)} AS b, count(*)::int AS n
      FROM fin f WHERE ${solvedInRange} GROUP BY 1`)} AS resolution_hist,
    ${rows(sql`SELECT ${bucketOf(sql`m.first_response_at`, sql`m.created_at`)} AS b, count(*)::int AS n
      FROM made m WHERE m.created_at < ${end} AND m.first_response_at IS NOT NULL GROUP BY 1`)} AS first_response_hist,
    (SELECT count(*)::int FROM case_events e JOIN cases c ON c.id = e.case_id
      WHERE e.type = 'case.status_changed' AND e.data->>'from' IN ('resolved', 'canceled')
        AND e.data->>'to' = ANY(${[...OPEN_STATUSES]}::text[])
        AND e.created_at >= ${start} AND e.created_at < ${end} AND ${w}) AS reopened,
    ${agentsSql(f, start, end, solvedInRange)} AS agents,
    ${rows(sql`SELECT width_bucket(m.created_at, ${bounds}) AS b, count(*)::int AS n, ${sql.join(
      SLA_COUNTS.map(
        ([col, kind, outcome]) => sql`(count(*) FILTER (WHERE m.${sql.ref(col)} = ${outcome}))::int AS ${sql.ref(`${kind}_${outcome}`)}`,
      ),
      sql`, `,
    )}
      FROM made m GROUP BY 1`)} AS created,
    EXISTS (SELECT 1 FROM sla_policies) AS sla_policies`.execute(db);
  const r = result.rows[0]!;
  const agents = agentRows(r);

  const perDay = (rows: { b: number }[], pick: (r: never) => number) => {
    const out = new Array<number>(n + 2).fill(0);
    for (const r of rows) out[r.b] = (out[r.b] ?? 0) + pick(r as never);
    return out;
  };
  const createdBy = perDay(r.created, (x: { n: number }) => x.n);
  // SLA achievement by the day of creation, within the range (bucket n + 1 is after it)
  const madeInRange = r.created.filter((x) => x.b >= 1 && x.b <= n);
  const finishedBy = perDay(r.finished, (x: { n: number }) => x.n);
  const resolvedBy = perDay(r.finished, (x: { resolved: number }) => x.resolved);
  const abandonedBy = perDay(r.finished, (x: { abandoned: number }) => x.abandoned);
  // Walking back from now: the open count at the end of day k undoes what happened after it,
  // one bucket at a time (after the range, then each later day).
  let backlog = r.open_now;
  const daily = new Array<ReportFigures['daily'][number]>(n);
  for (let k = n; k >= 1; k--) {
    backlog += finishedBy[k + 1]! - createdBy[k + 1]!;
    daily[k - 1] = { date: days[k - 1]!.date, created: createdBy[k]!, resolved: resolvedBy[k]!, backlog, sla: slaOf(madeInRange, k) };
  }
  const sum = (xs: number[]) => xs.slice(1, n + 1).reduce((a, b) => a + b, 0);
  const res = r.resolution;
  return {
    totals: {
      created: daily.reduce((a, d) => a + d.created, 0),
      resolved: daily.reduce((a, d) => a + d.resolved, 0),
      reopened: r.reopened,
      abandoned: sum(abandonedBy),
    },
    firstResponse: percentiles(r.first_response_hist),
    resolution: percentiles(r.resolution_hist),
    csat: {
      count: res.rated,
      average: res.average === null ? null : Math.round(res.average * 100) / 100,
      distribution: { '1': res.s1, '2': res.s2, '3': res.s3, '4': res.s4, '5': res.s5 },
    },
    sla: r.sla_policies || madeInRange.some(hasTarget) ? slaOf(madeInRange, null) : [],
    daily,
    agents,
  };
}

/** The reported targets' outcome columns of `made` (slaOutcomeSql of each) and the counts read per day. */
const SLA_COLUMNS = { firstResponse: 'sla_first', resolution: 'sla_resolution' } as const;
const OUTCOMES = ['met', 'breached', 'running'] as const satisfies readonly SlaOutcome[];
const SLA_COUNTS = REPORTED_SLA_KINDS.flatMap((kind) => OUTCOMES.map((outcome) => [SLA_COLUMNS[kind], kind, outcome] as const));

/** Whether a day's created cases had any reported target. */
const hasTarget = (x: Row['created'][number]) => SLA_COUNTS.some(([, kind, outcome]) => x[`${kind}_${outcome}`] > 0);

/** The achievement per reported target of day `k` (null: the whole range; rows of the range's days). */
function slaOf(rows: Row['created'], k: number | null): SlaAchievement[] {
  return REPORTED_SLA_KINDS.map((kind) => {
    const n = { met: 0, breached: 0, running: 0 };
    for (const x of rows) if (k === null || x.b === k) for (const outcome of OUTCOMES) n[outcome] += x[`${kind}_${outcome}`];
    return { kind, ...n, achievement: slaAchievement(n.met, n.breached) };
  });
}

/**
 * The open cases now: from the deltas the write path keeps per team and type (migration 030b)
 * when the report is bounded by teams and types only; by counting them when it counts one
 * agent's work (own scope, or an agents filter: their open cases are few, by the owner index).
 * `scan` counts always (the test holding the deltas to the cases asks for both).
 */
function openNowSql(f: ReportFilter, how: 'counts' | 'scan'): RawBuilder<number> {
  if (how === 'counts' && f.scope.kind !== 'own' && f.agentIds.length === 0)
    return sql<number>`(SELECT coalesce(sum(c.n), 0)::int FROM report_open_counts c WHERE ${caseCond(f)})`;
  return sql<number>`(SELECT count(*)::int FROM cases c WHERE ${open} AND ${cond(f)})`;
}

/** In the own-work scope only the viewer is listed, and nobody when they filter on other agents. */
function listedAgents(f: ReportFilter): string[] | null {
  const own = f.scope.kind === 'own' ? f.scope.userId : null;
  if (own === null) return f.agentIds;
  return f.agentIds.length > 0 && !f.agentIds.includes(own) ? null : [own];
}

/** The per-agent rows of resolved cases: owners are already within the agents filter (cond), so only "nobody" remains. */
const ownersOnly = (f: ReportFilter) => (listedAgents(f) === null ? sql`AND false` : sql``);

/**
 * Per agent, in one aggregate joined to the users once: the claims they made in the range
 * (`case.claimed` events of cases the report counts, whoever owns them now), the cases they own
 * that were resolved in the range with the bucket of their median handle time (creation to
 * resolution, the nearest rank as histogramPercentile reads a histogram), and the targets met
 * and breached of the cases they own created in the range. Only the listed agents (listedAgents)
 * appear, and an agent with SLA figures only when a target of theirs was met or breached. Sent
 * as one JSON object of parallel arrays: thousands of agents parse as a few arrays, not as
 * thousands of objects.
 */
function agentsSql(f: ReportFilter, start: Date, end: Date, solvedInRange: RawBuilder<unknown>): RawBuilder<unknown> {
  const agents = listedAgents(f);
  const claimer = agents === null ? sql`AND false` : agents.length ? sql`AND e.actor_id = ANY(${agents}::uuid[])` : sql``;
  // Each reported target's outcome column of `made`; a target without an outcome (no SLA) is NULL: counted as neither.
  const outcomes = REPORTED_SLA_KINDS.map((kind) => sql.ref(`m.${SLA_COLUMNS[kind]}`));
  const count = (outcome: SlaOutcome) =>
    sql`(${sql.join(
      outcomes.map((col) => sql`CASE WHEN ${col} = ${outcome} THEN 1 ELSE 0 END`),
      sql` + `,
    )})`;
  const decided = sql.join(
    outcomes.map((col) => sql`${col} IN ('met', 'breached')`),
    sql` OR `,
  );
  return sql`(SELECT json_build_object('id', array_agg(a.id), 'name', array_agg(u.name), 'claimed', array_agg(a.claimed),
      'resolved', array_agg(a.resolved), 'b', array_agg(a.b), 'met', array_agg(a.met), 'breached', array_agg(a.breached))
    FROM (
      SELECT w.id, sum(w.claimed)::int AS claimed, sum(w.resolved)::int AS resolved, max(w.b) AS b,
        sum(w.met)::int AS met, sum(w.breached)::int AS breached
      FROM (
        SELECT f.owner_id AS id, 0 AS claimed, count(*)::int AS resolved, ${medianBucketOf(bucketOf(sql`f.resolved_at`, sql`f.created_at`))} AS b,
          0 AS met, 0 AS breached
        FROM fin f WHERE ${solvedInRange} AND f.owner_id IS NOT NULL ${ownersOnly(f)} GROUP BY f.owner_id
        UNION ALL
        SELECT m.owner_id, 0, 0, NULL, sum(${count('met')})::int, sum(${count('breached')})::int
        FROM made m WHERE m.created_at < ${end} AND m.owner_id IS NOT NULL ${ownersOnly(f)}
          AND (${decided})
        GROUP BY m.owner_id
        UNION ALL
        SELECT e.actor_id, count(*)::int, 0, NULL, 0, 0
        FROM case_events e JOIN cases c ON c.id = e.case_id
        WHERE e.type = 'case.claimed' AND e.created_at >= ${start} AND e.created_at < ${end} AND e.actor_id IS NOT NULL
          AND ${caseCond(f)} ${claimer}
        GROUP BY e.actor_id) w
      GROUP BY w.id) a
    LEFT JOIN users u ON u.id = a.id)`;
}

/** The per-agent rows, most resolved first, then most claims, then by id. */
function agentRows(r: Row): ReportFigures['agents'] {
  const a = r.agents;
  if (a.id === null) return [];
  const out: ReportFigures['agents'] = new Array(a.id.length);
  for (let i = 0; i < a.id.length; i++) {
    const b = a.b[i]!;
    out[i] = {
      agentId: a.id[i]!,
      agentName: a.name[i] ?? '',
      claimed: a.claimed[i]!,
      resolved: a.resolved[i]!,
      medianHandle: b === null ? null : bucketFloor(b),
      slaMet: a.met[i]!,
      slaBreached: a.breached[i]!,
      slaAchievement: slaAchievement(a.met[i]!, a.breached[i]!),
    };
  }
  // Ids are lower-case UUIDs: comparing their code units orders them as localeCompare did, far cheaper.
  return out.sort(
    (x, y) => y.resolved - x.resolved || y.claimed - x.claimed || (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0),
  );
}
