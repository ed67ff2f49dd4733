import { dayBounds, transition } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { findNextCandidate } from '../db/repos/queue.ts';
import { appendEvents, audienceOf } from '../db/repos/case-events.ts';
import { checkCapacity, lockCase, saveChanges, type CaseWriteResult } from './case-write.ts';
import { Problem, forbidden } from '../errors.ts';
import { queueTeams } from './my-work.ts';

const ATTEMPTS = 20;

/**
 * Picks the next case (SPEC §3.1) and claims it in one transaction. Rows other
 * transactions are claiming are skipped, so many agents can pull from one queue at once.
 */
export async function claimNext(deps: Deps, actor: AppUser): Promise<CaseWriteResult> {
  if (!actor.permissions.has('case.claim')) throw forbidden('claim');
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    const result = await deps.db.kysely.transaction().execute(async (trx) => {
      await checkCapacity(trx, actor.id);
      const pick = await findNextCandidate(trx, queueTeams(actor), dayBounds(now, actor.timeZone), true);
      if (!pick) return null;
      const c = (await lockCase(trx, pick.id))!;
      const outcome = transition(c, { kind: 'claim', actorId: actor.id }, now);
      if (!outcome.ok) return null;
      const view = await saveChanges(trx, c, outcome.changes, now);
      const events = await appendEvents(trx, { caseId: c.id, actorId: actor.id, events: outcome.events, at: now, audience: audienceOf(c, view) });
      // The claimer is the new owner and the team is unchanged: no need to re-read names.
      return { view: { ...view, ownerName: actor.name }, events };
    });
    if (result) return result;
    if (!(await stillHasCandidates(deps, actor))) break;
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
  }
  throw new Problem(404, 'queue_empty', 'Queue empty', 'There is no unassigned case in your teams.');
}

async function stillHasCandidates(deps: Deps, actor: AppUser): Promise<boolean> {
  const pick = await findNextCandidate(deps.db.kysely, queueTeams(actor), dayBounds(deps.clock.now(), actor.timeZone));
  return pick !== undefined;
}
