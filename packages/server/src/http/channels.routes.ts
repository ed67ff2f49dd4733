import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { CaseTypeSchema, Id, IdParams, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { withIdempotency } from './idempotency.ts';
import { notFound } from '../errors.ts';
import { findChannel } from '../db/repos/channels.ts';
import { channelJson, createChannel, deleteChannel, listChannels, updateChannel } from '../use-cases/admin-channels.ts';
import { testMailConnection } from '../use-cases/test-mail-connection.ts';

const OptText = Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()]));
const MailServerInput = Type.Object(
  {
    host: OptText,
    port: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.String({ maxLength: 5 }), Type.Null()])),
    security: Type.Optional(Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none'), Type.Null()])),
    user: OptText,
    password: Type.Optional(Type.Union([Type.String({ maxLength: 500, description: 'write-only' }), Type.Null()])),
    folder: OptText,
  },
  { additionalProperties: false, description: 'A mail server: null removes it; fields left out keep their value' },
);
const Settings = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 2000 }), Type.Null(), MailServerInput]), {
  description:
    'Per type: web_connect {title, greeting, color}; support_sdk {title, greeting}; email {address, fromName, signature (Markdown, added under every reply), imap {host, port, security: tls|starttls|none, user, password*, folder (INBOX)}, smtp {host, port, security, user, password*}, smtpUrl, smtpUser, smtpPassword*}; sms {accountSid, phoneNumber, apiBaseUrl, authToken*}; phone {accountSid, phoneNumber, greeting, authToken*}. *write-only secrets',
});
const Check = Nullable(Type.Object({ ok: Type.Boolean(), message: Type.String() }));
const TestResult = Type.Object({ imap: Check, smtp: Check });

const ChannelSchema = Type.Object({
  id: Type.String(),
  type: CaseTypeSchema,
  name: Type.String(),
  teamId: Type.String(),
  publicKey: Nullable(Type.String()),
  address: Nullable(Type.String()),
  settings: Type.Record(Type.String(), Type.Unknown()),
  active: Type.Boolean(),
  surveys: Type.Boolean({
    description: 'Whether resolving a case of this channel sends the customer a satisfaction survey (email and SMS channels; SPEC §12)',
  }),
  endpoints: Type.Record(Type.String(), Type.String()),
  canDeliver: Type.Boolean({ description: 'Whether replies through this channel can reach customers' }),
  deliveryProblem: Nullable(Type.String({ description: 'Why replies through this channel cannot reach customers (null when they can)' })),
  mailFetch: Type.Optional(
    Nullable(
      Type.Object(
        {
          lastSuccessAt: Nullable(Type.String()),
          lastError: Nullable(Type.String()),
          lastErrorAt: Nullable(Type.String()),
          fetchedCount: Type.Integer(),
        },
        {
          description: 'Email channels fetching over IMAP: the last check that reached the mailbox, the last error (cleared by a success)',
        },
      ),
    ),
  ),
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
    surveys: Type.Optional(Type.Boolean({ description: 'Send satisfaction surveys after resolving (default true)' })),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    name: Type.Optional(Text(200, 1)),
    teamId: Type.Optional(Id),
    settings: Type.Optional(Settings),
    active: Type.Optional(Type.Boolean()),
    surveys: Type.Optional(Type.Boolean({ description: 'Send satisfaction surveys after resolving (default true)' })),
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
      const answer = await withIdempotency(deps, req, reply, async (deps) => {
        const ch = await createChannel(deps, actorOf(req), {
          type: b.type,
          name: b.name.trim(),
          teamId: b.teamId.toLowerCase(),
          settings: b.settings ?? {},
          active: b.active,
          surveys: b.surveys,
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
      const ch = await updateChannel(deps, actorOf(req), pathId(req.params.id, 'Channel'), {
        name: b.name?.trim(),
        teamId: b.teamId?.toLowerCase(),
        settings: b.settings,
        active: b.active,
        surveys: b.surveys,
      });
      return channelJson(deps, ch);
    },
  );

  app.post(
    '/api/v1/channels/:id/test-connection',
    {
      config: { permission: 'admin.channels' },
      schema: {
        tags,
        summary: "Try an email channel's saved IMAP and SMTP servers (connect, TLS, login; nothing is fetched or sent)",
        params: IdParams,
        response: { 200: TestResult, ...problems(401, 403, 404, 409) },
      },
    },
    async (req) => testMailConnection(deps, pathId(req.params.id, 'Channel')),
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
      await deleteChannel(deps, actorOf(req), pathId(req.params.id, 'Channel'));
      return reply.status(204).send(null);
    },
  );
};
