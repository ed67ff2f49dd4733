import { sql, type Kysely } from 'kysely';
import { afterFailedAttempt, CHAT_CHANNELS, type DeliveryState } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { findCaseView, type CaseView } from '../../db/repos/case-views.ts';
import { inTransaction } from '../../outbox/outbox.ts';
import { uuidv7 } from '../../ids.ts';
import { backoffMs, type ChannelOptions } from '../config.ts';
import { findCaseChannel } from '../../db/repos/channels.ts';
import { sendEmailReply } from '../email/send-email.ts';
import { sendSmsReply } from '../sms/send-sms.ts';
import { channelDeliveryProblem, deliveryJson, PermanentDeliveryError, recordDeliveryChange, type Delivery } from './delivery.ts';
import { TargetNotAllowed } from './target-guard.ts';
import { recordSurveyDelivery, sendSurveyInvitation } from './survey-invitations.ts';

/**
 * Records the delivery of an agent's public reply, inside the reply's transaction. Chat replies
 * reach the customer's open chat and are `sent` at once; email and SMS replies are `queued` for
 * the sender; a reply whose channel can never deliver it (no relay, no provider, no channel)
 * fails at once with the reason. Returns whether the sender has work, and the delivery as the
 * message JSON carries it (as of this transaction).
 */
export async function enqueueReply(
  trx: Kysely<Database>,
  deps: Pick<Deps, 'db' | 'outbound'>,
  c: CaseView,
  message: { id: string; authorId: string | null },
  now: Date,
): Promise<{ queued: boolean; delivery: Delivery }> {
  const ch = (await findCaseChannel(trx, c.id)) ?? null;
  const problem = await channelDeliveryProblem(deps, ch, trx);
  const state: DeliveryState = problem ? 'failed' : ch && CHAT_CHANNELS.includes(ch.type) ? 'sent' : 'queued';
  await trx
    .insertInto('outbound_messages')
    .values({
      id: uuidv7(now.getTime()),
      message_id: message.id,
      case_id: c.id,
      channel_id: ch?.id ?? null,
      status: state,
      last_error: problem,
      next_attempt_at: now,
      state_at: now,
      sent_at: state === 'sent' ? now : null,
      created_at: now,
    })
    .execute();
  if (state === 'failed') {
    await recordDeliveryChange(
      trx,
      c,
      { messageId: message.id, authorId: message.authorId, state, attempts: 0, lastError: problem },
      null,
      now,
    );
  }
  const delivery = deliveryJson({ status: state, attempts: 0, last_error: problem, state_at: now, next_attempt_at: now });
  return { queued: state === 'queued', delivery };
}

/** A claimed delivery: a reply (message_id) or a survey invitation (survey_id). */
type Job = {
  id: string;
  message_id: string | null;
  survey_id: string | null;
  case_id: string;
  channel_id: string | null;
  attempts: number;
};

/** How long a claimed reply stays ours: far longer than one send may take (its timeouts). */
const replyLeaseMs = (opts: Pick<ChannelOptions, 'httpTimeoutMs'>) => Math.max(60_000, 4 * opts.httpTimeoutMs);

/**
 * Sends due replies and survey invitations. Rows are claimed with SKIP LOCKED and a lease (next attempt pushed out),
 * so several server processes never send the same reply at once; a crash retries after the lease.
 * The batch is sent in order, one after another, so each lease is renewed just before its send:
 * a reply whose lease ran out while earlier ones were slow, and that another process took, is skipped.
 */
export async function deliverDueReplies(deps: Deps, opts: ChannelOptions, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const jobs = await sql<Job>`WITH claimed AS (
      UPDATE outbound_messages SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + replyLeaseMs(opts))}
      WHERE id IN (SELECT id FROM outbound_messages WHERE status = 'queued' AND next_attempt_at <= ${now}
                   ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, message_id, survey_id, case_id, channel_id, attempts, created_at)
    SELECT id::text AS id, message_id::text AS message_id, survey_id::text AS survey_id, case_id::text AS case_id,
      channel_id::text AS channel_id, attempts
    FROM claimed ORDER BY created_at, id`.execute(deps.db.kysely);
  for (const job of jobs.rows) {
    if (await renewLease(deps, opts, job)) await deliverOne(deps, opts, job);
  }
  return jobs.rows.length;
}

