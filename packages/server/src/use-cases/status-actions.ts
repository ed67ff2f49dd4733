import type { Resolution } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { runLifecycleAction, type CaseWriteResult } from './case-write.ts';
import { addNote } from './post-message.ts';
import { requireFieldsToResolve } from './case-field-values.ts';
import { queueSurvey } from './surveys/queue-survey.ts';
import { kickReplies } from '../channels/outbound/dispatch.ts';

/** Sets a case to waiting (optionally until a wake time); pressed on a waiting case, wakes it. */
export function setWaiting(deps: Deps, actor: AppUser, caseId: string, wakeAt: Date | null): Promise<CaseWriteResult> {
  // Pressed again on a waiting case it wakes the case, which the menu offers as `wake`.
  return runLifecycleAction(deps, actor, caseId, {
    action: (c) => (c.status === 'waiting' ? 'wake' : 'set_waiting'),
    event: () => ({ kind: 'set_waiting', wakeAt }),
  });
}

export function wakeCase(deps: Deps, actor: AppUser, caseId: string): Promise<CaseWriteResult> {
  return runLifecycleAction(deps, actor, caseId, { action: 'wake', event: () => ({ kind: 'wake' }) });
}

/**
 * Resolves (completed/unresolved) or cancels a case; an optional note is kept as an internal note.
 * Resolving waits for the case's required custom fields (409 `fields_required` naming them), and
 * queues the customer's satisfaction survey in its transaction (sent after commit; SPEC §12).
 */
export async function resolveCase(
  deps: Deps,
  actor: AppUser,
  caseId: string,
  resolution: Resolution,
  note: string | null,
): Promise<CaseWriteResult> {
  const action = resolution === 'canceled' ? 'cancel' : 'resolve';
  let surveyQueued = false;
  const result = await runLifecycleAction(deps, actor, caseId, {
    action,
    event: () => ({ kind: 'resolve', resolution }),
    check: (trx, c) => requireFieldsToResolve(deps.db, trx, c, resolution),
    ...(note ? { with: (trx, c) => addNote(trx, c, actor, note, deps.clock.now()) } : {}),
    afterwards: async (trx, saved) => {
      surveyQueued = await queueSurvey(trx, deps, saved, resolution, deps.clock.now());
    },
  });
  if (surveyQueued) kickReplies(deps); // committed: send now instead of at the next poll
  return result;
}

export function reopenCase(deps: Deps, actor: AppUser, caseId: string): Promise<CaseWriteResult> {
  return runLifecycleAction(deps, actor, caseId, { action: 'reopen', event: () => ({ kind: 'reopen' }) });
}
