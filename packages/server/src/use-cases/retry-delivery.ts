import { can, canView } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { inTransaction } from '../outbox/outbox.ts';
import { findCaseChannel } from '../db/repos/channels.ts';
import { kickReplies } from '../channels/outbound/dispatch.ts';
import { channelDeliveryProblem, deliveryJson, recordDeliveryChange, type Delivery } from '../channels/outbound/delivery.ts';
import { Problem, conflict, notFound } from '../errors.ts';
import { lockCase, refusal } from './case-write.ts';

/**
 * Sends a failed reply again: whoever may reply on the case may retry it. Only a failed delivery
 * can be retried (409 otherwise), and only through a channel that can deliver now (409 with the
 * reason otherwise, nothing changed); the reply is queued afresh with a full set of attempts.
 */
export async function retryDelivery(deps: Deps, actor: AppUser, caseId: string, messageId: string): Promise<Delivery> {
  const now = deps.clock.now();
  const delivery = await inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    if (!can(actor, 'message', c)) throw refusal('message', c, null, now);
    const row = await trx
      .selectFrom('outbound_messages as o')
      .innerJoin('messages as m', 'm.id', 'o.message_id')
      .select(['o.id', 'o.status', 'm.author_id'])
      .where('o.message_id', '=', messageId)
      .where('o.case_id', '=', c.id)
      .forUpdate(['o'])
      .executeTakeFirst();
    if (!row) throw notFound('Message');
    if (row.status !== 'failed') throw conflict(`Only a failed delivery can be retried; this one is ${row.status}.`, { state: row.status });
    const problem = await channelDeliveryProblem(deps, (await findCaseChannel(trx, c.id)) ?? null, trx);
    if (problem) throw new Problem(409, 'conflict', 'Cannot deliver', problem, { state: row.status });
    const updated = await trx
      .updateTable('outbound_messages')
      .set({ status: 'queued', attempts: 0, last_error: null, next_attempt_at: now, state_at: now })
      .where('id', '=', row.id)
      .returning(['status', 'attempts', 'last_error', 'state_at', 'next_attempt_at'])
      .executeTakeFirstOrThrow();
    await recordDeliveryChange(
      trx,
      c,
      { messageId, authorId: row.author_id, state: 'queued', attempts: 0, lastError: null },
      actor.id,
      now,
    );
    return deliveryJson(updated);
  });
  kickReplies(deps);
  return delivery;
}
