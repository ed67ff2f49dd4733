import type { Kysely } from 'kysely';
import { surveyDecision, type Resolution } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { CaseView } from '../../db/repos/case-views.ts';
import { findCaseChannel, type ChannelRecord } from '../../db/repos/channels.ts';
import { channelDeliveryProblem } from '../../channels/outbound/delivery.ts';
import { uuidv7 } from '../../ids.ts';
import { mayAutoMailTo } from '../mailbox/may-auto-mail.ts';

/**
 * Whether earlier mail or texts to this customer through this channel failed for good after
 * reaching the provider (a bounce or a refusal; a channel that could not send at all made no
 * attempt): automatic messages are not sent there again.
 */
async function addressFailedBefore(trx: Kysely<Database>, c: CaseView, ch: ChannelRecord): Promise<boolean> {
  if (!c.customer) return false;
  const r = await trx
    .selectFrom('outbound_messages as o')
    .innerJoin('cases as k', 'k.id', 'o.case_id')
    .select('o.id')
    .where('k.customer_id', '=', c.customer.id)
    .where('o.channel_id', '=', ch.id)
    .where('o.status', '=', 'failed')
    .where('o.attempts', '>', 0)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * Whether no automatic message may go to this address: for mail, mayAutoMailTo (our own address,
 * blocked, bounced, or the customer's last mail on the case was itself automatic: SPEC §13); for
 * both channels, an earlier delivery to the customer that failed for good.
 */
async function addressRefused(trx: Kysely<Database>, c: CaseView, ch: ChannelRecord, address: string): Promise<boolean> {
  if (ch.type === 'email' && !(await mayAutoMailTo(trx, address, { caseId: c.id })).ok) return true;
  return addressFailedBefore(trx, c, ch);
}

/**
 * After a case was resolved (in that transaction, on the case as saved): queues its satisfaction
 * survey in the outbound delivery path when the domain says one goes (surveyDecision: not
 * canceled, an email or SMS channel with surveys on, first time, an address automatic mail may go to,
 * a channel that can deliver). The delivery worker sends it after commit, once across processes.
 * Returns whether one was queued (the caller wakes the sender after commit).
 */
export async function queueSurvey(
  trx: Kysely<Database>,
  deps: Pick<Deps, 'db' | 'outbound'>,
  c: CaseView,
  resolution: Resolution,
  now: Date,
): Promise<boolean> {
  if (resolution === 'canceled') return false;
  const ch = (await findCaseChannel(trx, c.id)) ?? null;
  if (!ch) return false;
  const address = ch.customerAddress ?? (ch.type === 'email' ? c.customer?.email : ch.type === 'sms' ? c.customer?.phone : null) ?? null;
  const surveyed = await trx.selectFrom('surveys').select('id').where('case_id', '=', c.id).executeTakeFirst();
  const decision = surveyDecision({
    resolution,
    channel: { type: ch.type, surveys: ch.surveys },
    alreadySurveyed: surveyed !== undefined,
    hasAddress: address !== null,
    addressRefused: address !== null && (await addressRefused(trx, c, ch, address)),
    canDeliver: (await channelDeliveryProblem(deps, ch, trx)) === null,
  });
  if (!decision.send) return false;
  const id = uuidv7(now.getTime());
  await trx.insertInto('surveys').values({ id, case_id: c.id, channel_id: ch.id, created_at: now }).execute();
  await trx
    .insertInto('outbound_messages')
    .values({
      id: uuidv7(now.getTime()),
      message_id: null,
      survey_id: id,
      case_id: c.id,
      channel_id: ch.id,
      status: 'queued',
      next_attempt_at: now,
      state_at: now,
      created_at: now,
    })
    .execute();
  return true;
}
