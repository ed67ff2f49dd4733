import { CASE_TYPES, QUEUED, can, claimQueued } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { recordWritten, runLifecycleAction, type CaseWriteResult } from './case-write.ts';
import { findCaseView, toCaseView } from '../db/repos/case-views.ts';
import { claimQueuedCase } from '../db/repos/claim-queue.ts';
import { Problem } from '../errors.ts';

/**
 * Claims a case for the actor. The row lock makes concurrent claims queue; the first wins,
 * everyone after it sees the owner and gets `already_claimed` with who has it.
 * Claiming a case you already own changes nothing. The new owner's limit on open cases is the
 * write path's (`applyLifecycle`).
 *
 * A queued case (the common Claim It) is claimed in one statement (`casework_claim_case`): on the
 * teams where the domain lets the actor claim a queued case, with the domain's claim of a queued
 * case (`claimQueued`, what claim-next applies). Anything else — a case not queued once locked,
 * another team, a limit on open cases — goes the lifecycle write path, which answers the refusal.
 */
export async function claimCase(deps: Deps, actor: AppUser, caseId: string): Promise<CaseWriteResult> {
  const teamIds = claimableQueues(actor);
  if (teamIds.length) {
    const now = deps.clock.now();
    const outcome = claimQueued(actor.id, now);
    const claimed = await claimQueuedCase(deps.db.kysely, {
      caseId,
      teamIds,
      actorId: actor.id,
      now,
      status: outcome.changes.status!,
      events: outcome.events,
    });
    if (claimed)
      return recordWritten(deps, {
        view: toCaseView(claimed.row),
        actorId: actor.id,
        events: outcome.events,
        eventIds: claimed.eventIds,
        now,
      });
  }
  try {
    return await runLifecycleAction(deps, actor, caseId, { action: 'claim', event: () => ({ kind: 'claim', actorId: actor.id }) });
  } catch (err) {
    if (err instanceof Problem && err.code === 'already_claimed' && err.extra.ownerId === actor.id) {
      return { view: (await findCaseView(deps.db.kysely, caseId))!, events: [] };
    }
    throw err;
  }
}

/** The actor's teams whose queued cases, of every type, the domain lets them see and claim (`can(actor, 'claim', …)`). */
function claimableQueues(actor: AppUser): string[] {
  return actor.teamIds.filter((teamId) =>
    CASE_TYPES.every((type) => can(actor, 'claim', { ...QUEUED, type, teamId, collaboratorIds: [] })),
  );
}
