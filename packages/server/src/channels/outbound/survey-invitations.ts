import { sql, type Kysely } from 'kysely';
import { SURVEY_EVENTS, type DeliveryState } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { ChannelOptions } from '../config.ts';
import type { ChannelRecord } from '../../db/repos/channels.ts';
import { findCaseView, type CaseView } from '../../db/repos/case-views.ts';
import { appendEvents, audienceOf } from '../../outbox/outbox.ts';
import { linkFor } from '../../auth/one-time-links.ts';
import { appBase } from '../../use-cases/accounts/account-mails.ts';
import { sendSurveyMail } from '../email/send-email.ts';
import { sendSms } from '../sms/send-sms.ts';
import { PermanentDeliveryError } from './delivery.ts';
import { mayAutoMailTo } from '../../use-cases/mailbox/may-auto-mail.ts';

export type SurveyJob = { id: string; case_id: string; survey_id: string; attempts: number };

/**
 * Sends a survey invitation by the case's channel (the delivery worker's attempt `job`, whose
 * lease it holds). The link's secret is made now and only its hash stored, by this attempt alone
 * (a retry after a failed attempt makes a new link; the failed one's never reached anyone). A
 * case reopened before the invitation left withdraws it (a later resolution surveys again):
 * answers 'withdrawn'. Otherwise the provider's id.
 */
export async function sendSurveyInvitation(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord & { customerAddress: string | null },
  job: SurveyJob,
): Promise<{ providerId: string | null } | 'withdrawn'> {
  const db = deps.db.kysely;
  const c = await findCaseView(db, job.case_id);
  if (!c) throw new PermanentDeliveryError('The case is gone.');
  if (c.status !== 'resolved' && c.status !== 'closed') {
    await db.deleteFrom('surveys').where('id', '=', job.survey_id).where('answered_at', 'is', null).execute();
    return 'withdrawn';
  }
  if (ch.type === 'email') {
    // Asked again just before sending: a bounce or a block may have come in since the resolution.
    const verdict = await mayAutoMailTo(db, ch.customerAddress ?? c.customer?.email ?? null, { caseId: c.id });
    if (!verdict.ok)
      throw new PermanentDeliveryError(`Automatic mail may not go to this address (${verdict.reason.replaceAll('_', ' ')}).`);
  }
  const link = linkFor(job.survey_id);
  const stored = await sql`UPDATE surveys SET secret_hash = ${link.secretHash}
    WHERE id = ${job.survey_id}::uuid AND answered_at IS NULL
      AND EXISTS (SELECT 1 FROM outbound_messages o WHERE o.id = ${job.id}::uuid AND o.attempts = ${job.attempts} AND o.status = 'queued')`.execute(
    db,
  );
  if (!stored.numAffectedRows) throw new PermanentDeliveryError('The survey was answered or taken over by another attempt.');
  const url = `${appBase(deps.config)}/survey/${link.token}`;
  const org = await db.selectFrom('organisation').select('name').where('id', '=', 1).executeTakeFirst();
  if (ch.type === 'email') {
    return { providerId: await sendSurveyMail(deps, opts, ch, c, { id: job.survey_id, link: url, organisation: org?.name ?? 'us' }) };
  }
  if (ch.type === 'sms') {
    const text = `${org?.name ?? 'We'}: your request ${c.reference} is resolved. How did we do? Rate us 1-5: ${url}`;
    return { providerId: await sendSms(deps, opts, ch, c.id, text) };
  }
  throw new PermanentDeliveryError(`A ${ch.type} channel does not carry surveys.`);
}

/**
 * Records that a survey invitation left (`case.survey_sent`) or failed for good
 * (`case.survey_failed`), in the settling transaction; announced after commit like any case event.
 */
export async function recordSurveyDelivery(
  trx: Kysely<Database>,
  c: CaseView,
  d: { surveyId: string; channel: string | null; state: DeliveryState; lastError: string | null },
  now: Date,
): Promise<void> {
  if (d.state !== 'sent' && d.state !== 'failed') return;
  await appendEvents(trx, {
    caseId: c.id,
    actorId: null,
    at: now,
    audience: audienceOf(c),
    events: [
      {
        type: d.state === 'sent' ? SURVEY_EVENTS.sent : SURVEY_EVENTS.failed,
        data: { surveyId: d.surveyId, channel: d.channel, ...(d.state === 'failed' && d.lastError ? { lastError: d.lastError } : {}) },
      },
    ],
  });
}
