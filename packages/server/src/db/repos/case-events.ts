import { sql, type Kysely } from 'kysely';
import type { DomainEvent } from '@casework/domain';
import type { Database } from '../schema.ts';
import { enqueueWebhookDeliveries } from '../../channels/outbound/webhooks.ts';

/** Who may hear about a change: the teams and people the case belonged to before and after. */
export type Audience = { teamIds: string[]; userIds: string[] };

export type StoredEvent = { id: string; caseId: string; type: string; actorId: string | null; data: Record<string, unknown>; createdAt: Date };

/** The channel on which committed changes are announced to every server process. */
export const EVENTS_CHANNEL = 'casework_events';

export type LiveNotice = { caseId: string; ids: string[]; types: string[]; audience: Audience; at: string };

/**
 * Appends history rows and, in the same transaction, announces them: PostgreSQL delivers
 * a NOTIFY only when the transaction commits, so listeners never hear of a rolled-back change.
 */
export async function appendEvents(
  trx: Kysely<Database>,
  input: { caseId: string; actorId: string | null; events: DomainEvent[]; at: Date; audience: Audience },
): Promise<StoredEvent[]> {
  if (input.events.length === 0) return [];
  const rows = await trx.insertInto('case_events')
    .values(input.events.map((e) => ({
      case_id: input.caseId, type: e.type, actor_id: input.actorId, data: JSON.stringify(e.data), created_at: input.at,
    })))
    .returning(['id', 'type'])
    .execute();
  const notice: LiveNotice = {
    caseId: input.caseId,
    ids: rows.map((r) => String(r.id)),
    types: rows.map((r) => r.type),
    audience: dedupe(input.audience),
    at: input.at.toISOString(),
  };
  await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(notice)})`.execute(trx);
  await enqueueWebhookDeliveries(trx, {
    caseId: input.caseId, actorId: input.actorId, at: input.at,
    events: rows.map((r, i) => ({ id: String(r.id), type: r.type, data: input.events[i]!.data })),
  });
  return rows.map((r, i) => ({
    id: String(r.id), caseId: input.caseId, type: r.type, actorId: input.actorId, data: input.events[i]!.data, createdAt: input.at,
  }));
}

function dedupe(a: Audience): Audience {
  return { teamIds: [...new Set(a.teamIds)], userIds: [...new Set(a.userIds.filter(Boolean))] };
}

/** Teams and people a case's change concerns (owner, collaborators, team), before and after. */
export function audienceOf(...states: { teamId: string; ownerId: string | null; collaboratorIds: readonly string[] }[]): Audience {
  return {
    teamIds: states.map((s) => s.teamId),
    userIds: states.flatMap((s) => [...(s.ownerId ? [s.ownerId] : []), ...s.collaboratorIds]),
  };
}
