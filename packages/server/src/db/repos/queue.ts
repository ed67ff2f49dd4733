import { sql, type Kysely } from 'kysely';
import type { CaseType } from '@casework/domain';
import type { Database } from '../schema.ts';
import { QUEUE_LOCK_DEPTH, TYPE_RANKS, bind, queued, slaGuarded } from '../sql-rules.ts';

type Pick = { id: string; type: CaseType; created_at: Date };

// One index probe per (team, type rank) on cases_queue, then the best of those few rows.
// `today` narrows to [start, end) and takes the newest; otherwise the oldest.
function probe(teamIds: string[], today: { start: Date; end: Date } | null, lock: boolean) {
  const range = today ? sql`AND q.created_at >= ${today.start} AND q.created_at < ${today.end}` : sql``;
  const dir = today ? sql`DESC` : sql`ASC`;
  const heads = sql`SELECT p.id, p.type, p.type_rank, p.created_at
    FROM unnest(${teamIds}::uuid[]) AS t(team_id)
    CROSS JOIN ${sql.raw(TYPE_RANKS)} AS r(rank)
    CROSS JOIN LATERAL (
      SELECT q.id, q.type, q.type_rank, q.created_at FROM cases q
      WHERE q.team_id = t.team_id AND q.type_rank = r.rank AND ${sql.raw(queued('q'))} ${range}
      ORDER BY q.created_at ${dir}, q.id ${dir} LIMIT ${sql.lit(lock ? QUEUE_LOCK_DEPTH : 1)}
    ) p`;
  if (!lock)
    return sql<Pick>`SELECT p.id::text AS id, p.type, p.created_at FROM (${heads}) p ORDER BY p.type_rank, p.created_at ${dir}, p.id ${dir} LIMIT 1`;
  // Lock exactly one row: the best of the queue heads that no other transaction holds. (Locking
  // inside each probe would hold a row per team and rank, starving concurrent claimers.)
  return sql<Pick>`SELECT c.id::text AS id, c.type, c.created_at FROM cases c JOIN (${heads}) p ON p.id = c.id
    WHERE ${sql.raw(queued('c'))}
    ORDER BY p.type_rank, p.created_at ${dir}, p.id ${dir} LIMIT 1 FOR UPDATE OF c SKIP LOCKED`;
}

export type QueuePick = { id: string; type: CaseType; createdToday: boolean };

/**
 * The SLA guard's pick (SPEC §12, casework_claim_next's first step): when the organisation has it
 * on, the most urgent queued case of the teams whose first response is due soon or breached at `now`.
 */
async function guardPick(db: Kysely<Database>, teamIds: string[], today: { start: Date; end: Date }, now: Date, lock: boolean) {
  const r = await sql<Pick>`SELECT c.id::text AS id, c.type, c.created_at FROM cases c
    WHERE c.team_id = ANY(${teamIds}::uuid[]) AND ${sql.raw(queued('c'))} AND c.sla_first_soon_at IS NOT NULL
      AND ${bind(slaGuarded('c', '{now}'), { now: sql`${now}::timestamptz` })} AND (SELECT o.sla_guard FROM organisation o WHERE o.id = 1)
    ORDER BY c.sla_first_due_at, c.id LIMIT 1 ${lock ? sql`FOR UPDATE OF c SKIP LOCKED` : sql``}`.execute(db);
  const p = r.rows[0];
  return p && { id: p.id, type: p.type, createdToday: p.created_at >= today.start && p.created_at < today.end };
}

/**
 * SQL twin of the domain's pickNext (SPEC §3.1); a test proves they agree on generated data.
 * With `lock`, rows other transactions hold are skipped (claim-next). With `now`, the SLA guard
 * applies when the organisation has it on.
 */
export async function findNextCandidate(
  db: Kysely<Database>,
  teamIds: string[],
  today: { start: Date; end: Date },
  lock = false,
  now?: Date,
): Promise<QueuePick | undefined> {
  if (teamIds.length === 0) return undefined;
  const guarded = now && (await guardPick(db, teamIds, today, now, lock));
  if (guarded) return guarded;
  const t = await probe(teamIds, today, lock).execute(db);
  if (t.rows[0]) return { id: t.rows[0].id, type: t.rows[0].type, createdToday: true };
  if (lock && (await countCandidates(db, teamIds, today)) > 0) return undefined; // today's all held: caller retries
  const o = await probe(teamIds, null, lock).execute(db);
  return o.rows[0] && { id: o.rows[0].id, type: o.rows[0].type, createdToday: false };
}

/** Number of new, unowned cases of the teams (optionally only those created in a range). */
export async function countCandidates(db: Kysely<Database>, teamIds: string[], range?: { start: Date; end: Date }): Promise<number> {
  if (teamIds.length === 0) return 0;
  const r = range ? sql`AND created_at >= ${range.start} AND created_at < ${range.end}` : sql``;
  const res = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases
    WHERE team_id = ANY(${teamIds}::uuid[]) AND ${sql.raw(queued('cases'))} ${r}`.execute(db);
  return res.rows[0]!.n;
}
