import type { Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import { invalid, notFound } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { encryptSecret } from '../db/secrets.ts';
import { kickWebhooks } from '../channels/outbound/kick.ts';
import { targetProblem } from '../channels/outbound/target-guard.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';
import { inTransaction } from '../outbox/outbox.ts';

type Row = Selectable<Database['webhooks']>;
type DeliveryRow = Selectable<Database['webhook_deliveries']>;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A webhook as the API shows it: the secret never leaves, only `hasSecret`. */
const webhookJson = (r: Row) => ({
  id: r.id,
  url: r.url,
  events: r.events,
  active: r.active,
  hasSecret: Boolean(r.secret),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});
export type WebhookJson = ReturnType<typeof webhookJson>;

const deliveryJson = (d: DeliveryRow) => ({
  id: d.id,
  eventType: d.event_type,
  eventId: String(d.event_id),
  caseId: d.case_id,
  status: d.status as 'pending' | 'delivered' | 'failed',
  attempts: d.attempts,
  responseStatus: d.response_status,
  lastError: d.last_error,
  nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null,
  deliveredAt: iso(d.delivered_at),
  createdAt: iso(d.created_at)!,
});

async function row(deps: Deps, id: string): Promise<Row> {
  const r = await deps.db.kysely.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Webhook');
  return r;
}

/** 400 when the URL points at an internal address the server may not call (target-guard.ts). */
async function checkUrl(deps: Deps, url: string): Promise<void> {
  const problem = await targetProblem(url, deps.config.outboundAllow);
  if (problem) throw invalid([{ field: 'url', message: problem }]);
}

/** Subscribes a URL to case events; the signing secret is stored encrypted. */
export async function createWebhook(
  deps: Deps,
  actor: AppUser,
  input: { url: string; events: string[]; secret: string; active?: boolean },
): Promise<WebhookJson> {
  await checkUrl(deps, input.url);
  const now = deps.clock.now();
  const id = uuidv7(now.getTime());
  const secret = await encryptSecret(deps.db.kysely, input.secret);
  await inTransaction(deps, async (trx) => {
    await trx
      .insertInto('webhooks')
      .values({
        id,
        url: input.url,
        events: input.events,
        secret,
        active: input.active ?? true,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordAudit(trx, deps, actor, {
      action: 'webhook.created',
      target: hookTarget(id, input.url),
      before: null,
      after: { url: input.url, events: input.events, active: input.active ?? true, secret: input.secret },
    });
  });
  return webhookJson(await row(deps, id));
}

const hookTarget = (id: string, url: string) => ({ type: 'webhook', id, label: url });
const audited = (r: Row) => ({ url: r.url, events: r.events, active: r.active });

export async function listWebhooks(deps: Deps): Promise<WebhookJson[]> {
  const rows = await deps.db.kysely.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(webhookJson);
}

export async function getWebhook(deps: Deps, id: string): Promise<WebhookJson> {
  return webhookJson(await row(deps, id));
}

export async function updateWebhook(
  deps: Deps,
  actor: AuditActor,
  id: string,
  patch: { url?: string; events?: string[]; secret?: string; active?: boolean },
): Promise<WebhookJson> {
  await row(deps, id);
  if (patch.url !== undefined) await checkUrl(deps, patch.url);
  const secret = patch.secret ? await encryptSecret(deps.db.kysely, patch.secret) : undefined;
  await deps.db.kysely.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('webhooks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw notFound('Webhook');
    const next = {
      url: patch.url ?? current.url,
      events: patch.events ?? current.events,
      active: patch.active ?? current.active,
    };
    await trx
      .updateTable('webhooks')
      .set({ ...next, secret: secret ?? current.secret, updated_at: deps.clock.now() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, deps, actor, {
      action: 'webhook.updated',
      target: hookTarget(id, next.url),
      before: audited(current),
      after: { ...next, ...(patch.secret ? { secret: patch.secret } : {}) },
    });
  });
  return webhookJson(await row(deps, id));
}

export async function deleteWebhook(deps: Deps, actor: AuditActor, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('webhooks').where('id', '=', id).returningAll().executeTakeFirst();
    if (!gone) throw notFound('Webhook');
    await recordAudit(trx, deps, actor, {
      action: 'webhook.deleted',
      target: hookTarget(id, gone.url),
      before: audited(gone),
      after: null,
    });
  });
}

/** The delivery log, newest first, keyset-paged by delivery id (time-ordered). */
export async function listDeliveries(deps: Deps, webhookId: string, status: string | null, cursor: string | null, limit: number) {
  await row(deps, webhookId);
  let q = deps.db.kysely.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (status) q = q.where('status', '=', status);
  if (cursor) q = q.where('id', '<', cursor.toLowerCase());
  const rows = await q
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return { deliveries: page.map(deliveryJson), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}

/** Puts a delivery back in the queue for an immediate attempt (same body, same id). */
export async function redeliver(deps: Deps, webhookId: string, deliveryId: string) {
  const now = deps.clock.now();
  const r = await deps.db.kysely
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now })
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .returningAll()
    .executeTakeFirst();
  if (!r) throw notFound('Delivery');
  kickWebhooks(deps);
  return deliveryJson(r);
}
