import type { Kysely, RawBuilder } from 'kysely';
import { movesSlaClocks, type DomainEvent, type SlaRecord } from '@casework/domain';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { insertCaseEvents, type StoredEvent } from '../db/repos/case-events.ts';
import { slaFactsJson, toSlaFacts, type SlaCaseFacts } from '../db/repos/sla.ts';
import { audienceOf, dedupe, EVENTS_CHANNEL, noticeParts, type Audience, type LiveNotice } from './notices.ts';
import { notifyOfChanges } from './notify.ts';
import { keepSlaClocks } from './sla-clocks.ts';
import { notifiedCases } from '../db/repos/notifications.ts';
import type { NotifiedCase } from '@casework/domain';

export { audienceOf, dedupe, EVENTS_CHANNEL, type Audience, type LiveNotice } from './notices.ts';
export type { StoredEvent } from '../db/repos/case-events.ts';

/**
 * The outbox: a case's history rows and their webhook deliveries are written in the changing
 * transaction, and the change is announced to every process once that transaction committed
 * (never for a rolled-back one).
 */
// The notices recorded in each open transaction (and the users its changes notified, per case),
// keyed by the transaction itself: an entry lives as long as its transaction (no process-wide state).
const pending = new WeakMap<
  object,
  { notices: LiveNotice[]; told: Set<string>; sla: Map<string, SlaRecord | null>; after: ((db: Kysely<Database>) => unknown)[] }
>();

/**
 * Runs `work` in a transaction; the changes it records with appendEvents are announced to every
 * process once the transaction has committed (never for a rolled-back one).
 */
export async function inTransaction<T>(deps: Pick<Deps, 'db' | 'announcer'>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  // Deps whose database is an open transaction (`joinTransaction`): the work joins it, and its
  // changes are announced when that transaction commits.
  if (pending.has(deps.db.kysely)) return work(deps.db.kysely);
  const notices: LiveNotice[] = [];
  const after: ((db: Kysely<Database>) => unknown)[] = [];
  const result = await deps.db.kysely.transaction().execute(async (trx) => {
    pending.set(trx, { notices, told: new Set(), sla: new Map(), after });
    return work(trx);
  });
  announceCommitted(deps, notices);
  for (const then of after) await then(deps.db.kysely);
  return result;
}

/**
 * Work for once the transaction (of inTransaction, `trx`) has committed, never for a rolled-back
 * one: waking a sender for what it wrote. A use case joined to a larger transaction
 * (joinTransaction) has it done when that one commits. `then` is given the database outside the
 * transaction (the transaction's own handle is closed by then).
 */
export function afterCommit(trx: Kysely<Database>, then: (db: Kysely<Database>) => unknown): void {
  const open = pending.get(trx);
  if (!open) throw new Error('afterCommit runs inside inTransaction');
  open.after.push(then);
}

/** Announces these notices once the transaction (of inTransaction, `trx`) has committed, as appendEvents' are. */
export function announceOnCommit(trx: Kysely<Database>, notices: LiveNotice[]): void {
  const open = pending.get(trx);
  if (!open) throw new Error('announceOnCommit runs inside inTransaction');
  open.notices.push(...notices);
}

/**
 * Deps for running several use cases as one: each use case's `inTransaction` joins `trx` (an open
 * transaction of inTransaction) instead of starting its own, so they commit or roll back together
 * (a macro's steps). Everything they read goes through `trx` too.
 */
export function joinTransaction<D extends Pick<Deps, 'db'>>(deps: D, trx: Kysely<Database>): D {
  if (!pending.has(trx)) throw new Error('joinTransaction takes a transaction opened by inTransaction');
  return { ...deps, db: { ...deps.db, kysely: trx } };
}

/** Announces notices of changes that are already committed (each in parts that fit a NOTIFY: noticeParts). */
export function announceCommitted(deps: Pick<Deps, 'announcer'>, notices: LiveNotice[]): void {
  deps.announcer.announce(
    EVENTS_CHANNEL,
    notices.flatMap((n) => noticeParts(n)).map((n) => JSON.stringify(n)),
  );
}

