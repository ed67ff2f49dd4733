import { sql, type Kysely } from 'kysely';
import type { Db } from '../connect.ts';
import { announce } from '../../realtime/announcer.ts';
import type { DomainEvent } from '@casework/domain';
import type { Database } from '../schema.ts';
import { webhookDeliveriesCte } from '../../channels/outbound/webhooks.ts';

/** Who may hear about a change: the teams and people the case belonged to before and after. */
export type Audience = { teamIds: string[]; userIds: string[] };

export type StoredEvent = {
  id: string;
  caseId: string;
  type: string;
  actorId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
};

/** The channel on which committed changes are announced to every server process. */
export const EVENTS_CHANNEL = 'casework_events';

export type LiveNotice = { caseId: string; ids: string[]; types: string[]; audience: Audience; at: string };

const pending = new WeakMap<object, LiveNotice[]>();

/**
 * Runs `work` in a transaction; the changes it records with appendEvents are announced to every
 * process once the transaction has committed (never for a rolled-back one).
 */
export async function inTransaction<T>(db: Db, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const notices: LiveNotice[] = [];
  const result = await db.kysely.transaction().execute(async (trx) => {
    pending.set(trx, notices);
    return work(trx);
  });
  announceCommitted(db, notices);
  return result;
}

/** Announces notices of changes that are already committed. */
export function announceCommitted(db: Db, notices: LiveNotice[]): void {
  announce(
    db,
    EVENTS_CHANNEL,
    notices.map((n) => JSON.stringify(n)),
  );
}

/**
 * Appends history rows and queues their webhook deliveries (one statement, in the caller's
 * transaction, so a committed event is always delivered and a rolled-back one never); the
 * change is announced when that transaction commits (see inTransaction).
 */
export async function appendEvents(
  trx: Kysely<Database>,
  input: { caseId: string; actorId: string | null; events: DomainEvent[]; at: Date; audience: Audience },
): Promise<StoredEvent[]> {
  if (input.events.length === 0) return [];
  const notices = pending.get(trx);
  if (!notices) throw new Error('appendEvents runs inside inTransaction, which announces the change on commit');
  const rows = await sql<{ id: string; type: string }>`WITH ev AS (
      INSERT INTO case_events (case_id, type, actor_id, data, created_at)
      SELECT ${input.caseId}::uuid, e.type, ${input.actorId}::uuid, e.data, ${input.at}
      FROM unnest(${input.events.map((e) => e.type)}::text[], ${input.events.map((e) => JSON.stringify(e.data))}::jsonb[])
        WITH ORDINALITY AS e(type, data, n)
      ORDER BY e.n
      RETURNING id, case_id, type, data),
    hooks AS (${webhookDeliveriesCte('ev', input.actorId, input.at)})
    SELECT ev.id::text AS id, ev.type FROM ev ORDER BY ev.id`.execute(trx);
  notices.push({
    caseId: input.caseId,
    ids: rows.rows.map((r) => r.id),
    types: rows.rows.map((r) => r.type),
    audience: dedupe(input.audience),
    at: input.at.toISOString(),
  });
  return rows.rows.map((r, i) => ({
    id: r.id,
    caseId: input.caseId,
    type: r.type,
    actorId: input.actorId,
    data: input.events[i]!.data,
    createdAt: input.at,
  }));
}

export function dedupe(a: Audience): Audience {
  return { teamIds: [...new Set(a.teamIds)], userIds: [...new Set(a.userIds.filter(Boolean))] };
}

/** Teams and people a case's change concerns (owner, collaborators, team), before and after. */
export function audienceOf(...states: { teamId: string; ownerId: string | null; collaboratorIds: readonly string[] }[]): Audience {
  return {
    teamIds: states.map((s) => s.teamId),
    userIds: states.flatMap((s) => [...(s.ownerId ? [s.ownerId] : []), ...s.collaboratorIds]),
  };
}
