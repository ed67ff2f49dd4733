import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { CaseView } from '../../db/repos/case-views.ts';
import { uuidv7 } from '../../ids.ts';
import { backoffMs, type ChannelOptions } from '../config.ts';
import { findCaseChannel } from '../channel-repo.ts';
import { sendEmailReply } from '../email/send-email.ts';
import { sendSmsReply } from '../sms/send-sms.ts';

/** Channels whose replies leave through a provider (chat replies reach the customer's live stream instead). */
const SENT_BY_PROVIDER = new Set(['email', 'sms']);

/**
 * Queues an agent's public reply for delivery through the case's channel, inside the reply's
 * transaction: if the reply commits, its delivery is recorded and will be attempted until it succeeds.
 */
export async function enqueueReply(trx: Kysely<Database>, c: CaseView, messageId: string, now: Date): Promise<boolean> {
  const link = await trx.selectFrom('case_channels as cc').innerJoin('channels as ch', 'ch.id', 'cc.channel_id')
    .select(['ch.id', 'ch.type']).where('cc.case_id', '=', c.id).executeTakeFirst();
  if (!link || !SENT_BY_PROVIDER.has(link.type)) return false;
  await trx.insertInto('outbound_messages').values({
    id: uuidv7(now.getTime()), message_id: messageId, case_id: c.id, channel_id: link.id, status: 'pending',
    next_attempt_at: now, created_at: now,
  }).execute();
  return true;
}

type Job = { id: string; message_id: string; case_id: string; channel_id: string; attempts: number };

/** How long a claimed reply stays ours: far longer than one send may take (its timeouts). */
export const replyLeaseMs = (opts: Pick<ChannelOptions, 'httpTimeoutMs'>) => Math.max(60_000, 4 * opts.httpTimeoutMs);

/**
 * Sends due replies. Rows are claimed with SKIP LOCKED and a lease (next attempt pushed out),
 * so several server processes never send the same reply at once; a crash retries after the lease.
 * The batch is sent in order, one after another, so each lease is renewed just before its send:
 * a reply whose lease ran out while earlier ones were slow, and that another process took, is skipped.
 */
export async function deliverDueReplies(deps: Deps, opts: ChannelOptions, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const jobs = await sql<Job>`WITH claimed AS (
      UPDATE outbound_messages SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + replyLeaseMs(opts))}
      WHERE id IN (SELECT id FROM outbound_messages WHERE status = 'pending' AND next_attempt_at <= ${now}
                   ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, message_id, case_id, channel_id, attempts, created_at)
    SELECT id::text AS id, message_id::text AS message_id, case_id::text AS case_id, channel_id::text AS channel_id, attempts
    FROM claimed ORDER BY created_at, id`.execute(deps.db.kysely);
  for (const job of jobs.rows) {
    if (await renewLease(deps, opts, job)) await deliverOne(deps, opts, job);
  }
  return jobs.rows.length;
}

/** Extends this attempt's lease if the job is still ours (same attempt, still pending). */
async function renewLease(deps: Deps, opts: ChannelOptions, job: Job): Promise<boolean> {
  const r = await deps.db.kysely.updateTable('outbound_messages')
    .set({ next_attempt_at: new Date(deps.clock.now().getTime() + replyLeaseMs(opts)) })
    .where('id', '=', job.id).where('attempts', '=', job.attempts).where('status', '=', 'pending').executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

async function deliverOne(deps: Deps, opts: ChannelOptions, job: Job): Promise<void> {
  const db = deps.db.kysely;
  try {
    const ch = await findCaseChannel(db, job.case_id);
    if (!ch) throw new Error('the case has no channel');
    const providerId = ch.type === 'email'
      ? await sendEmailReply(deps, opts, ch, job.case_id, job.message_id)
      : await sendSmsReply(deps, opts, ch, job.case_id, job.message_id);
    await db.updateTable('outbound_messages').set({ status: 'sent', sent_at: deps.clock.now(), provider_id: providerId, last_error: null })
      .where('id', '=', job.id).where('attempts', '=', job.attempts).execute();
  } catch (err) {
    const failed = job.attempts >= opts.maxAttempts;
    deps.log.warn({ err: (err as Error).message, messageId: job.message_id, attempt: job.attempts }, failed ? 'reply delivery failed for good' : 'reply delivery failed; will retry');
    await db.updateTable('outbound_messages').set({
      status: failed ? 'failed' : 'pending', last_error: String((err as Error).message).slice(0, 1000),
      next_attempt_at: new Date(deps.clock.now().getTime() + backoffMs(opts, job.attempts)),
    }).where('id', '=', job.id).where('attempts', '=', job.attempts).execute(); // a later attempt (lease taken over) owns the row
  }
}
