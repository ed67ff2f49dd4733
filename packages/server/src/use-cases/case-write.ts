import { sql, type Kysely } from 'kysely';
import {
  can,
  canView,
  transition,
  type CaseAction,
  type CaseChanges,
  type DomainEvent,
  type LifecycleEvent,
  type RefusalCode,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import { openStatus } from '../db/sql-rules.ts';
import { selectCaseViews, toCaseView, type CaseView } from '../db/repos/case-views.ts';
import { announceCommitted, appendEvents, audienceOf, dedupe, type StoredEvent, inTransaction, withSlaKept } from '../outbox/outbox.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { Problem, forbidden, invalid, notAllowedTransition, notFound } from '../errors.ts';

// The request field a domain validation refusal is about (a 400 names the offending field).
const INPUT_FIELD: Partial<Record<LifecycleEvent['kind'], string>> = {
  set_waiting: 'wakeAt',
  customer_rated: 'stars',
  customer_ended_chat: 'stars',
  assign: 'ownerId',
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
async function saveChanges(trx: Kysely<Database>, c: CaseView, changes: CaseChanges, now: Date): Promise<CaseView> {
  const set: Record<string, unknown> = { updated_at: now, last_activity_at: now };
  if (changes.status !== undefined) set.status = changes.status;
  if (changes.resolution !== undefined) set.resolution = changes.resolution;
  if (changes.resolutionReason !== undefined) set.resolution_reason = changes.resolutionReason;
  if (changes.ownerId !== undefined) set.owner_id = changes.ownerId;
  if (changes.teamId !== undefined) set.team_id = changes.teamId;
  if (changes.resolvedAt !== undefined) set.resolved_at = changes.resolvedAt;
  if (changes.wakeAt !== undefined) set.wake_at = changes.wakeAt;
  if (changes.spamAt !== undefined) set.spam_at = changes.spamAt;
  if (changes.rating !== undefined) {
    set.rating_stars = changes.rating?.stars ?? null;
    set.rating_note = changes.rating?.note ?? null;
    // The chat's rating is the case's satisfaction (SPEC §12), as a survey's answer would be.
    if (changes.rating)
      Object.assign(set, { satisfaction_stars: changes.rating.stars, satisfaction_comment: changes.rating.note, satisfaction_at: now });
  }
  await trx.updateTable('cases').set(set).where('id', '=', c.id).execute();
  return { ...c, ...changes, updatedAt: now, lastActivityAt: now } as CaseView;
}

/** A lifecycle event the domain refused, as the API answers it: the one mapping for every writer. */
function refusalProblem(c: CaseView, event: LifecycleEvent, refused: { code: RefusalCode; detail: string }): Problem {
  if (refused.code === 'already_claimed') {
    return new Problem(409, 'already_claimed', 'Already claimed', `${c.ownerName ?? 'Someone'} already owns this case.`, {
      ownerId: c.ownerId,
      ownerName: c.ownerName,
    });
  }
  if (refused.code === 'validation_failed')
    return invalid([{ field: INPUT_FIELD[event.kind] ?? 'body', message: refused.detail }], refused.detail);
  return notAllowedTransition(refused.detail);
}

/** Why a visible case refuses an action: impossible in its state (409) or not yours to do (403). */
export function refusal(action: CaseAction, c: CaseView, event: LifecycleEvent | null, now: Date): Problem {
  if (event) {
    const outcome = transition(c, event, now);
    if (!outcome.ok && outcome.code !== 'validation_failed') return refusalProblem(c, event, outcome);
  }
  return forbidden(action);
}

export type Applied =
  | { ok: true; view: CaseView; events: StoredEvent[] }
  /** The case cannot change any more: the caller starts a follow-up case (customer messages). */
  | { ok: true; followUp: true; view: CaseView; events: [] }
  | { ok: false; code: RefusalCode; detail: string };

export type ApplyContext = {
  /** Who acts: a user (their action counts as activity even if it changes nothing), or null (customer, timer). */
  actor: { id: string; name: string } | null;
  now: Date;
  /** The caller has already counted the new owner's open cases under their row lock (claim-next's fallback). */
  capacityChecked?: boolean;
};

/**
 * The lifecycle write path, for every writer: on a case locked by `lockCase`, the domain decides
 * (`transition`); a case that gets a new owner respects that owner's limit on open cases; the
 * changes are saved and the history appended (announced on commit). A refusal is returned, not
 * thrown: `writeLifecycle` throws it as a problem, a timer skips the case.
 */
export async function applyLifecycle(trx: Kysely<Database>, c: CaseView, event: LifecycleEvent, ctx: ApplyContext): Promise<Applied> {
  const outcome = transition(c, event, ctx.now);
  if (!outcome.ok) return outcome;
  if ('followUp' in outcome) return { ok: true, followUp: true, view: c, events: [] };
  const newOwner = outcome.changes.ownerId;
  if (newOwner != null && newOwner !== c.ownerId && !ctx.capacityChecked) await checkCapacity(trx, newOwner, c.id);
  const changed = outcome.events.length > 0 || Object.keys(outcome.changes).length > 0;
  if (!changed && ctx.actor === null) return { ok: true, view: c, events: [] };
  const saved = await saveChanges(trx, c, outcome.changes, ctx.now);
  const events = await appendEvents(trx, {
    caseId: c.id,
    actorId: ctx.actor?.id ?? null,
    events: outcome.events,
    at: ctx.now,
    audience: audienceOf(c, saved),
    after: saved,
  });
  return { ok: true, view: withSlaKept(trx, await namesAfter(trx, c, saved, ctx.actor)), events };
}

/** `applyLifecycle`, a refusal thrown as its problem. */
export async function writeLifecycle(
  trx: Kysely<Database>,
  c: CaseView,
  event: LifecycleEvent,
  ctx: ApplyContext,
): Promise<CaseWriteResult & { followUp?: true }> {
  const applied = await applyLifecycle(trx, c, event, ctx);
  if (!applied.ok) throw refusalProblem(c, event, applied);
  return 'followUp' in applied ? { view: applied.view, events: [], followUp: true } : { view: applied.view, events: applied.events };
}

/**
 * A lifecycle change a database function wrote in its own transaction (claim-next's fast path,
 * `casework_claim_next`, given the domain's outcome): announced now that it has committed, and
 * returned as the write path returns its changes.
 */
export function recordWritten(
  deps: Deps,
  w: { view: CaseView; actorId: string; events: DomainEvent[]; eventIds: string[]; now: Date },
): CaseWriteResult {
  const { view, now } = w;
  announceCommitted(deps, [
    {
      caseId: view.id,
      ids: w.eventIds,
      types: w.events.map((e) => e.type),
      at: now.toISOString(),
      audience: dedupe(audienceOf(view)),
    },
  ]);
  return {
    view,
    events: w.events.map((e, i) => ({
      id: w.eventIds[i]!,
      caseId: view.id,
      type: e.type,
      actorId: w.actorId,
      data: e.data,
      createdAt: now,
    })),
  };
}

export type LifecycleAction = {
  /** The action the actor must be allowed on the case (SPEC §5), or how to tell from the case. */
  action: CaseAction | ((c: CaseView) => CaseAction);
  /** The event as asked. */
  event: (c: CaseView, now: Date) => LifecycleEvent;
  /** Facts the domain needs, read in the transaction once the actor may act: the event to apply. */
  facts?: (trx: Kysely<Database>, c: CaseView, event: LifecycleEvent) => Promise<LifecycleEvent>;
  /**
   * A condition outside the lifecycle, checked on the locked case once the domain accepts the
   * event (so a refused transition answers as such first): it throws its problem.
   */
  check?: (trx: Kysely<Database>, c: CaseView) => Promise<void>;
  /** Writes that go with the change, in its transaction (a note). */
  with?: (trx: Kysely<Database>, c: CaseView) => Promise<void>;
  /** Writes that follow from the change, in its transaction, given the case as saved (a survey to send). */
  afterwards?: (trx: Kysely<Database>, saved: CaseView) => Promise<void>;
};

/**
 * An agent's lifecycle action: lock the case, check visibility (404) and the actor's actions
 * (403, or the domain's refusal), then the lifecycle write path.
 */
export async function runLifecycleAction(deps: Deps, actor: AppUser, caseId: string, spec: LifecycleAction): Promise<CaseWriteResult> {
  const now = deps.clock.now();
  return inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    const action = typeof spec.action === 'function' ? spec.action(c) : spec.action;
    const asked = spec.event(c, now);
    if (!can(actor, action, c)) throw refusal(action, c, asked, now);
    const event = spec.facts ? await spec.facts(trx, c, asked) : asked;
    if (spec.check) {
      const outcome = transition(c, event, now);
      if (!outcome.ok) throw refusalProblem(c, event, outcome);
      await spec.check(trx, c);
    }
    await spec.with?.(trx, c);
    const written = await writeLifecycle(trx, c, event, { actor, now });
    await spec.afterwards?.(trx, written.view);
    return written;
  });
}

/**
 * Team and owner names after a change: those that did not change, or the acting user's own, are
 * known; only a new team or another new owner is read.
 */
async function namesAfter(
  trx: Kysely<Database>,
  before: CaseView,
  v: CaseView,
  actor: { id: string; name: string } | null,
): Promise<CaseView> {
  const teamKnown = v.teamId === before.teamId;
  const ownerName =
    v.ownerId === before.ownerId ? before.ownerName : v.ownerId === null ? null : v.ownerId === actor?.id ? actor.name : undefined;
  if (teamKnown && ownerName !== undefined) return { ...v, teamName: before.teamName, ownerName };
  return refreshNames(trx, v);
}

/** Re-reads team and owner names after a change of team or owner. */
async function refreshNames(trx: Kysely<Database>, v: CaseView): Promise<CaseView> {
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
