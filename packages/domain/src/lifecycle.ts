import type { CaseFacts, Resolution, ResolutionReason, Status } from './types.ts';
import { isChatType } from './types.ts';

/** Something that may change a case's lifecycle. Time and actor are always given. */
export type LifecycleEvent =
  | { kind: 'claim'; actorId: string }
  /**
   * Moves a case to a team and/or owner. `ownerId` omitted keeps the current owner if they may stay;
   * `null` unassigns. `ownerIsMember`: whether the owner the case would have (the named one, else the
   * current one) is an active member of `teamId` (the caller reads it; irrelevant without an owner).
   */
  | { kind: 'assign'; teamId: string; ownerId?: string | null; ownerIsMember: boolean }
  | { kind: 'set_waiting'; wakeAt: Date | null }
  | { kind: 'wake' }
  | { kind: 'timer_wake' }
  | { kind: 'resolve'; resolution: Resolution }
  | { kind: 'reopen' }
  | { kind: 'customer_message' }
  /** `agentReplied`: whether any agent had answered the customer in the conversation before it ended. */
  | { kind: 'customer_ended_chat'; agentReplied: boolean; rating: { stars: number; note: string | null } | null }
  | { kind: 'customer_rated'; rating: { stars: number; note: string | null } }
  | { kind: 'auto_close'; autoCloseDays: number; lastActivityAt: Date }
  /**
   * An agent marks the case as spam (SPEC §13); or mail arrives as spam (`reason`: its sender is
   * blocked, or it failed DMARC under a reject policy), recorded as the status change's reason.
   */
  | { kind: 'mark_spam'; reason?: SpamReason }
  /** An agent says a spam case is not spam: it is open again. */
  | { kind: 'not_spam' };

export type LifecycleEventKind = LifecycleEvent['kind'];

/** Why mail became spam without anyone marking it (SPEC §13). */
export type SpamReason = 'blocked_sender' | 'dmarc_reject';
export const LIFECYCLE_EVENT_KINDS = [
  'claim',
  'assign',
  'set_waiting',
  'wake',
  'timer_wake',
  'resolve',
  'reopen',
  'customer_message',
  'customer_ended_chat',
  'customer_rated',
  'auto_close',
  'mark_spam',
  'not_spam',
] as const satisfies readonly LifecycleEventKind[];

export type CaseChanges = Partial<{
  status: Status;
  resolution: Resolution | null;
  resolutionReason: ResolutionReason | null;
  ownerId: string | null;
  teamId: string;
  resolvedAt: Date | null;
  wakeAt: Date | null;
  rating: { stars: number; note: string | null } | null;
  /** When the case became spam (the retention counts from it); null when it no longer is. */
  spamAt: Date | null;
}>;

/** A fact to append to the case history (and to publish after commit). */
export type DomainEvent = { type: string; data: Record<string, unknown> };

export type RefusalCode = 'transition_not_allowed' | 'already_claimed' | 'validation_failed';

export type Outcome =
  | { ok: true; changes: CaseChanges; events: DomainEvent[] }
  /** The case cannot change any more: the message starts a new case linked to it. */
  | { ok: true; followUp: true; changes: CaseChanges; events: DomainEvent[] }
  | { ok: false; code: RefusalCode; detail: string };

type Rule = (c: CaseFacts, e: never, now: Date) => Outcome;
type Row = { [K in LifecycleEventKind]: Rule };

const refuse = (detail: string): Outcome => ({ ok: false, code: 'transition_not_allowed', detail });
const change = (c: CaseFacts, changes: CaseChanges, reason: string, extra: DomainEvent[] = []): Outcome => {
  const events = [...extra];
  if (changes.status !== undefined && changes.status !== c.status) {
    events.push({ type: 'case.status_changed', data: { from: c.status, to: changes.status, reason } });
  }
  return { ok: true, changes, events };
};

const claim = (c: CaseFacts, e: { actorId: string }): Outcome => {
  if (c.ownerId !== null) {
    return { ok: false, code: 'already_claimed', detail: 'The case already has an owner.' };
  }
  const status = c.status === 'new' ? 'ready' : c.status;
  return change(c, { ownerId: e.actorId, status }, 'claimed', [{ type: 'case.claimed', data: { ownerId: e.actorId } }]);
};

/**
 * The owner a case has after an assignment: the named one, who must be an active member of the
 * team; else the current one while they are a member, or nobody (the case goes back to the queue).
 */
export function ownerAfterAssign(
  c: Pick<CaseFacts, 'ownerId'>,
  e: { ownerId?: string | null; ownerIsMember: boolean },
): { ok: true; ownerId: string | null } | { ok: false; detail: string } {
  const named = e.ownerId !== undefined;
  const ownerId = named ? e.ownerId! : c.ownerId;
  if (ownerId === null || e.ownerIsMember) return { ok: true, ownerId };
  if (named) return { ok: false, detail: "The owner must be an active member of the case's team." };
  return { ok: true, ownerId: null };
}

