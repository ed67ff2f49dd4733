import { sql, type Kysely, type RawBuilder } from 'kysely';
import { WEBHOOK_EVENTS, type DomainEvent } from '@casework/domain';
import type { Database } from '../schema.ts';

export type StoredEvent = {
  id: string;
  caseId: string;
  type: string;
  actorId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
};

/**
 * Appends the history rows of one or more cases' changes (each input's rows in order) and, in the
 * same statement, one webhook delivery per active webhook subscribed to each row's type; `extra` (an expression, e.g. the case's SLA facts) is read in
 * that statement too, after the changes its transaction made before it: one round trip for both.
 * Call it through the outbox (outbox/outbox.ts), which announces the change after commit.
 * Returns each input's stored rows.
 */
export async function insertCaseEvents(
  trx: Kysely<Database>,
  inputs: readonly { caseId: string; actorId: string | null; events: DomainEvent[]; at: Date }[],
  extra: RawBuilder<unknown> | null = null,
): Promise<{ stored: StoredEvent[][]; extra: unknown }> {
  const flat = inputs.flatMap((input, k) => input.events.map((e) => ({ input, k, e })));
  if (flat.length === 0) return { stored: inputs.map(() => []), extra: null };
  const rows = await sql<{ id: string; type: string; extra: unknown }>`WITH ev AS (
      INSERT INTO case_events (case_id, type, actor_id, data, created_at)
      SELECT e.case_id, e.type, e.actor_id, e.data, e.at
      FROM unnest(${flat.map((x) => x.input.caseId)}::uuid[], ${flat.map((x) => x.e.type)}::text[],
          ${flat.map((x) => x.input.actorId)}::uuid[], ${flat.map((x) => JSON.stringify(x.e.data))}::jsonb[],
          ${flat.map((x) => x.input.at.toISOString())}::timestamptz[])
        WITH ORDINALITY AS e(case_id, type, actor_id, data, at, n)
      ORDER BY e.n
      RETURNING id, case_id, type, data, actor_id, created_at),
    hooks AS (${webhookDeliveriesCte('ev')})
    SELECT ev.id::text AS id, ev.type, ${extra ?? sql`NULL`} AS extra FROM ev ORDER BY ev.id`.execute(trx);
  // The identity column numbers the rows in the order they were inserted (ORDER BY e.n).
  const stored: StoredEvent[][] = inputs.map(() => []);
  for (const [i, { input, k, e }] of flat.entries()) {
    const row = rows.rows[i]!;
    stored[k]!.push({ id: row.id, caseId: input.caseId, type: row.type, actorId: input.actorId, data: e.data, createdAt: input.at });
  }
  return { stored, extra: rows.rows[0]?.extra ?? null };
}

/**
 * A data-modifying CTE that queues one delivery per subscribed webhook for each row of the CTE
 * `events` (columns id, case_id, type, data, actor_id, created_at): it runs inside the statement that appends the
 * events, so a committed event is always delivered and a rolled-back one never. Delivery ids
 * are UUIDv7 built in SQL from the event time, like the ones made in code.
 */
function webhookDeliveriesCte(events: string): RawBuilder<unknown> {
  const ev = sql.table(events);
  const id = sql`encode(set_byte(overlay(uuid_send(gen_random_uuid()) placing substring(int8send((extract(epoch FROM e.created_at) * 1000)::bigint) from 3) from 1 for 6),
      6, (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid`;
  return sql`INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, case_id, data, status, next_attempt_at, created_at)
    SELECT ${id}, w.id, e.id, e.type, e.case_id,
      jsonb_build_object('caseId', e.case_id::text, 'eventId', e.id::text, 'actorId', e.actor_id::text) || e.data,
      'pending', e.created_at, e.created_at
    FROM ${ev} e JOIN webhooks w ON w.active AND e.type = ANY(w.events)
    WHERE e.type = ANY(${[...WEBHOOK_EVENTS]}::text[])
    RETURNING 1`;
}
