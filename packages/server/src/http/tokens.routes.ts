import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { Kysely } from 'kysely';
import type { RouteModule } from './route-types.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import { actorOf } from './auth-hook.ts';
import { IdParams, Nullable, problems, uuid } from './schemas.ts';
import { pathId } from './ids.ts';
import { Name } from './admin-schemas.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import { randomToken, sha256, uuidv7 } from '../ids.ts';

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

/** A channel scope needs a channel administrator, and a channel that exists. */
async function tokenChannel(db: Kysely<Database>, actor: AppUser, channelId: string | undefined): Promise<string | null> {
  if (channelId === undefined) return null;
  if (!actor.permissions.has('admin.tokens') && !actor.permissions.has('admin.channels')) {
    throw forbidden('admin.tokens', 'Only token or channel administrators may mint channel tokens.');
  }
  const ch = await db
    .selectFrom('channels')
    .select('id')
    .where('id', '=', channelId.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!ch) throw invalid([{ field: 'channelId', message: 'no such channel' }]);
  return ch.id;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Whose token may be minted: one's own always; another user's only with admin.tokens, and only an active one. */
async function tokenOwner(db: Kysely<Database>, actor: AppUser, userId: string | undefined): Promise<string> {
  const id = userId?.toLowerCase() ?? actor.id;
  if (id === actor.id) return id;
  if (!actor.permissions.has('admin.tokens')) throw forbidden('admin.tokens', 'Only token administrators may mint tokens for other users.');
  const user = await db.selectFrom('users').select(['id', 'active']).where('id', '=', id).executeTakeFirst();
  if (!user) throw invalid([{ field: 'userId', message: 'no such user' }]);
  if (!user.active) throw invalid([{ field: 'userId', message: 'the user is deactivated' }]);
  return id;
}

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
      const actor = actorOf(req);
      const channelId = await tokenChannel(db, actor, req.body.channelId);
      const userId = await tokenOwner(db, actor, req.body.userId);
      const token = randomToken('cw_');
      const row = {
        id: uuidv7(),
        user_id: userId,
        name: req.body.name.trim(),
        token_hash: sha256(token),
        created_at: deps.clock.now(),
        channel_id: channelId,
      };
      await db.insertInto('api_tokens').values(row).execute();
      return reply.status(201).send({ id: row.id, name: row.name, userId, channelId, createdAt: row.created_at.toISOString(), token });
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
      const actor = actorOf(req);
      let q = db
        .updateTable('api_tokens')
        .set({ revoked_at: deps.clock.now() })
        .where('id', '=', pathId(req.params.id, 'Token'))
        .where('revoked_at', 'is', null);
      if (!actor.permissions.has('admin.tokens')) q = q.where('user_id', '=', actor.id);
      const r = await q.executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw notFound('Token');
      return reply.status(204).send(null);
    },
  );
};
