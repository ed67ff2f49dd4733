import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { Problem } from '../errors.ts';
import { assignCase } from './assign-case.ts';
import { claimCase } from './claim-case.ts';
import { setCollaborator } from './follow-case.ts';
import { reopenCase, resolveCase, setWaiting, wakeCase } from './status-actions.ts';
import { editCase } from './edit-case.ts';
import { markSpam } from './mailbox/spam.ts';

/** The actions one request may apply to many cases, each exactly as its single-case endpoint. */
export const BULK_ACTIONS = [
  'claim',
  'assign',
  'unassign',
  'set_waiting',
  'wake',
  'resolve',
  'cancel',
  'reopen',
  'follow',
  'unfollow',
  'set_priority',
  'add_tags',
  'remove_tags',
  'mark_spam',
] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** At most this many cases per request (each is its own transaction). */
export const BULK_MAX_CASES = 100;

export type BulkParams = {
  teamId?: string;
  ownerId?: string | null;
  wakeAt?: Date | null;
  resolution?: 'completed' | 'unresolved';
  note?: string | null;
  priority?: string;
  tags?: string[];
};

export type BulkOutcome = { caseId: string; ok: true; view: CaseView } | { caseId: string; ok: false; problem: Problem };

const RUN: Record<BulkAction, (deps: Deps, actor: AppUser, caseId: string, p: BulkParams) => Promise<{ view: CaseView }>> = {
  claim: (deps, actor, id) => claimCase(deps, actor, id),
  assign: (deps, actor, id, p) =>
    assignCase(deps, actor, id, { teamId: p.teamId, ...(p.ownerId !== undefined ? { ownerId: p.ownerId } : {}) }),
  unassign: (deps, actor, id) => assignCase(deps, actor, id, { ownerId: null }),
  set_waiting: (deps, actor, id, p) => setWaiting(deps, actor, id, p.wakeAt ?? null),
  wake: (deps, actor, id) => wakeCase(deps, actor, id),
  resolve: (deps, actor, id, p) => resolveCase(deps, actor, id, p.resolution ?? 'completed', p.note ?? null),
  cancel: (deps, actor, id, p) => resolveCase(deps, actor, id, 'canceled', p.note ?? null),
  reopen: (deps, actor, id) => reopenCase(deps, actor, id),
  follow: (deps, actor, id) => setCollaborator(deps, actor, id, actor.id, true),
  unfollow: (deps, actor, id) => setCollaborator(deps, actor, id, actor.id, false),
  set_priority: (deps, actor, id, p) => editCase(deps, actor, id, { priority: p.priority }),
  add_tags: (deps, actor, id, p) => editCase(deps, actor, id, { tags: { add: p.tags ?? [] } }),
  remove_tags: (deps, actor, id, p) => editCase(deps, actor, id, { tags: { remove: p.tags ?? [] } }),
  mark_spam: (deps, actor, id) => markSpam(deps, actor, id, null),
};

/**
 * Applies one action to many cases, one after another, each through the same use case (and so
 * the same rules, transaction, history and live events) as the single action. A refusal (not
 * found, not allowed, already claimed, capacity…) is that case's result and the others go on;
 * an unexpected failure is logged and reported as that case's internal problem.
 */
export async function runBulkAction(
  deps: Deps,
  actor: AppUser,
  caseIds: string[],
  action: BulkAction,
  params: BulkParams,
): Promise<BulkOutcome[]> {
  const out: BulkOutcome[] = [];
  for (const caseId of caseIds) {
    try {
      out.push({ caseId, ok: true, view: (await RUN[action](deps, actor, caseId, params)).view });
    } catch (err) {
      if (!(err instanceof Problem)) deps.log.error({ err, caseId, action }, 'bulk action failed on a case');
      const problem =
        err instanceof Problem
          ? err
          : new Problem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
      out.push({ caseId, ok: false, problem });
    }
  }
  return out;
}
