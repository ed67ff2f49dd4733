import { sql, type Kysely } from 'kysely';
import type { AuditChanges } from '@casework/domain';
import type { Database } from '../schema.ts';

/** An entry as it is written: who (null: nobody signed in, or the system), on what, from where, what changed. */
export type NewAuditEntry = {
  id: string;
  at: Date;
  actorId: string | null;
  action: string;
  target: { type: string; id: string | null; label?: string | null };
  ip: string | null;
  changes: AuditChanges;
  detail?: Record<string, unknown> | null;
};

/** Appends one entry, in the caller's transaction (the change it records commits or rolls back with it). */
export async function insertAuditEntry(q: Kysely<Database>, e: NewAuditEntry): Promise<void> {
  await q
    .insertInto('audit_log')
    .values({
      id: e.id,
      at: e.at,
      actor_id: e.actorId,
      action: e.action,
      target_type: e.target.type,
      target_id: e.target.id,
      target_label: e.target.label ?? null,
      ip: e.ip,
      changes: JSON.stringify(e.changes),
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}

/**
 * Removes entries older than `before`, at most `limit` of the oldest, in `trx` (a transaction): the
 * one deletion the append-only trigger lets through (migration 033), as it says so for this
 * transaction only. Returns how many went.
 */
export async function deleteAuditEntriesBefore(trx: Kysely<Database>, before: Date, limit: number): Promise<number> {
  await sql`SELECT set_config('casework.audit_retention', 'on', true)`.execute(trx);
  const r = await sql<{ n: number }>`WITH gone AS (
      DELETE FROM audit_log WHERE id IN (
        SELECT id FROM audit_log WHERE at < ${before} ORDER BY at, id LIMIT ${limit}
      ) RETURNING 1)
    SELECT count(*)::int AS n FROM gone`.execute(trx);
  await sql`SELECT set_config('casework.audit_retention', 'off', true)`.execute(trx);
  return r.rows[0]!.n;
}
