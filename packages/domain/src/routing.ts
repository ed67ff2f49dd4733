import type { CaseFacts, CaseType } from './types.ts';
import { transition, type Outcome } from './lifecycle.ts';
import { TYPE_LABEL, TYPE_RANK } from './types.ts';
import { dayBounds } from './time.ts';

/**
 * A queue candidate: a new, unowned case on one of the user's teams. The SLA guard reads its
 * first-response clock's due-soon and due times (slaColumns; absent or null: no running target).
 */
export type Candidate = {
  id: string;
  type: CaseType;
  createdAt: Date;
  firstResponseSoonAt?: Date | null;
  firstResponseDueAt?: Date | null;
};

/** `guarded` (only when true): picked by the SLA guard (its first response is due soon or breached) before the §3.1 order. */
export type NextPick<C extends Candidate> = { case: C; reason: string; createdToday: boolean; guarded?: true };

const byRankThen = (dir: 1 | -1) => (a: Candidate, b: Candidate) =>
  TYPE_RANK[a.type] - TYPE_RANK[b.type] ||
  dir * (a.createdAt.getTime() - b.createdAt.getTime()) ||
  dir * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Whether the SLA guard takes a candidate first: its first response is due soon or breached at `now`. */
export const slaGuarded = (c: Candidate, now: Date): boolean => !!c.firstResponseSoonAt && c.firstResponseSoonAt <= now;

/**
 * The Next Unassigned Case (SPEC §3.1): if anything arrived today (user's zone), the newest
 * of today's cases of the best channel; otherwise the oldest case of the best channel.
 * Ties on time break by id (descending for today's, ascending otherwise). With the organisation's
 * SLA guard (SPEC §12, `slaGuard`), a candidate whose first response is due soon or breached comes
 * first, the most urgent (earliest first-response due time, ties by id ascending) of them.
 */
export function pickNext<C extends Candidate>(
  candidates: readonly C[],
  zone: string,
  now: Date,
  opts: { slaGuard?: boolean } = {},
): NextPick<C> | null {
  if (candidates.length === 0) return null;
  const { start, end } = dayBounds(now, zone);
  const createdOnDay = (c: C) => c.createdAt >= start && c.createdAt < end;
  const urgent = opts.slaGuard ? candidates.filter((c) => slaGuarded(c, now)) : [];
  if (urgent.length > 0) {
    const due = (c: C) => (c.firstResponseDueAt ?? c.firstResponseSoonAt!).getTime();
    const best = [...urgent].sort((a, b) => due(a) - due(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]!;
    const breached = due(best) <= now.getTime();
    return { case: best, reason: guardReason(best.type, breached, urgent.length), createdToday: createdOnDay(best), guarded: true };
  }
  const today = candidates.filter(createdOnDay);
  const createdToday = today.length > 0;
  const pool = createdToday ? today : candidates;
  const best = [...pool].sort(byRankThen(createdToday ? -1 : 1))[0]!;
  return { case: best, reason: nextReason(best.type, createdToday, createdToday ? today.length : candidates.length), createdToday };
}

/** The reason beside a case the SLA guard picked, e.g. "Email · first response breached · most urgent of 2". */
export function guardReason(type: CaseType, breached: boolean, urgentCount: number): string {
  const state = breached ? 'first response breached' : 'first response due soon';
  return urgentCount > 1 ? `${TYPE_LABEL[type]} · ${state} · most urgent of ${urgentCount}` : `${TYPE_LABEL[type]} · ${state}`;
}

/** The short explanation shown beside the next case, e.g. "Web chat · newest of 3 created today". */
export function nextReason(type: CaseType, createdToday: boolean, poolSize: number): string {
  return createdToday
    ? `${TYPE_LABEL[type]} · newest of ${poolSize} created today`
    : `${TYPE_LABEL[type]} · oldest of ${poolSize} waiting, none created today`;
}

/** What every case in a team's queue has in common (SPEC §3.1): new and without an owner. */
export const QUEUED = { status: 'new', ownerId: null } as const satisfies Pick<CaseFacts, 'status' | 'ownerId'>;

/**
 * The domain's claim of a queued case. The claim rule reads only a case's status and owner, so
 * every queued case claims alike: claim-next can pick, lock and change a case in one database
 * statement whose condition is QUEUED, applying this outcome. (A test holds it to `transition`
 * for queued cases of every type, team and time.)
 */
export function claimQueued(actorId: string, now: Date): Extract<Outcome, { ok: true }> {
  const facts: CaseFacts = {
    ...QUEUED,
    id: '',
    type: 'platform',
    teamId: '',
    resolution: null,
    resolutionReason: null,
    collaboratorIds: [],
    createdAt: now,
    resolvedAt: null,
    wakeAt: null,
  };
  const outcome = transition(facts, { kind: 'claim', actorId }, now);
  if (!outcome.ok) throw new Error(`The lifecycle refuses to claim a queued case: ${outcome.detail}`);
  return outcome;
}