/**
 * Appends history rows and queues their webhook deliveries (one statement, in the caller's
 * transaction, so a committed event is always delivered and a rolled-back one never), and writes
 * the notifications they cause (outbox/notify.ts), in the same transaction; the change and the
 * notifications are announced when that transaction commits (see inTransaction). `after` is the
 * case after the change, where the writer has it (else it is read, when the events can notify).
 * A change that can move the case's SLA clocks (the domain's movesSlaClocks) brings them up to date
 * here too, and a target that breached is recorded as `case.sla_breached` (not among the rows returned).
 */
export async function appendEvents(trx: Kysely<Database>, input: Change): Promise<StoredEvent[]> {
  if (input.events.length === 0) return [];
  // A change that can move the SLA clocks reads the case's SLA facts in the same statement.
  const moves = movesSlaClocks(input.events);
  const written = await appendChanges(trx, [input], moves ? slaFactsJson(input.caseId) : null);
  if (moves) await keepSla(trx, [input.caseId], input.at, new Map([[input.caseId, toSlaFacts(written.extra)]]));
  return written.stored[0]!;
}

type Change = { caseId: string; actorId: string | null; events: DomainEvent[]; at: Date; audience: Audience; after?: NotifiedCase };

/**
 * appendEvents for several cases' changes at once, set-wise (the breach timer's batch): one
 * statement for every history row and webhook delivery, the notifications read and written once.
 * For changes that do not move SLA clocks (the domain's movesSlaClocks); returns each change's rows.
 */
async function appendManyEvents(trx: Kysely<Database>, changes: readonly Change[]): Promise<StoredEvent[][]> {
  if (changes.some((c) => movesSlaClocks(c.events))) throw new Error('appendManyEvents takes changes that do not move SLA clocks');
  return (await appendChanges(trx, changes, null)).stored;
}

/** The history rows, webhook deliveries, notifications and live notices of changes (appendEvents). */
async function appendChanges(
  trx: Kysely<Database>,
  changes: readonly Change[],
  extra: RawBuilder<unknown> | null,
): Promise<{ stored: StoredEvent[][]; extra: unknown }> {
  const open = pending.get(trx);
  if (!open) throw new Error('appendEvents runs inside inTransaction, which announces the change on commit');
  const written = await insertCaseEvents(trx, changes, extra);
  const appended = changes.map((c, k) => ({ ...c, stored: written.stored[k]! })).filter((c) => c.stored.length);
  for (const c of appended)
    open.notices.push({
      caseId: c.caseId,
      ids: c.stored.map((e) => e.id),
      types: c.stored.map((e) => e.type),
      audience: dedupe(c.audience),
      at: c.at.toISOString(),
    });
  open.notices.push(...(await notifyOfChanges(trx, appended, open.told)));
  return written;
}

/**
 * A case view as of this transaction's SLA upkeep: writers build the view they answer with from
 * the case as they read it and their changes, so the clocks written since replace the ones read.
 */
export function withSlaKept<V extends { id: string; sla?: SlaRecord | null }>(trx: Kysely<Database>, view: V): V {
  const kept = pending.get(trx)?.sla;
  return kept?.has(view.id) ? { ...view, sla: kept.get(view.id)! } : view;
}

/**
 * Brings cases' SLA clocks up to `at` (SPEC §12) and records each newly breached target as a
 * `case.sla_breached` event (history, webhook, notification and live notice), in the caller's
 * transaction of inTransaction, with the cases locked or just written: one case after a change
 * (its facts `read` by the statement that appended the change), or a batch (the breach timer, the
 * sweep), set-wise: the facts, the records, the supervisors, the cases as notifications judge them
 * and every breach's event, delivery and notification each in one statement. Returns the breaches recorded.
 */
export async function keepSla(
  trx: Kysely<Database>,
  caseIds: readonly string[],
  at: Date,
  read?: ReadonlyMap<string, SlaCaseFacts | null>,
): Promise<number> {
  const kept = await keepSlaClocks(trx, caseIds, at, read);
  for (const [id, k] of kept) pending.get(trx)?.sla.set(id, k.record);
  const breached = [...kept].filter(([, k]) => k.breaches.length);
  const after = await notifiedCases(
    trx,
    breached.map(([id]) => id),
  );
  const changes = breached.flatMap(([caseId, k]) => {
    const now = after.get(caseId);
    return now ? [{ caseId, actorId: null, events: k.breaches, at, audience: audienceOf(now), after: now }] : [];
  });
  await appendManyEvents(trx, changes);
  return changes.reduce((n, c) => n + c.events.length, 0);
}