/** Extends this attempt's lease if the job is still ours (same attempt, still queued). */
async function renewLease(deps: Deps, opts: ChannelOptions, job: Job): Promise<boolean> {
  const r = await deps.db.kysely
    .updateTable('outbound_messages')
    .set({ next_attempt_at: new Date(deps.clock.now().getTime() + replyLeaseMs(opts)) })
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempts)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** SMTP 5xx answers (mailbox unknown, message refused) and targets the server may not reach will not change on a later try. */
const isPermanent = (err: unknown) =>
  err instanceof PermanentDeliveryError ||
  err instanceof TargetNotAllowed ||
  (typeof (err as { responseCode?: unknown }).responseCode === 'number' && (err as { responseCode: number }).responseCode >= 500);

async function deliverOne(deps: Deps, opts: ChannelOptions, job: Job): Promise<void> {
  try {
    const ch = (await findCaseChannel(deps.db.kysely, job.case_id)) ?? null;
    const problem = await channelDeliveryProblem(deps, ch);
    if (problem || !ch) throw new PermanentDeliveryError(problem ?? 'The case has no channel.');
    let providerId: string | null;
    if (job.survey_id) {
      const sent = await sendSurveyInvitation(deps, opts, ch, { ...job, survey_id: job.survey_id });
      if (sent === 'withdrawn') return;
      providerId = sent.providerId;
    } else {
      providerId =
        ch.type === 'email'
          ? await sendEmailReply(deps, opts, ch, job.case_id, job.message_id!)
          : await sendSmsReply(deps, opts, ch, job.case_id, job.message_id!);
    }
    await settle(deps, job, 'sent', { provider_id: providerId, last_error: null });
  } catch (err) {
    const state = afterFailedAttempt(job.attempts, opts.maxAttempts, isPermanent(err));
    const message = String((err as Error).message).slice(0, 1000);
    deps.log.warn(
      { err: message, messageId: job.message_id, surveyId: job.survey_id, attempt: job.attempts },
      state === 'failed' ? 'delivery failed for good' : 'delivery failed; will retry',
    );
    await settle(deps, job, state, {
      last_error: message,
      next_attempt_at: new Date(deps.clock.now().getTime() + backoffMs(opts, job.attempts)),
    });
  }
}

/**
 * Stores an attempt's outcome if this attempt still owns the row (a later attempt that took over
 * an expired lease owns it otherwise); a reply that is now sent or failed gets a history entry.
 */
async function settle(
  deps: Deps,
  job: Job,
  state: DeliveryState,
  set: { provider_id?: string | null; last_error: string | null; next_attempt_at?: Date },
): Promise<void> {
  const now = deps.clock.now();
  await inTransaction(deps, async (trx) => {
    const r = await trx
      .updateTable('outbound_messages')
      .set({ status: state, ...set, ...(state === 'queued' ? {} : { state_at: now }), ...(state === 'sent' ? { sent_at: now } : {}) })
      .where('id', '=', job.id)
      .where('attempts', '=', job.attempts)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n || state === 'queued') return;
    const c = await findCaseView(trx, job.case_id);
    if (!c) return;
    if (job.survey_id) {
      const ch = job.channel_id
        ? await trx.selectFrom('channels').select('type').where('id', '=', job.channel_id).executeTakeFirst()
        : undefined;
      await recordSurveyDelivery(trx, c, { surveyId: job.survey_id, channel: ch?.type ?? null, state, lastError: set.last_error }, now);
      return;
    }
    const m = await trx.selectFrom('messages').select('author_id').where('id', '=', job.message_id!).executeTakeFirst();
    await recordDeliveryChange(
      trx,
      c,
      { messageId: job.message_id!, authorId: m?.author_id ?? null, state, attempts: job.attempts, lastError: set.last_error },
      null,
      now,
    );
  });
}
