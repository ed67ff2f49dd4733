import { claimQueued, dayBounds, transition } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { findNextCandidate } from '../db/repos/queue.ts';
import { claimFromQueue } from '../db/repos/claim-queue.ts';
import { toCaseView } from '../db/repos/case-views.ts';
import { announceCommitted, appendEvents, audienceOf, dedupe, inTransaction } from '../db/repos/case-events.ts';
import { checkCapacity, lockCase, saveChanges, type CaseWriteResult } from './case-write.ts';
import { Problem, forbidden } from '../errors.ts';
import { queueTeams } from './my-work.ts';

const ATTEMPTS = 20;

/**
 * Picks the next case (SPEC §3.1) and claims it. Rows other transactions are claiming are
 * skipped, so many agents can pull from one queue at once. Without a per-user limit on open
 * cases the whole claim is one statement (see claimFromQueue); with one, a transaction that
 * first serialises the user's claims and counts their open cases.
 */
export async function claimNext(deps: Deps, actor: AppUser): Promise<CaseWriteResult> {
  if (!actor.permissions.has('case.claim')) throw forbidden('claim');
  const teamIds = queueTeams(actor);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    const today = dayBounds(now, actor.timeZone);
    const outcome = claimQueued(actor.id, now);
    const r = await claimFromQueue(deps.db.kysely, {
      teamIds, today, actorId: actor.id, now, changes: { status: outcome.changes.status!, ownerId: actor.id }, events: outcome.events,
    });
    if (r.kind === 'claimed') {
      const view = toCaseView(r.row);
      announceCommitted(deps.db, [{
        caseId: view.id, ids: r.eventIds, types: outcome.events.map((e) => e.type), at: now.toISOString(),
        audience: dedupe(audienceOf({ teamId: view.teamId, ownerId: actor.id, collaboratorIds: view.collaboratorIds })),
      }]);
      return {
        view,
        events: outcome.events.map((e, i) => ({ id: r.eventIds[i]!, caseId: view.id, type: e.type, actorId: actor.id, data: e.data, createdAt: now })),
      };
    }
    if (r.kind === 'empty') break;
    if (r.kind === 'capacity_limited') {
      const claimed = await claimWithinCapacity(deps, actor, teamIds, today, now);
      if (claimed) return claimed;
      if (!(await findNextCandidate(deps.db.kysely, teamIds, dayBounds(deps.clock.now(), actor.timeZone)))) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
  }
  throw new Problem(404, 'queue_empty', 'Queue empty', 'There is no unassigned case in your teams.');
}

/** The claim under a per-user limit: the user's claims are serialised, then counted, then one case is locked and claimed. */
async function claimWithinCapacity(deps: Deps, actor: AppUser, teamIds: string[], today: { start: Date; end: Date }, now: Date): Promise<CaseWriteResult | null> {
  return inTransaction(deps.db, async (trx) => {
    await checkCapacity(trx, actor.id);
    const pick = await findNextCandidate(trx, teamIds, today, true);
    if (!pick) return null;
    const c = (await lockCase(trx, pick.id))!;
    const outcome = transition(c, { kind: 'claim', actorId: actor.id }, now);
    if (!outcome.ok) return null;
    const view = await saveChanges(trx, c, outcome.changes, now);
    const events = await appendEvents(trx, { caseId: c.id, actorId: actor.id, events: outcome.events, at: now, audience: audienceOf(c, view) });
    // The claimer is the new owner and the team is unchanged: no need to re-read names.
    return { view: { ...view, ownerName: actor.name }, events };
  });
}
