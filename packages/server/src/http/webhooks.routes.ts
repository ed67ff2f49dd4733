import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { IdParams, Nullable, StringEnum, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { withIdempotency } from './idempotency.ts';
import { actorOf } from './auth-hook.ts';
import { invalid } from '../errors.ts';
import { WEBHOOK_EVENTS } from '../channels/outbound/webhooks.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  updateWebhook,
  type WebhookJson,
} from '../use-cases/admin-webhooks.ts';

const Url = Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://' });
const Events = Type.Array(StringEnum(WEBHOOK_EVENTS), { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true });
const Secret = Type.String({ minLength: 8, maxLength: 500 });

const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  hasSecret: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const DeliverySchema = Type.Object({
  id: Type.String(),
  eventType: Type.String(),
  eventId: Type.String(),
  caseId: Type.String(),
  status: StringEnum(['pending', 'delivered', 'failed'] as const),
  attempts: Type.Integer(),
  responseStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
  createdAt: Type.String(),
});
const DeliveryParams = Type.Object(
  { id: Type.String({ maxLength: 64 }), deliveryId: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

const tags = ['webhooks'];

export const webhookRoutes: RouteModule = (app, deps) => {
  app.post(
    '/api/v1/webhooks',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Subscribe a URL to case events (signed with X-Casework-Signature: sha256=<hex HMAC-SHA256(secret, body)>)',
        body: Type.Object(
          { url: Url, events: Events, secret: Secret, active: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 201: WebhookSchema, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const answer = await withIdempotency<WebhookJson>(deps, req, reply, async (deps) => ({
        status: 201,
        body: await createWebhook(deps, actorOf(req), req.body),
      }));
      return reply.status(answer.status as 201).send(answer.body);
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'List outbound webhooks',
        response: { 200: Type.Object({ webhooks: Type.Array(WebhookSchema) }), ...problems(401, 403) },
      },
    },
    async () => ({ webhooks: await listWebhooks(deps) }),
  );

  app.get(
    '/api/v1/webhooks/:id',
    {
      config: { permission: 'admin.channels' },
      schema: { tags, summary: 'Get an outbound webhook', params: IdParams, response: { 200: WebhookSchema, ...problems(401, 403, 404) } },
    },
    async (req) => getWebhook(deps, pathId(req.params.id, 'Webhook')),
  );

  app.patch(
    '/api/v1/webhooks/:id',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Change an outbound webhook',
        params: IdParams,
        body: Type.Object(
          { url: Type.Optional(Url), events: Type.Optional(Events), secret: Type.Optional(Secret), active: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: WebhookSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => updateWebhook(deps, actorOf(req), pathId(req.params.id, 'Webhook'), req.body),
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Delete an outbound webhook and its delivery log',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deleteWebhook(deps, actorOf(req), pathId(req.params.id, 'Webhook'));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'The delivery log of a webhook, newest first',
        params: IdParams,
        querystring: Type.Object(
          {
            status: Type.Optional(StringEnum(['pending', 'delivered', 'failed'] as const)),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ deliveries: Type.Array(DeliverySchema), nextCursor: Nullable(Type.String()) }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (req) => {
      const id = pathId(req.params.id, 'Webhook');
      if (req.query.cursor !== undefined && !/^[0-9a-f-]{36}$/i.test(req.query.cursor))
        throw invalid([{ field: 'cursor', message: 'is not a cursor from this list' }]);
      return listDeliveries(deps, id, req.query.status ?? null, req.query.cursor ?? null, req.query.limit ?? 50);
    },
  );

  app.post(
    '/api/v1/webhooks/:id/deliveries/:deliveryId/retry',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Send a delivery again now (e.g. one that failed for good)',
        params: DeliveryParams,
        response: { 200: DeliverySchema, ...problems(401, 403, 404) },
      },
    },
    async (req) => redeliver(deps, pathId(req.params.id, 'Webhook'), pathId(req.params.deliveryId, 'Delivery')),
  );
};
