import { sql, type Kysely } from 'kysely';
import { can, canView, transition, type CaseAction, type CaseChanges, type LifecycleEvent } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import { openStatus } from '../db/sql-rules.ts';
import { selectCaseViews, toCaseView, type CaseView } from '../db/repos/case-views.ts';
import { appendEvents, audienceOf, type StoredEvent, inTransaction } from '../outbox/outbox.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { Problem, forbidden, invalid, notAllowedTransition, notFound } from '../errors.ts';

// The request field a domain validation refusal is about (a 400 names the offending field).
const INPUT_FIELD: Partial<Record<LifecycleEvent['kind'], string>> = {
  set_waiting: 'wakeAt',
  customer_rated: 'stars',
  customer_ended_chat: 'stars',
};

export type CaseWriteResult = { view: CaseView; events: StoredEvent[] };

/**
 * Locks a case row, then reads it (only the case row is locked: joined tables stay unlocked).
 * Two statements on purpose: a locking read that waited for another writer re-checks only the
 * case row, so with the joins it would drop a case whose team just changed and keep stale
 * collaborators; the second statement reads everything as committed once the lock is ours.
 */
export async function lockCase(trx: Kysely<Database>, id: string): Promise<CaseView | undefined> {
  const locked = await trx.selectFrom('cases').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  const row = await selectCaseViews(trx).where('c.id', '=', id).executeTakeFirst();
  return row && toCaseView(row);
}

/** Writes the changes the domain decided, touching updated/activity times. */
export async function saveChanges(trx: Kysely<Database>, c: CaseView, changes: CaseChanges, now: Date): Promise<CaseView> {
  const set: Record<string, unknown> = { updated_at: now, last_activity_at: now };
  if (changes.status !== undefined) set.status = changes.status;
  if (changes.resolution !== undefined) set.resolution = changes.resolution;
  if (changes.resolutionReason !== undefined) set.resolution_reason = changes.resolutionReason;
  if (changes.ownerId !== undefined) set.owner_id = changes.ownerId;
  if (changes.teamId !== undefined) set.team_id = changes.teamId;
  if (changes.resolvedAt !== undefined) set.resolved_at = changes.resolvedAt;
  if (changes.wakeAt !== undefined) set.wake_at = changes.wakeAt;
  if (changes.rating !== undefined) {
    set.rating_stars = changes.rating?.stars ?? null;
    set.rating_note = changes.rating?.note ?? null;
  }
  await trx.updateTable('cases').set(set).where('id', '=', c.id).execute();
  return { ...c, ...changes, updatedAt: now, lastActivityAt: now } as CaseView;
}

/** Why a visible case refuses an action: impossible in its state (409) or not yours to do (403). */
export function refusal(actor: AppUser, action: CaseAction, c: CaseView, event: LifecycleEvent | null, now: Date): Problem {
  if (event) {
    const outcome = transition(c, event, now);
    if (!outcome.ok && outcome.code === 'already_claimed') {
      return new Problem(409, 'already_claimed', 'Already claimed', `${c.ownerName ?? 'Someone'} already owns this case.`, {
        ownerId: c.ownerId,
        ownerName: c.ownerName,
      });
    }
    if (!outcome.ok && outcome.code === 'transition_not_allowed') return notAllowedTransition(outcome.detail);
  }
  return forbidden(action);
}

/**
 * The shape of every lifecycle action: lock the case, check visibility and the actor's
 * actions, apply the domain transition, save, append history (announced on commit).
 */
export async function runLifecycleAction(
  deps: Deps,
  actor: AppUser,
  caseId: string,
  actionOrRule: CaseAction | ((c: CaseView) => CaseAction),
  build: (c: CaseView, now: Date) => LifecycleEvent,
  extra?: (trx: Kysely<Database>, c: CaseView, event: LifecycleEvent) => Promise<void>,
): Promise<CaseWriteResult> {
  const now = deps.clock.now();
  return inTransaction(deps.db, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    const action = typeof actionOrRule === 'function' ? actionOrRule(c) : actionOrRule;
    const event = build(c, now);
    if (!can(actor, action, c)) throw refusal(actor, action, c, event, now);
    await extra?.(trx, c, event);
    const outcome = transition(c, event, now);
    if (!outcome.ok) {
      if (outcome.code === 'validation_failed')
        throw invalid([{ field: INPUT_FIELD[event.kind] ?? 'body', message: outcome.detail }], outcome.detail);
      throw refusal(actor, action, c, event, now);
    }
    const view = await saveChanges(trx, c, outcome.changes, now);
    const events = await appendEvents(trx, {
      caseId: c.id,
      actorId: actor.id,
      events: outcome.events,
      at: now,
      audience: audienceOf(c, view),
    });
    return { view: await refreshNames(trx, view), events };
  });
}

/** Re-reads team and owner names after a change of team or owner. */
export async function refreshNames(trx: Kysely<Database>, v: CaseView): Promise<CaseView> {
  const r = await sql<{ team_name: string; owner_name: string | null }>`SELECT
      (SELECT name FROM teams WHERE id = ${v.teamId}::uuid) AS team_name,
      (SELECT name FROM users WHERE id = ${v.ownerId}::uuid) AS owner_name`.execute(trx);
  return { ...v, teamName: r.rows[0]!.team_name, ownerName: r.rows[0]!.owner_name };
}

/** Refuses when the user already owns as many open cases as the organisation allows. */
export async function checkCapacity(trx: Kysely<Database>, userId: string, excludeCaseId: string | null = null): Promise<void> {
  const org = await trx.selectFrom('organisation').select('max_open_per_user').where('id', '=', 1).executeTakeFirst();
  const max = org?.max_open_per_user ?? null;
  if (max === null) return;
  // Serialise this user's claims so two at once cannot both slip under the limit.
  await sql`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`.execute(trx);
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases
    WHERE owner_id = ${userId}::uuid AND ${sql.raw(openStatus('cases'))}
      AND id IS DISTINCT FROM ${excludeCaseId}::uuid`.execute(trx);
  if (r.rows[0]!.n >= max) {
    throw new Problem(409, 'capacity_reached', 'Capacity reached', `At most ${max} open cases per user.`, { maxOpenPerUser: max });
  }
}
