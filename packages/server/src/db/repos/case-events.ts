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
 * Appends history rows and, in the same statement, one webhook delivery per active webhook
 * subscribed to each row's type; `extra` (an expression, e.g. the case's SLA facts) is read in
 * that statement too, after the changes its transaction made before it: one round trip for both.
 * Call it through the outbox (outbox/outbox.ts), which announces the change after commit.
 */
export async function insertCaseEvents(
  trx: Kysely<Database>,
  input: { caseId: string; actorId: string | null; events: DomainEvent[]; at: Date },
  extra: RawBuilder<unknown> | null = null,
): Promise<{ stored: StoredEvent[]; extra: unknown }> {
  if (input.events.length === 0) return { stored: [], extra: null };
  const rows = await sql<{ id: string; type: string; extra: unknown }>`WITH ev AS (
      INSERT INTO case_events (case_id, type, actor_id, data, created_at)
      SELECT ${input.caseId}::uuid, e.type, ${input.actorId}::uuid, e.data, ${input.at}
      FROM unnest(${input.events.map((e) => e.type)}::text[], ${input.events.map((e) => JSON.stringify(e.data))}::jsonb[])
        WITH ORDINALITY AS e(type, data, n)
      ORDER BY e.n
      RETURNING id, case_id, type, data),
    hooks AS (${webhookDeliveriesCte('ev', input.actorId, input.at)})
    SELECT ev.id::text AS id, ev.type, ${extra ?? sql`NULL`} AS extra FROM ev ORDER BY ev.id`.execute(trx);
  const stored = rows.rows.map((r, i) => ({
    id: r.id,
    caseId: input.caseId,
    type: r.type,
    actorId: input.actorId,
    data: input.events[i]!.data,
    createdAt: input.at,
  }));
  return { stored, extra: rows.rows[0]?.extra ?? null };
}

/**
 * A data-modifying CTE that queues one delivery per subscribed webhook for each row of the CTE
 * `events` (columns id, case_id, type, data): it runs inside the statement that appends the
 * events, so a committed event is always delivered and a rolled-back one never. Delivery ids
 * are UUIDv7 built in SQL from the event time, like the ones made in code.
 */
function webhookDeliveriesCte(events: string, actorId: string | null, at: Date): RawBuilder<unknown> {
  const ev = sql.table(events);
  const id = sql`encode(set_byte(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(${at.getTime()}::bigint) from 3) from 1 for 6),
      6, (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid`;
  return sql`INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, case_id, data, status, next_attempt_at, created_at)
    SELECT ${id}, w.id, e.id, e.type, e.case_id,
      jsonb_build_object('caseId', e.case_id::text, 'eventId', e.id::text, 'actorId', ${actorId}::text) || e.data,
      'pending', ${at}, ${at}
    FROM ${ev} e JOIN webhooks w ON w.active AND e.type = ANY(w.events)
    WHERE e.type = ANY(${[...WEBHOOK_EVENTS]}::text[])
    RETURNING 1`;
}
