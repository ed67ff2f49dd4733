import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Folds the open-case deltas (migration 030b) into one row per team and type, in one statement:
 * only the keys with more than one row are touched (a key already folded keeps its row, so a
 * compaction writes as many rows as there were deltas, not one per team and type). The rows it
 * deletes are summed back in, so the totals never change; concurrent writers' new deltas (not
 * in its snapshot) stay as they are, and two compactions at once each fold only the rows they
 * deleted. Returns how many rows it folded.
 */
export async function compactOpenCounts(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`WITH dup AS (SELECT team_id, type FROM report_open_counts GROUP BY 1, 2 HAVING count(*) > 1),
      gone AS (DELETE FROM report_open_counts r USING dup WHERE r.team_id = dup.team_id AND r.type = dup.type
        RETURNING r.team_id, r.type, r.n),
      kept AS (INSERT INTO report_open_counts (team_id, type, n)
        SELECT team_id, type, sum(n)::int FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0 RETURNING 1)
    SELECT (SELECT count(*) FROM gone)::int AS n`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** How many delta rows more than one per team and type there are (what compaction would fold away). */
export async function redundantOpenCounts(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`SELECT (count(*) - count(DISTINCT (team_id, type)))::int AS n FROM report_open_counts`.execute(db);
  return r.rows[0]?.n ?? 0;
}
