import { claimQueued, dayBounds } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { findNextCandidate } from '../db/repos/queue.ts';
import { claimFromQueue } from '../db/repos/claim-queue.ts';
import type { Db } from '../db/connect.ts';
import type { ClaimAnswer, ClaimAsk, ClaimBatcher } from './claim-next-batch.ts';
import { Batcher } from '../batcher.ts';
import { toCaseView } from '../db/repos/case-views.ts';
import { inTransaction } from '../outbox/outbox.ts';
import { applyLifecycle, checkCapacity, lockCase, recordWritten, type CaseWriteResult } from './case-write.ts';
import { Problem, forbidden } from '../errors.ts';
import { queueTeams } from './my-work.ts';

const ATTEMPTS = 20;

/**
 * Picks the next case (SPEC §3.1) and claims it. Rows other transactions are claiming are
 * skipped, so many agents can pull from one queue at once. Without a per-user limit on open
 * cases the whole claim is one statement, shared with the other agents' claims that arrived
 * meanwhile (see createClaimBatcher); with one, a transaction that first serialises the user's claims
 * and counts their open cases.
 */
export async function claimNext(deps: Deps, actor: AppUser): Promise<CaseWriteResult> {
  if (!actor.permissions.has('case.claim')) throw forbidden('claim');
  const teamIds = queueTeams(actor);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const answer = await deps.claims.submit({ actor, teamIds });
    if (!answer.ok) throw answer.error;
    const { claim: r, now, events } = answer;
    if (r.kind === 'claimed') {
      return recordWritten(deps, { view: toCaseView(r.row), actorId: actor.id, events, eventIds: r.eventIds, now });
    }
    if (r.kind === 'empty') break;
    if (r.kind === 'capacity_limited') {
      const today = dayBounds(now, actor.timeZone);
      const claimed = await claimWithinCapacity(deps, actor, teamIds, today, now);
      if (claimed) return claimed;
      if (!(await findNextCandidate(deps.db.kysely, teamIds, dayBounds(deps.clock.now(), actor.timeZone)))) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
  }
  throw new Problem(404, 'queue_empty', 'Queue empty', 'There is no unassigned case in your teams.');
}

/**
 * Creates the process's claim-next batcher: claims arriving while others are being written go
 * out together, one statement and one commit for all of them (claims in one batch are applied in
 * arrival order, each to a case still queued). The embedded database runs one statement at a
 * time, so one batch; PostgreSQL a few at once, leaving pool connections for everything else.
 * `deps` is read when a batch goes out (the batcher is made while Deps is being built).
 */
export function createClaimBatcher(dbKind: Db['kind'], deps: () => Deps): ClaimBatcher {
  return new Batcher((asks) => claimTogether(deps(), asks), { maxInFlight: dbKind === 'pglite' ? 1 : 4, maxBatch: 32 });
}

/** One statement for all the asks; if it fails, each ask alone, so one failure is only its own. */
async function claimTogether(deps: Deps, asks: ClaimAsk[]): Promise<ClaimAnswer[]> {
  const now = deps.clock.now();
  const outcomes = asks.map((a) => claimQueued(a.actor.id, now));
  try {
    const claims = await claimFromQueue(deps.db.kysely, {
      now,
      status: outcomes[0]!.changes.status!,
      requests: asks.map((a, i) => ({
        actorId: a.actor.id,
        teamIds: a.teamIds,
        today: dayBounds(now, a.actor.timeZone),
        events: outcomes[i]!.events,
      })),
    });
    return claims.map((claim, i) => ({ ok: true, claim, now, events: outcomes[i]!.events }));
  } catch (error) {
    if (asks.length === 1) return [{ ok: false, error }];
    return Promise.all(asks.map(async (a) => (await claimTogether(deps, [a]))[0]!));
  }
}

/** The claim under a per-user limit: the user's claims are serialised, then counted, then one case is locked and claimed. */
async function claimWithinCapacity(
  deps: Deps,
  actor: AppUser,
  teamIds: string[],
  today: { start: Date; end: Date },
  now: Date,
): Promise<CaseWriteResult | null> {
  return inTransaction(deps, async (trx) => {
    await checkCapacity(trx, actor.id);
    const pick = await findNextCandidate(trx, teamIds, today, true, now);
    if (!pick) return null;
    const c = (await lockCase(trx, pick.id))!;
    const applied = await applyLifecycle(trx, c, { kind: 'claim', actorId: actor.id }, { actor, now, capacityChecked: true });
    return applied.ok ? { view: applied.view, events: applied.events } : null;
  });
}
