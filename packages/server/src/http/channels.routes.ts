import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { CaseTypeSchema, Id, IdParams, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { withIdempotency } from './idempotency.ts';
import { notFound } from '../errors.ts';
import { findChannel } from '../db/repos/channels.ts';
import { channelJson, createChannel, deleteChannel, listChannels, updateChannel } from '../use-cases/admin-channels.ts';

const Settings = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]), {
  description:
    'Per type: web_connect {title, greeting, color}; support_sdk {title, greeting}; email {address, fromName, smtpUrl, smtpUser, smtpPassword*}; sms {accountSid, phoneNumber, apiBaseUrl, authToken*}; phone {accountSid, phoneNumber, greeting, authToken*}. *write-only secrets',
});

const ChannelSchema = Type.Object({
  id: Type.String(),
  type: CaseTypeSchema,
  name: Type.String(),
  teamId: Type.String(),
  publicKey: Nullable(Type.String()),
  address: Nullable(Type.String()),
  settings: Type.Record(Type.String(), Type.Unknown()),
  active: Type.Boolean(),
  endpoints: Type.Record(Type.String(), Type.String()),
  canDeliver: Type.Boolean({ description: 'Whether replies through this channel can reach customers' }),
  deliveryProblem: Nullable(Type.String({ description: 'Why replies through this channel cannot reach customers (null when they can)' })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const CreateBody = Type.Object(
  {
    type: CaseTypeSchema,
    name: Text(LIMITS.name, 1),
    teamId: Id,
    settings: Type.Optional(Settings),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    name: Type.Optional(Text(200, 1)),
    teamId: Type.Optional(Id),
    settings: Type.Optional(Settings),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ type: Type.Optional(CaseTypeSchema) }, { additionalProperties: false });

const tags = ['channels'];

export const channelRoutes: RouteModule = (app, deps) => {
  app.post(
    '/api/v1/channels',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Configure a channel (secrets in settings are write-only)',
        body: CreateBody,
        response: { 201: ChannelSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const answer = await withIdempotency(deps, req, reply, async () => {
        const ch = await createChannel(deps, {
          type: b.type,
          name: b.name.trim(),
          teamId: b.teamId.toLowerCase(),
          settings: b.settings ?? {},
          active: b.active,
        });
        return { status: 201, body: await channelJson(deps, ch) };
      });
      return reply.status(answer.status as 201).send(answer.body);
    },
  );

  app.get(
    '/api/v1/channels',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'List channels',
        querystring: ListQuery,
        response: { 200: Type.Object({ channels: Type.Array(ChannelSchema) }), ...problems(401, 403) },
      },
    },
    async (req) => {
      const list = await listChannels(deps.db.kysely, req.query.type);
      return { channels: await Promise.all(list.map((ch) => channelJson(deps, ch))) };
    },
  );

  app.get(
    '/api/v1/channels/:id',
    {
      config: { permission: 'admin.channels' },
      schema: { tags, summary: 'Get a channel', params: IdParams, response: { 200: ChannelSchema, ...problems(401, 403, 404) } },
    },
    async (req) => {
      const ch = await findChannel(deps.db.kysely, pathId(req.params.id, 'Channel'));
      if (!ch) throw notFound('Channel');
      return channelJson(deps, ch);
    },
  );

  app.patch(
    '/api/v1/channels/:id',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Change a channel (settings merge; null removes a value; secrets replaced only when sent)',
        params: IdParams,
        body: PatchBody,
        response: { 200: ChannelSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const b = req.body;
      const ch = await updateChannel(deps, pathId(req.params.id, 'Channel'), {
        name: b.name?.trim(),
        teamId: b.teamId?.toLowerCase(),
        settings: b.settings,
        active: b.active,
      });
      return channelJson(deps, ch);
    },
  );

  app.delete(
    '/api/v1/channels/:id',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: 'Remove a channel (its cases stay)',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deleteChannel(deps, pathId(req.params.id, 'Channel'));
      return reply.status(204).send(null);
    },
  );
};
