import { type Static, Type } from '@fastify/type-provider-typebox';
import { canView, LIMITS } from '@casework/domain';
import { sql } from 'kysely';
import { withIdempotency } from './idempotency.ts';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { IdParams, Nullable, StringEnum, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { postAgentMessage, type MessageRow } from '../use-cases/post-message.ts';
import { attachmentsOf, type AttachmentJson } from '../db/repos/attachments.ts';
import { AttachmentSchema } from './attachments.routes.ts';
import { readMultipartMessage } from './multipart-message.ts';
import { retryDelivery } from '../use-cases/retry-delivery.ts';
import { deliveriesOf, type Delivery } from '../channels/outbound/delivery.ts';
import { DELIVERY_STATES, MAX_COPIES } from '@casework/domain';
import { findCaseView } from '../db/repos/case-views.ts';
import { invalid, notFound } from '../errors.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';

const DeliverySchema = Type.Object(
  {
    state: StringEnum(
      DELIVERY_STATES,
      "queued: waiting to be sent or retried; sent: handed to the provider (chat: in the customer's chat); delivered: the provider confirmed it; failed: will not be tried again unless retried",
    ),
    attempts: Type.Integer({ description: 'Sending attempts made so far' }),
    lastError: Type.Optional(Type.String({ description: 'Why the last attempt failed (queued or failed only)' })),
    at: Type.String({ description: 'When the state last changed' }),
    nextAttemptAt: Type.Optional(Type.String({ description: 'When the next attempt is due (queued only)' })),
  },
  { description: 'Delivery to the customer of an outbound message' },
);
const AuthSchema = Type.Object(
  {
    spf: Type.String({ description: 'pass, fail, softfail, neutral, none, temperror or permerror' }),
    dkim: Type.String({ description: 'The best DKIM result: pass, fail, neutral, none, policy, temperror or permerror' }),
    dmarc: Type.String({ description: 'pass, fail, none, temperror or permerror' }),
    dmarcPolicy: Type.Optional(Type.String({ description: "The sender domain's DMARC policy: none, quarantine or reject" })),
    domain: Type.Optional(Type.String({ description: 'The From domain the verdicts are about' })),
  },
  { description: 'SPF, DKIM and DMARC verdicts of an inbound mail' },
);
const MessageSchema = Type.Object({
  id: Type.String(),
  body: Type.String(),
  internal: Type.Boolean(),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('note')]),
  channel: Type.String(),
  authorId: Nullable(Type.String()),
  createdAt: Type.String(),
  html: Type.Optional(
    Type.String({ description: "Sanitised HTML: an inbound mail's, or what an email reply was sent as (its body is the plain text)" }),
  ),
  attachments: Type.Array(AttachmentSchema, { description: 'Files that came with the message' }),
  delivery: Type.Union([DeliverySchema, Type.Null()], {
    description:
      'Outbound messages only; null for customer messages, notes and replies recorded before delivery was tracked (imported history)',
  }),
  cc: Type.Array(Type.String(), { description: "Email: the copies of a reply, or an inbound mail's Cc" }),
  bcc: Type.Array(Type.String(), { description: "Email: a reply's blind copies (never sent to the customer)" }),
  from: Nullable(Type.String({ description: "Email: who wrote an inbound mail when it was not the case's customer (someone copied in)" })),
  automatic: Nullable(
    Type.String({
      description: 'Email: the kind of automatic mail an inbound mail was (auto_replied, auto_generated, bulk); null for a person',
    }),
  ),
  auth: Nullable(AuthSchema),
});
const MessageParams = Type.Object(
  { id: Type.String({ maxLength: 64 }), messageId: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);
const EventSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  actorId: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});
const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

const messageJson = (m: MessageRow, delivery: Delivery | null, attachments: AttachmentJson[] = []) => ({
  id: m.id,
  body: m.body,
  ...(m.html ? { html: m.html } : {}),
  internal: m.internal,
  direction: m.direction,
  channel: m.channel,
  authorId: m.authorId,
  createdAt: m.createdAt.toISOString(),
  attachments,
  delivery,
  cc: m.mail?.cc ?? [],
  bcc: m.mail?.bcc ?? [],
  from: m.mail?.fromAddress ?? null,
  automatic: m.mail?.automatic ?? null,
  auth: (m.mail?.auth ?? null) as Static<typeof AuthSchema> | null,
});

async function visibleCase(deps: Deps, actor: AppUser, id: string) {
  const v = await findCaseView(deps.db.kysely, pathId(id));
  if (!v || !canView(actor, v)) throw notFound();
  return v;
}

