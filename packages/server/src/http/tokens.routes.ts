import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { IdParams, Nullable, problems, uuid } from './schemas.ts';
import { pathId } from './ids.ts';
import { Name } from './admin-schemas.ts';
import { createToken } from '../use-cases/create-token.ts';
import { revokeToken } from '../use-cases/revoke-token.ts';

const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  userId: Type.String(),
  channelId: Nullable(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
});
const CreatedSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  userId: Type.String(),
  channelId: Nullable(Type.String()),
  createdAt: Type.String(),
  token: Type.String({ description: 'Shown once; only its hash is stored' }),
});
const CreateBody = Type.Object(
  {
    name: Name(LIMITS.shortName),
    userId: Type.Optional(uuid('Mint for another user (needs admin.tokens)')),
    channelId: Type.Optional(
      uuid(
        "Scope the token to one channel: it creates that channel's cases and works only on its team's cases (needs admin.tokens or admin.channels)",
      ),
    ),
  },
  { additionalProperties: false },
);

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const tokenRoutes: RouteModule = (app, deps) => {
  const tags = ['tokens'];
  const db = deps.db.kysely;

  app.post(
    '/api/v1/tokens',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Mint an API token (for yourself, or for another user with admin.tokens); the token is shown once',
        body: CreateBody,
        response: { 201: CreatedSchema, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const t = await createToken(deps, actorOf(req), req.body);
      return reply.status(201).send({ ...t, createdAt: t.createdAt.toISOString() });
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "Tokens that are not revoked: your own, or everyone's with admin.tokens",
        response: { 200: Type.Object({ tokens: Type.Array(TokenSchema) }), ...problems(401, 403) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      let q = db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'user_id', 'channel_id', 'created_at', 'last_used_at'])
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc');
      if (!actor.permissions.has('admin.tokens')) q = q.where('user_id', '=', actor.id);
      const rows = await q.execute();
      return {
        tokens: rows.map((t) => ({
          id: t.id,
          name: t.name,
          userId: t.user_id,
          channelId: t.channel_id,
          createdAt: iso(t.created_at)!,
          lastUsedAt: iso(t.last_used_at),
        })),
      };
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "Revoke a token (your own, or any with admin.tokens); others' tokens answer 404",
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await revokeToken(deps, actorOf(req), pathId(req.params.id, 'Token'));
      return reply.status(204).send(null);
    },
  );
};
