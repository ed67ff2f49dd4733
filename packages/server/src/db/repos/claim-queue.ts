import { sql, type Kysely } from 'kysely';
import type { DomainEvent } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { CaseViewRow } from './case-views.ts';
import { WEBHOOK_EVENTS } from '../../channels/outbound/webhooks.ts';

export type QueueClaim =
  /** The claimed case as it is now, and its history rows (ids in order). */
  | { kind: 'claimed'; row: CaseViewRow; eventIds: string[] }
  /** The organisation limits open cases per user: the caller claims with the capacity check. */
  | { kind: 'capacity_limited' }
  /** Every candidate is being claimed by someone else right now: try again shortly. */
  | { kind: 'busy' }
  | { kind: 'empty' };

type Row = CaseViewRow & { outcome: 'claimed' | 'busy' | 'empty' | 'capacity_limited'; event_ids: string[] | null };

/**
 * Claim-next in one round trip: `casework_claim_next` (migration 007) picks the best queue head
 * of the teams that no other transaction holds (the SQL twin of `pickNext`), applies the domain's
 * claim of a queued case given here (`changes`, recorded as `events`) to it while it is still
 * queued, appends the history, queues webhooks and returns the case view (committed: the caller
 * announces it).
 */
export async function claimFromQueue(
  db: Kysely<Database>,
  input: {
    teamIds: string[]; today: { start: Date; end: Date }; actorId: string; now: Date;
    changes: { status: string; ownerId: string }; events: DomainEvent[];
  },
): Promise<QueueClaim> {
  if (input.teamIds.length === 0) return { kind: 'empty' };
  const { today, now, events } = input;
  const r = await sql<Row>`SELECT * FROM casework_claim_next(${input.teamIds}::uuid[], ${today.start}, ${today.end},
    ${input.changes.ownerId}::uuid, ${now}, ${input.changes.status}, ${events.map((e) => e.type)}::text[],
    ${events.map((e) => JSON.stringify(e.data))}::jsonb[], ${[...WEBHOOK_EVENTS]}::text[])`.execute(db);
  const row = r.rows[0]!;
  if (row.outcome === 'claimed') return { kind: 'claimed', row, eventIds: row.event_ids ?? [] };
  return { kind: row.outcome };
}