// Keyset pages in ascending order; the cursor is the last row's sequence (time + id, or event id).
const decode = (s: string | undefined) => {
  if (!s) return null;
  const [t, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  if (!t || !id || Number.isNaN(Date.parse(t))) throw invalid([{ field: 'cursor', message: 'is not a cursor from this list' }]);
  return { t: new Date(t), id };
};
const encode = (t: Date, id: string) => Buffer.from(`${t.toISOString()}|${id}`).toString('base64url');

export const messageRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/cases/:id/messages',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: {
        tags: ['conversation'],
        summary: 'The conversation: customer messages, replies and internal notes, oldest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Type.Object({ messages: Type.Array(MessageSchema), nextCursor: Nullable(Type.String()) }), ...problems(401, 404) },
      },
    },
    async (req) => {
      const c = await visibleCase(deps, actorOf(req), req.params.id);
      const limit = req.query.limit ?? 100;
      const cur = decode(req.query.cursor);
      if (cur && !/^[0-9a-f-]{36}$/.test(cur.id)) throw invalid([{ field: 'cursor', message: 'is not a cursor from this list' }]);
      let q = deps.db.kysely.selectFrom('messages').selectAll().where('case_id', '=', c.id);
      if (cur) q = q.where(sql<boolean>`(created_at, id) > (${cur.t}, ${cur.id}::uuid)`);
      const rows = await q
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const files = await attachmentsOf(
        deps.db.kysely,
        page.map((r) => r.id),
      );
      const deliveries = await deliveriesOf(
        deps.db.kysely,
        page.filter((r) => r.direction === 'outbound').map((r) => r.id),
      );
      return {
        messages: page.map((r) =>
          messageJson(
            {
              id: r.id,
              caseId: r.case_id,
              body: r.body,
              html: r.html,
              internal: r.internal,
              direction: r.direction as MessageRow['direction'],
              channel: r.channel,
              authorId: r.author_id,
              createdAt: new Date(r.created_at),
              mail: { cc: r.cc, bcc: r.bcc, fromAddress: r.from_address, automatic: r.automatic, auth: r.mail_auth },
            },
            deliveries.get(r.id) ?? null,
            files.get(r.id),
          ),
        ),
        nextCursor: rows.length > limit && last ? encode(new Date(last.created_at), last.id) : null,
      };
    },
  );

  app.post(
    '/api/v1/cases/:id/messages',
    {
      config: { permission: 'case:message', channelToken: true, multipart: true },
      schema: {
        tags: ['conversation'],
        summary: 'Reply to the customer, or add an internal note (internal: true)',
        params: IdParams,
        description:
          'JSON, or multipart/form-data with the fields `body`, `internal` and files (`files[]`, streamed like POST /uploads). ' +
          '`attachmentIds` names files uploaded before (POST /api/v1/uploads) by the same user and not sent yet. ' +
          'The body may be blank when files are attached.',
        consumes: ['application/json', 'multipart/form-data'],
        body: Type.Object(
          {
            body: Type.String({ maxLength: LIMITS.message }),
            internal: Type.Optional(Type.Boolean()),
            cc: Type.Optional(Type.Array(Type.String({ maxLength: 254 }), { maxItems: MAX_COPIES, description: 'Email replies: copies' })),
            bcc: Type.Optional(
              Type.Array(Type.String({ maxLength: 254 }), { maxItems: MAX_COPIES, description: 'Email replies: blind copies' }),
            ),
            attachmentIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, uniqueItems: true })),
          },
          { additionalProperties: false },
        ),
        response: { 201: MessageSchema, ...problems(400, 401, 403, 404, 413) },
      },
      preValidation: async (req, reply) => {
        if (req.isMultipart()) req.body = await readMultipartMessage(deps, req, reply);
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const attachmentIds = req.body.attachmentIds ?? [];
      if (!req.body.body.trim() && attachmentIds.length === 0) throw invalid([{ field: 'body', message: 'must not be blank' }]);
      // A retried reply (its first answer lost to a failed connection) is posted once: Idempotency-Key.
      const answer = await withIdempotency(deps, req, reply, async (deps) => {
        // The answer is the message as written: its delivery and files come from the write, not read back.
        const { message, delivery, files } = await postAgentMessage(
          deps,
          actor,
          pathId(req.params.id),
          req.body.body,
          req.body.internal ?? false,
          { cc: req.body.cc, bcc: req.body.bcc },
          attachmentIds,
        );
        return { status: 201, body: messageJson(message, delivery, files) };
      });
      return reply.status(answer.status as 201).send(answer.body);
    },
  );

  app.post(
    '/api/v1/cases/:id/messages/:messageId/retry',
    {
      config: { permission: 'case:message', channelToken: true },
      schema: {
        tags: ['conversation'],
        summary: 'Send a reply whose delivery failed again (409 unless it failed, or while its channel cannot deliver)',
        params: MessageParams,
        response: { 200: Type.Object({ messageId: Type.String(), delivery: DeliverySchema }), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const messageId = pathId(req.params.messageId, 'Message');
      const delivery = await retryDelivery(deps, actorOf(req), pathId(req.params.id), messageId);
      return { messageId, delivery };
    },
  );

  app.get(
    '/api/v1/cases/:id/events',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: {
        tags: ['conversation'],
        summary: 'The case history (append-only), oldest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Type.Object({ events: Type.Array(EventSchema), nextCursor: Nullable(Type.String()) }), ...problems(401, 404) },
      },
    },
    async (req) => {
      const c = await visibleCase(deps, actorOf(req), req.params.id);
      const limit = req.query.limit ?? 200;
      const after = req.query.cursor;
      if (after !== undefined && !/^\d{1,18}$/.test(after)) throw invalid([{ field: 'cursor', message: 'is not a cursor from this list' }]);
      // Ordered by the column, not the text alias `id` (as text, event 10 would sort before event 9).
      const rows = await sql<{ id: string; type: string; actor_id: string | null; data: Record<string, unknown>; created_at: Date }>`
      SELECT id::text AS id, type, actor_id::text AS actor_id, data, created_at FROM case_events
      WHERE case_id = ${c.id}::uuid ${after ? sql`AND id > ${after}::bigint` : sql``}
      ORDER BY case_events.id LIMIT ${limit + 1}`.execute(deps.db.kysely);
      const page = rows.rows.slice(0, limit);
      return {
        events: page.map((e) => ({
          id: e.id,
          type: e.type,
          actorId: e.actor_id,
          data: e.data,
          createdAt: new Date(e.created_at).toISOString(),
        })),
        nextCursor: rows.rows.length > limit ? page[page.length - 1]!.id : null,
      };
    },
  );
};
