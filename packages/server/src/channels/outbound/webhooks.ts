import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { findCaseView } from '../../db/repos/case-views.ts';
import { backoffMs, type ChannelOptions } from '../config.ts';
import { decryptSecret } from '../../db/secrets.ts';
import { outboundRequest } from './outbound-http.ts';

export { WEBHOOK_EVENTS } from '@casework/domain';

/** `sha256=<hex HMAC-SHA256(secret, raw body)>`: receivers verify the body came from us. */
function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

type Job = {
  id: string;
  webhook_id: string;
  event_type: string;
  case_id: string;
  data: Record<string, unknown>;
  body: string | null;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
};

/** How long a claimed delivery stays ours: far longer than one call may take (its timeout). */
const leaseMs = (opts: Pick<ChannelOptions, 'httpTimeoutMs'>) => Math.max(60_000, 4 * opts.httpTimeoutMs);

/**
 * Delivers due webhook calls. Claimed with SKIP LOCKED and a lease, so several processes share
 * the queue without double sends; non-2xx answers are retried with exponential backoff.
 */
export async function deliverDueWebhooks(deps: Deps, opts: ChannelOptions, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const jobs = await sql<Job>`WITH claimed AS (
      UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + leaseMs(opts))}
      WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${now}
                   ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING *)
    SELECT d.id::text AS id, d.webhook_id::text AS webhook_id, d.event_type, d.case_id::text AS case_id, d.data, d.body, d.attempts,
      d.created_at, w.url, w.secret
    FROM claimed d JOIN webhooks w ON w.id = d.webhook_id`.execute(deps.db.kysely);
  await Promise.all(jobs.rows.map((job) => deliverOne(deps, opts, job)));
  return jobs.rows.length;
}

/** The body is built once (with the case as it was at the first attempt) and kept, so retries send the same bytes. */
async function bodyOf(deps: Deps, job: Job): Promise<string> {
  if (job.body) return job.body;
  const c = await findCaseView(deps.db.kysely, job.case_id);
  const body = JSON.stringify({
    id: job.id,
    type: job.event_type,
    createdAt: new Date(job.created_at).toISOString(),
    data: {
      ...job.data,
      case: c
        ? {
            id: c.id,
            reference: c.reference,
            subject: c.subject,
            type: c.type,
            status: c.status,
            resolution: c.resolution,
            resolutionReason: c.resolutionReason,
            teamId: c.teamId,
            ownerId: c.ownerId,
            customer: c.customer,
            followUpOf: c.followUpOf,
            createdAt: c.createdAt.toISOString(),
            updatedAt: c.updatedAt.toISOString(),
          }
        : null,
    },
  });
  await deps.db.kysely.updateTable('webhook_deliveries').set({ body }).where('id', '=', job.id).execute();
  return body;
}

async function deliverOne(deps: Deps, opts: ChannelOptions, job: Job): Promise<void> {
  const db = deps.db.kysely;
  let status: number | null = null;
  let error: string | null = null;
  try {
    const body = await bodyOf(deps, job);
    const secret = await decryptSecret(db, job.secret);
    const res = await outboundRequest(job.url, {
      method: 'POST',
      body,
      timeoutMs: opts.httpTimeoutMs,
      allow: deps.config.outboundAllow,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Casework-Webhooks/1',
        'x-casework-signature': signWebhookBody(secret, body),
        'x-casework-event': job.event_type,
        'x-casework-delivery': job.id,
      },
    });
    status = res.status;
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = String((err as Error).message).slice(0, 500);
  }
  const now = deps.clock.now();
  if (error === null) {
    await db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivered', response_status: status, delivered_at: now, last_error: null })
      .where('id', '=', job.id)
      .where('attempts', '=', job.attempts)
      .execute();
    return;
  }
  const failed = job.attempts >= opts.maxAttempts;
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: failed ? 'failed' : 'pending',
      response_status: status,
      last_error: error,
      next_attempt_at: new Date(now.getTime() + backoffMs(opts, job.attempts)),
    })
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempts)
    .execute(); // a later attempt (lease taken over) owns the row
}
