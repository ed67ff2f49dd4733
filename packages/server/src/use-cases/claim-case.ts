import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { runLifecycleAction, type CaseWriteResult } from './case-write.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { Problem } from '../errors.ts';

/**
 * Claims a case for the actor. The row lock makes concurrent claims queue; the first wins,
 * everyone after it sees the owner and gets `already_claimed` with who has it.
 * Claiming a case you already own changes nothing. The new owner's limit on open cases is the
 * write path's (`applyLifecycle`).
 */
export async function claimCase(deps: Deps, actor: AppUser, caseId: string): Promise<CaseWriteResult> {
  try {
    return await runLifecycleAction(deps, actor, caseId, { action: 'claim', event: () => ({ kind: 'claim', actorId: actor.id }) });
  } catch (err) {
    if (err instanceof Problem && err.code === 'already_claimed' && err.extra.ownerId === actor.id) {
      return { view: (await findCaseView(deps.db.kysely, caseId))!, events: [] };
    }
    throw err;
  }
}
