import { sql, type Kysely } from 'kysely';
import { WEBHOOK_EVENTS, type DomainEvent } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { CaseViewRow } from './case-views.ts';

export type QueueClaim =
  /** The claimed case as it is now, and its history rows (ids in order). */
  | { kind: 'claimed'; row: CaseViewRow; eventIds: string[] }
  /** The organisation limits open cases per user: the caller claims with the capacity check. */
  | { kind: 'capacity_limited' }
  /** Every candidate is being claimed by someone else right now: try again shortly. */
  | { kind: 'busy' }
  | { kind: 'empty' };

/** One agent's claim: the teams whose queue it takes from, their local day, and the history rows to record (the same types for every request of a batch). */
export type QueueClaimRequest = { actorId: string; teamIds: string[]; today: { start: Date; end: Date }; events: DomainEvent[] };

type Row = CaseViewRow & { n: number; outcome: 'claimed' | 'busy' | 'empty' | 'capacity_limited'; event_ids: string[] | null };

/**
 * Claim-next for several agents in one round trip and one transaction:
 * `casework_claim_next_batch` (migration 010) runs `casework_claim_next` (migration 007) for each
 * request in order. Each picks the best queue head of its teams that no other transaction holds
 * (the SQL twin of `pickNext`), applies the domain's claim of a queued case to it while it is
 * still queued — status `status`, owner the agent, history `events` — appends the history, queues
 * webhooks and returns the case view. Answers come in the order of the requests; all are
 * committed when this resolves (the caller announces them).
 */
export async function claimFromQueue(
  db: Kysely<Database>,
  input: { now: Date; status: string; requests: QueueClaimRequest[] },
): Promise<QueueClaim[]> {
  const { now, requests } = input;
  const answers: QueueClaim[] = requests.map(() => ({ kind: 'empty' }));
  const asked = requests.flatMap((q, n) =>
    q.teamIds.length === 0
      ? []
      : [
          {
            n,
            actor: q.actorId,
            teams: q.teamIds,
            day_start: q.today.start.toISOString(),
            day_end: q.today.end.toISOString(),
            data: q.events.map((e) => e.data),
          },
        ],
  );
  if (asked.length === 0) return answers;
  const types = requests[0]!.events.map((e) => e.type);
  if (requests.some((q) => q.events.map((e) => e.type).join() !== types.join()))
    throw new Error('Claims batched together record the same history rows');
  const r = await sql<Row>`SELECT * FROM casework_claim_next_batch(${JSON.stringify(asked)}::jsonb, ${now},
    ${input.status}, ${types}::text[], ${[...WEBHOOK_EVENTS]}::text[])`.execute(db);
  for (const row of r.rows) {
    answers[row.n] = row.outcome === 'claimed' ? { kind: 'claimed', row, eventIds: row.event_ids ?? [] } : { kind: row.outcome };
  }
  return answers;
}

/**
 * Claim It on one case in one statement and its own transaction (`casework_claim_case`, migration
 * 044): if the case is queued on one of `teamIds` and no limit on open cases applies, it is claimed
 * with `status` and `events` (the domain's claim of a queued case) and the case view is returned,
 * committed. Otherwise nothing changed and the answer is null.
 */
export async function claimQueuedCase(
  db: Kysely<Database>,
  input: { caseId: string; teamIds: readonly string[]; actorId: string; now: Date; status: string; events: DomainEvent[] },
): Promise<{ row: CaseViewRow; eventIds: string[] } | null> {
  const r = await sql<CaseViewRow & { outcome: 'claimed' | 'other'; event_ids: string[] | null }>`SELECT * FROM casework_claim_case(
    ${input.caseId}::uuid, ${[...input.teamIds]}::uuid[], ${input.actorId}::uuid, ${input.now}, ${input.status},
    ${input.events.map((e) => e.type)}::text[], ${input.events.map((e) => JSON.stringify(e.data))}::jsonb[], ${[...WEBHOOK_EVENTS]}::text[])`.execute(
    db,
  );
  const row = r.rows[0];
  return row?.outcome === 'claimed' ? { row, eventIds: row.event_ids ?? [] } : null;
}
