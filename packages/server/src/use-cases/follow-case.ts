import { can, canView, type CaseAction } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { appendEvents, audienceOf, inTransaction } from '../outbox/outbox.ts';
import { lockCase, refusal, type CaseWriteResult } from './case-write.ts';
import { invalid, notFound } from '../errors.ts';

/**
 * Adds or removes a collaborator. Users follow and unfollow themselves; adding or removing
 * someone else needs the `assign` action on the case.
 */
export async function setCollaborator(
  deps: Deps,
  actor: AppUser,
  caseId: string,
  userId: string,
  follow: boolean,
): Promise<CaseWriteResult> {
  const now = deps.clock.now();
  const self = userId === actor.id;
  const action: CaseAction = self ? (follow ? 'follow' : 'unfollow') : 'assign';
  return inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    const already = c.collaboratorIds.includes(userId);
    if (self && already === follow) return { view: c, events: [] };
    if (!can(actor, action, c)) throw refusal(action, c, null, now);
    if (!self) {
      const user = await trx.selectFrom('users').select(['id', 'active']).where('id', '=', userId).executeTakeFirst();
      if (!user?.active) throw invalid([{ field: 'userId', message: 'no such active user' }]);
      if (already === follow) return { view: c, events: [] };
    }
    if (follow) {
      await trx.insertInto('case_collaborators').values({ case_id: c.id, user_id: userId, created_at: now }).execute();
    } else {
      await trx.deleteFrom('case_collaborators').where('case_id', '=', c.id).where('user_id', '=', userId).execute();
    }
    const collaboratorIds = follow ? [...c.collaboratorIds, userId] : c.collaboratorIds.filter((id) => id !== userId);
    await trx.updateTable('cases').set({ updated_at: now }).where('id', '=', c.id).execute();
    const view = { ...c, collaboratorIds, updatedAt: now };
    const events = await appendEvents(trx, {
      caseId: c.id,
      actorId: actor.id,
      at: now,
      audience: audienceOf(c, view),
      events: [{ type: follow ? 'case.collaborator_added' : 'case.collaborator_removed', data: { userId } }],
    });
    return { view, events };
  });
}
