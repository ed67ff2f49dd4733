import { Type } from '@fastify/type-provider-typebox';
import { canView } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import { actorOf } from './auth-hook.ts';
import { Content, IdParams, Nullable, StringEnum, problems } from './schemas.ts';
import { sendAttachment } from './attachment-response.ts';
import { pathId } from './ids.ts';
import { notFound } from '../errors.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { findCaseChannel } from '../db/repos/channels.ts';
import { deliveryFacts } from '../channels/outbound/delivery.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

async function visibleCase(deps: Deps, actor: AppUser, id: string) {
  const v = await findCaseView(deps.db.kysely, pathId(id));
  if (!v || !canView(actor, v)) throw notFound();
  return v;
}

const ChannelInfo = Type.Object({
  channel: Nullable(Type.Object({ id: Type.String(), type: Type.String(), name: Type.String() })),
  customerAddress: Nullable(Type.String()),
  canDeliver: Type.Boolean({ description: 'Whether a reply on this case can reach the customer' }),
  deliveryProblem: Nullable(Type.String({ description: 'Why replies cannot reach the customer (null when they can)' })),
  deliveries: Type.Array(
    Type.Object({
      messageId: Type.String(),
      status: Type.String(),
      attempts: Type.Integer(),
      lastError: Nullable(Type.String()),
      nextAttemptAt: Nullable(Type.String()),
      sentAt: Nullable(Type.String()),
    }),
  ),
  attachments: Type.Array(
    Type.Object({
      id: Type.String(),
      messageId: Type.String(),
      filename: Nullable(Type.String()),
      contentType: Type.String(),
      size: Type.Integer(),
      kept: Type.Boolean(),
    }),
  ),
});

/** What the channel did for a case: where it talks, each reply's delivery status, received attachments. */
export const caseChannelRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/cases/:id/channel',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: {
        tags: ['channels'],
        summary: "The case's channel, delivery status of replies (email/SMS) and attachments",
        params: IdParams,
        response: { 200: ChannelInfo, ...problems(401, 404) },
      },
    },
    async (req) => {
      const c = await visibleCase(deps, actorOf(req), req.params.id);
      const db = deps.db.kysely;
      const link = await db
        .selectFrom('case_channels as cc')
        .innerJoin('channels as ch', 'ch.id', 'cc.channel_id')
        .select(['ch.id', 'ch.type', 'ch.name', 'cc.customer_address'])
        .where('cc.case_id', '=', c.id)
        .executeTakeFirst();
      const facts = await deliveryFacts(deps, (await findCaseChannel(db, c.id)) ?? null);
      const out = await db
        .selectFrom('outbound_messages')
        .selectAll()
        .where('case_id', '=', c.id)
        .where('message_id', 'is not', null) // replies; survey invitations are in the history
        .orderBy('created_at')
        .execute();
      const atts = await db
        .selectFrom('message_attachments as a')
        .innerJoin('messages as m', 'm.id', 'a.message_id')
        .select(['a.id', 'a.message_id', 'a.filename', 'a.content_type', 'a.size', 'a.state'])
        .where('m.case_id', '=', c.id)
        .orderBy('a.created_at')
        .execute();
      return {
        channel: link ? { id: link.id, type: link.type, name: link.name } : null,
        customerAddress: link?.customer_address ?? null,
        ...facts,
        deliveries: out.map((o) => ({
          messageId: o.message_id!,
          status: o.status,
          attempts: o.attempts,
          lastError: o.last_error,
          nextAttemptAt: o.status === 'queued' ? iso(o.next_attempt_at) : null,
          sentAt: iso(o.sent_at),
        })),
        attachments: atts.map((a) => ({
          id: a.id,
          messageId: a.message_id!,
          filename: a.filename,
          contentType: a.content_type,
          size: a.size,
          kept: a.state === 'stored',
        })),
      };
    },
  );

  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: {
        tags: ['channels'],
        summary: 'Download a received attachment (kept when within the size limit)',
        description:
          'A download (Content-Disposition: attachment). `disposition=inline` shows a PNG, JPEG, GIF or WebP image in place ' +
          '(thumbnails); any other file is still a download, served as application/octet-stream.',
        params: Type.Object(
          { id: Type.String({ maxLength: 64 }), attachmentId: Type.String({ maxLength: 64 }) },
          { additionalProperties: false },
        ),
        querystring: Type.Object(
          { disposition: Type.Optional(StringEnum(['attachment', 'inline'] as const)) },
          { additionalProperties: false },
        ),
        response: {
          200: Content('*/*', 'The file: application/octet-stream, or the image itself with disposition=inline'),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req, reply) => {
      const c = await visibleCase(deps, actorOf(req), req.params.id);
      const a = await deps.db.kysely
        .selectFrom('message_attachments as a')
        .innerJoin('messages as m', 'm.id', 'a.message_id')
        .select(['a.id', 'a.filename', 'a.content_type', 'a.size', 'a.state', 'a.file_path'])
        .where('a.id', '=', pathId(req.params.attachmentId, 'Attachment'))
        .where('m.case_id', '=', c.id)
        .executeTakeFirst();
      if (a?.state !== 'stored') throw notFound('Attachment');
      return sendAttachment(deps, reply, a, req.query.disposition === 'inline');
    },
  );
};