const assign = (c: CaseFacts, e: { teamId: string; ownerId?: string | null; ownerIsMember: boolean }): Outcome => {
  const owner = ownerAfterAssign(c, e);
  if (!owner.ok) return { ok: false, code: 'validation_failed', detail: owner.detail };
  const { ownerId } = owner;
  const extra: DomainEvent[] = [];
  if (e.teamId !== c.teamId) extra.push({ type: 'case.team_changed', data: { from: c.teamId, to: e.teamId } });
  if (ownerId !== c.ownerId) {
    extra.push(
      ownerId === null
        ? { type: 'case.unassigned', data: { from: c.ownerId } }
        : { type: 'case.assigned', data: { from: c.ownerId, to: ownerId } },
    );
  }
  if (extra.length === 0) return { ok: true, changes: {}, events: [] };
  let status: Status = c.status;
  if (ownerId !== null && c.status === 'new') status = 'ready';
  // A case moved to another team without an owner is new to that team's queue.
  if (ownerId === null && e.teamId !== c.teamId) status = 'new';
  const changes: CaseChanges = { teamId: e.teamId, ownerId, status };
  if (c.status === 'waiting' && status !== 'waiting') changes.wakeAt = null; // no stale timer on a case that left waiting
  return change(c, changes, 'assigned', extra);
};

const setWaiting = (c: CaseFacts, e: { wakeAt: Date | null }, now: Date): Outcome => {
  // Written as "not after now" so an invalid Date (NaN) is refused too.
  if (e.wakeAt !== null && !(e.wakeAt.getTime() > now.getTime())) {
    return { ok: false, code: 'validation_failed', detail: 'The wake time must be in the future.' };
  }
  return change(c, { status: 'waiting', wakeAt: e.wakeAt }, 'set_waiting');
};

const wakeUp =
  (reason: string) =>
  (c: CaseFacts): Outcome =>
    change(c, { status: 'ready', wakeAt: null }, reason);

/** A wake timer acts only once the case's own wake time has passed: a stale or early job must not wake it. */
const timerWake = (c: CaseFacts, _e: unknown, now: Date): Outcome => {
  if (c.wakeAt === null || !(c.wakeAt.getTime() <= now.getTime())) return refuse('The wake time has not been reached.');
  return change(c, { status: 'ready', wakeAt: null }, 'wake_time_reached');
};

const resolve = (c: CaseFacts, e: { resolution: Resolution; reason?: ResolutionReason }, now: Date): Outcome =>
  change(
    c,
    {
      status: e.resolution === 'canceled' ? 'canceled' : 'resolved',
      resolution: e.resolution,
      resolutionReason: e.reason ?? null,
      resolvedAt: now,
      wakeAt: null,
    },
    e.reason ?? (e.resolution === 'canceled' ? 'canceled' : 'resolved'),
  );

const reopenTo = (c: CaseFacts): Status => (c.ownerId === null ? 'new' : 'ready');
const reopen =
  (reason: string) =>
  (c: CaseFacts): Outcome =>
    change(c, { status: reopenTo(c), resolution: null, resolutionReason: null, resolvedAt: null }, reason);

/**
 * The customer ends the chat. Answered, it is solved (completed); ended before any agent replied,
 * it is abandoned: resolved `unresolved` with reason `abandoned`, so it never counts as solved.
 */
const endChat = (c: CaseFacts, e: { agentReplied: boolean; rating: { stars: number; note: string | null } | null }, now: Date): Outcome => {
  if (!isChatType(c.type)) return refuse('Only chat cases can be ended by the customer.');
  const ended = e.agentReplied ? { resolution: 'completed' as const } : { resolution: 'unresolved' as const, reason: 'abandoned' as const };
  if (e.rating === null) return resolve(c, ended, now);
  return rate({ ...c, resolution: ended.resolution, resolutionReason: ended.reason ?? null }, { rating: e.rating }, now);
};

const rate = (c: CaseFacts, e: { rating: { stars: number; note: string | null } }, now: Date): Outcome => {
  if (!isChatType(c.type)) return refuse('Only chat cases can be rated.');
  const { stars } = e.rating;
  if (!Number.isInteger(stars) || stars < 1 || stars > 5) {
    return { ok: false, code: 'validation_failed', detail: 'A rating is 1 to 5 stars.' };
  }
  return change(
    c,
    {
      status: 'closed',
      resolution: c.resolution ?? 'completed',
      resolutionReason: c.resolutionReason,
      resolvedAt: c.resolvedAt ?? now,
      wakeAt: null,
      rating: e.rating,
    },
    'rated',
    [{ type: 'case.rated', data: { stars, note: e.rating.note } }],
  );
};

const autoClose = (c: CaseFacts, e: { autoCloseDays: number; lastActivityAt: Date }, now: Date): Outcome => {
  const due = e.lastActivityAt.getTime() + e.autoCloseDays * 86_400_000;
  if (!(due <= now.getTime())) return refuse('The case has had activity within the auto-close period.');
  return change(c, { status: 'closed' }, 'auto_closed');
};

/**
 * Marks a case as spam: out of every queue and section, its wake timer and resolution dropped (spam
 * is neither waiting nor solved); the owner stays, so "not spam" gives it back to them.
 */
