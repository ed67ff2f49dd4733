import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { openStatus } from '../db/sql-rules.ts';
import { inTransaction, keepSla } from '../outbox/outbox.ts';

/**
 * The SLA sweep (SPEC §12): after an SLA policy is created, changed or deleted, or a calendar a
 * policy counts in is changed, every open case's clocks are brought up to date with the policies
 * as they now are — the policy its facts match now, due times in the calendar as it now is, a
 * breach the change reveals recorded once — by the same `keepSla` (matchPolicy and reconcileSla), a batch at a time,
 * that keeps them where events are appended; a case whose clocks do not change is not written.
 *
 * The sweep's state is one row (`sla_sweep`, migration 043): `requested` counts the changes,
 * `swept` the last one a finished sweep answered, `after_id` where the sweep in progress has come
 * to (open cases are walked in id order). The change bumps `requested` and starts the walk again
 * in its own transaction; the sweep goes a batch per transaction with the row locked SKIP
 * LOCKED, so one process sweeps at a time, a change made meanwhile waits for the batch and then
 * restarts the walk, and a process that stops mid-way leaves `after_id` for the next to go on from.
 */
export const SLA_SWEEP_BATCH = 200;

/** Asks for a sweep, in the transaction that changes a policy or calendar. */
export async function requestSlaSweep(trx: Kysely<Database>, at: Date): Promise<void> {
  await sql`UPDATE sla_sweep SET requested = requested + 1, after_id = NULL, updated_at = ${at} WHERE id = 1`.execute(trx);
}

type SweepRow = { requested: string; swept: string; after_id: string | null };

/**
 * Sweeps up to `maxBatches` batches of open cases. Returns the cases swept, the breaches recorded,
 * and whether a sweep is still due (another process holds it, or batches are left).
 */
export async function sweepSla(
  deps: Deps,
  opts: { maxBatches?: number; batch?: number } = {},
): Promise<{ cases: number; breached: number; pending: boolean }> {
  const batch = opts.batch ?? SLA_SWEEP_BATCH;
  const maxBatches = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  let cases = 0;
  let breached = 0;
  for (let n = 0; n < maxBatches; n++) {
    const now = deps.clock.now();
    const r = await inTransaction(deps, async (trx) => {
      const state = (
        await sql<SweepRow>`SELECT requested::text AS requested, swept::text AS swept, after_id::text AS after_id
          FROM sla_sweep WHERE id = 1 AND swept < requested FOR UPDATE SKIP LOCKED`.execute(trx)
      ).rows[0];
      if (!state) return null; // nothing asked, or another process is sweeping
      const ids = await sql<{ id: string }>`SELECT c.id::text AS id FROM cases c
        WHERE ${sql.raw(openStatus('c'))} ${state.after_id ? sql`AND c.id > ${state.after_id}::uuid` : sql``}
        ORDER BY c.id LIMIT ${batch} FOR UPDATE`.execute(trx);
      const recorded = await keepSla(
        trx,
        ids.rows.map((r) => r.id),
        now,
      );
      const last = ids.rows[ids.rows.length - 1];
      if (ids.rows.length < batch || !last)
        await sql`UPDATE sla_sweep SET swept = ${state.requested}::bigint, after_id = NULL, updated_at = ${now} WHERE id = 1`.execute(trx);
      else await sql`UPDATE sla_sweep SET after_id = ${last.id}::uuid, updated_at = ${now} WHERE id = 1`.execute(trx);
      return { cases: ids.rows.length, recorded, done: ids.rows.length < batch };
    });
    if (!r) return { cases, breached, pending: await sweepDue(deps.db.kysely) };
    cases += r.cases;
    breached += r.recorded;
    if (r.done && !(await sweepDue(deps.db.kysely))) return { cases, breached, pending: false };
  }
  return { cases, breached, pending: await sweepDue(deps.db.kysely) };
}

async function sweepDue(db: Kysely<Database>): Promise<boolean> {
  const r = await sql<{ due: boolean }>`SELECT swept < requested AS due FROM sla_sweep WHERE id = 1`.execute(db);
  return r.rows[0]?.due ?? false;
}
