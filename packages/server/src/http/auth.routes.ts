import { Type } from '@fastify/type-provider-typebox';
import { canonicalTimeZone } from '@casework/domain';
import { sql } from 'kysely';
import type { RouteModule } from './route-types.ts';
import { actorOf, SESSION_COOKIE } from './auth-hook.ts';
import { Nullable, Text, problems } from './schemas.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { randomToken, sha256 } from '../ids.ts';
import { invalid, Problem } from '../errors.ts';
import { findSessionUser, findUserActor, type AppUser } from '../auth/actor.ts';

export const MeSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  permissions: Type.Array(Type.String()),
  timeZone: Type.String(),
  ownTimeZone: Nullable(Type.String()),
  teamIds: Type.Array(Type.String()),
});

export const meJson = (u: AppUser) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.roleId,
  permissions: [...u.permissions].sort(),
  timeZone: u.timeZone,
  ownTimeZone: u.ownTimeZone,
  teamIds: [...u.teamIds],
});

export const authRoutes: RouteModule = (app, deps) => {
  const tags = ['session'];
  app.post(
    '/api/v1/auth/login',
    {
      config: {
        permission: 'public',
        rateLimit: {
          max: deps.config.loginRateLimit,
          timeWindow: 60_000,
          // Counted once the body is parsed, so the key really is per address and email.
          hook: 'preHandler',
          keyGenerator: (req) => `login:${req.ip}:${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
        },
      },
      schema: {
        tags,
        summary: 'Sign in with email and password (sets an HttpOnly session cookie)',
        body: Type.Object({ email: Text(320, 1), password: Text(1000, 1) }, { additionalProperties: false }),
        response: { 200: MeSchema, ...problems(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const now = deps.clock.now();
      const user = await deps.db.kysely
        .selectFrom('users')
        .select(['id', 'password_hash', 'active'])
        .where(sql`lower(email)`, '=', req.body.email.trim().toLowerCase())
        .executeTakeFirst();
      const ok = await verifyPassword(user?.active ? user.password_hash : null, req.body.password);
      if (!user || !ok) throw new Problem(401, 'unauthenticated', 'Sign-in failed', 'The email or password is not correct.');
      const token = randomToken('', 32);
      const expires = new Date(now.getTime() + deps.config.sessionDays * 86_400_000);
      await deps.db.kysely
        .insertInto('sessions')
        .values({ id: sha256(token), user_id: user.id, created_at: now, expires_at: expires, last_seen_at: now })
        .execute();
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        expires,
        secure: deps.config.secureCookies || req.protocol === 'https',
      });
      return meJson((await findSessionUser(deps.db.kysely, sha256(token), now))!);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { permission: 'public' },
      schema: { tags, summary: 'End the session', response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) await deps.db.kysely.deleteFrom('sessions').where('id', '=', sha256(cookie)).execute();
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: { tags, summary: 'The signed-in user', response: { 200: MeSchema, ...problems(401) } },
    },
    async (req) => meJson(actorOf(req)),
  );

  app.patch(
    '/api/v1/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "Change your name, time zone (null: the organisation's) or password",
        body: Type.Object(
          {
            name: Type.Optional(Text(200, 1)),
            timeZone: Type.Optional(Nullable(Text(64, 1))),
            password: Type.Optional(Text(1000, 8)),
            currentPassword: Type.Optional(Text(1000, 1)),
          },
          { additionalProperties: false },
        ),
        response: { 200: MeSchema, ...problems(400, 401) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const b = req.body;
      const zone = b.timeZone ? canonicalTimeZone(b.timeZone) : b.timeZone;
      if (zone === null && b.timeZone) throw invalid([{ field: 'timeZone', message: 'is not an IANA time zone' }]);
      const set: Record<string, unknown> = { updated_at: deps.clock.now() };
      if (b.name !== undefined) set.name = b.name.trim();
      if (zone !== undefined) set.time_zone = zone || null;
      if (b.password !== undefined) {
        const row = await deps.db.kysely.selectFrom('users').select('password_hash').where('id', '=', actor.id).executeTakeFirstOrThrow();
        if (!b.currentPassword || !(await verifyPassword(row.password_hash, b.currentPassword))) {
          throw invalid([{ field: 'currentPassword', message: 'is not correct' }]);
        }
        set.password_hash = await hashPassword(b.password);
      }
      await deps.db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('users').set(set).where('id', '=', actor.id).execute();
        // A new password signs the user out everywhere else (the session making the change stays).
        if (b.password !== undefined) {
          const keep = actor.via === 'session' ? actor.credentialId : '';
          await trx.deleteFrom('sessions').where('user_id', '=', actor.id).where('id', '<>', keep).execute();
        }
      });
      return meJson((await findUserActor(deps.db.kysely, actor.id))!);
    },
  );
};