const markSpam = (c: CaseFacts, e: { reason?: SpamReason }, now: Date): Outcome =>
  change(c, { status: 'spam', wakeAt: null, resolution: null, resolutionReason: null, resolvedAt: null, spamAt: now }, e.reason ?? 'spam');

/** Not spam after all: open again, as a reopened case is (ready if owned, else new to its team's queue). */
const notSpam = (c: CaseFacts): Outcome => change(c, { status: reopenTo(c), spamAt: null }, 'not_spam');

const followUp: Rule = () => ({ ok: true, followUp: true, changes: {}, events: [] });
const unchanged: Rule = () => ({ ok: true, changes: {}, events: [] });
const not =
  (detail: string): Rule =>
  () =>
    refuse(detail);

const openRow = (status: 'new' | 'ready' | 'waiting'): Row => ({
  claim: claim as Rule,
  assign: assign as Rule,
  set_waiting: (status === 'waiting' ? wakeUp('set_waiting_again') : setWaiting) as Rule,
  wake: status === 'waiting' ? wakeUp('woken') : not(`A ${status} case is not waiting.`),
  timer_wake: status === 'waiting' ? (timerWake as Rule) : not(`A ${status} case is not waiting.`),
  resolve: resolve as Rule,
  reopen: not('Only resolved or canceled cases can be reopened.'),
  customer_message: status === 'waiting' ? wakeUp('customer_message') : unchanged,
  customer_ended_chat: endChat as Rule,
  customer_rated: not('The chat has not ended.'),
  auto_close: not('Only resolved cases close automatically.'),
  mark_spam: markSpam as Rule,
  not_spam: not('The case is not spam.'),
});

const spamDetail = 'A spam case cannot change; mark it as not spam first.';

const closedDetail = 'A closed case cannot change.';

/**
 * The case lifecycle of SPEC §2: one row per status, one rule per event.
 * `satisfies` makes a new status or event fail to compile until its cells exist.
 */
export const LIFECYCLE = {
  new: openRow('new'),
  ready: openRow('ready'),
  waiting: openRow('waiting'),
  resolved: {
    claim: not('A resolved case cannot be claimed; reopen it first.'),
    assign: not('A resolved case cannot be reassigned; reopen it first.'),
    set_waiting: not('A resolved case cannot wait.'),
    wake: not('A resolved case is not waiting.'),
    timer_wake: not('A resolved case is not waiting.'),
    resolve: not('The case is already resolved.'),
    reopen: reopen('reopened'),
    customer_message: reopen('customer_message'),
    customer_ended_chat: not('The chat has already ended.'),
    customer_rated: rate as Rule,
    auto_close: autoClose as Rule,
    mark_spam: markSpam as Rule,
    not_spam: not('The case is not spam.'),
  },
  closed: {
    claim: not(closedDetail),
    assign: not(closedDetail),
    set_waiting: not(closedDetail),
    wake: not(closedDetail),
    timer_wake: not(closedDetail),
    resolve: not(closedDetail),
    reopen: not(closedDetail),
    customer_message: followUp,
    customer_ended_chat: not(closedDetail),
    customer_rated: not(closedDetail),
    auto_close: not(closedDetail),
    mark_spam: not(closedDetail),
    not_spam: not(closedDetail),
  },
  canceled: {
    claim: not('A canceled case cannot be claimed; reopen it first.'),
    assign: not('A canceled case cannot be reassigned; reopen it first.'),
    set_waiting: not('A canceled case cannot wait.'),
    wake: not('A canceled case is not waiting.'),
    timer_wake: not('A canceled case is not waiting.'),
    resolve: not('The case is canceled.'),
    reopen: reopen('reopened'),
    customer_message: followUp,
    customer_ended_chat: not('The case is canceled.'),
    customer_rated: not('The case is canceled.'),
    auto_close: not('A canceled case does not auto-close.'),
    mark_spam: markSpam as Rule,
    not_spam: not('The case is not spam.'),
  },
  spam: {
    claim: not(spamDetail),
    assign: not(spamDetail),
    set_waiting: not(spamDetail),
    wake: not('A spam case is not waiting.'),
    timer_wake: not('A spam case is not waiting.'),
    resolve: not(spamDetail),
    reopen: not(spamDetail),
    // More mail in a spam conversation joins it and leaves it spam: nobody is asked to answer it.
    customer_message: unchanged,
    customer_ended_chat: not(spamDetail),
    customer_rated: not(spamDetail),
    auto_close: not('A spam case does not auto-close; it is deleted after the retention period.'),
    mark_spam: not('The case is already spam.'),
    not_spam: notSpam as Rule,
  },
} as const satisfies Record<Status, Row>;

/** Applies one lifecycle event to a case: the changes and history events, or a refusal. */
export function transition(c: CaseFacts, event: LifecycleEvent, now: Date): Outcome {
  const rule = LIFECYCLE[c.status][event.kind] as (c: CaseFacts, e: LifecycleEvent, now: Date) => Outcome;
  return rule(c, event, now);
}

/** Status of a case created now: owned cases start ready, unowned ones new. */
export function initialStatus(ownerId: string | null): Status {
  return ownerId === null ? 'new' : 'ready';
}
