import { Type } from '@fastify/type-provider-typebox';
import { twoFactorRequired } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf, SESSION_COOKIE } from './auth-hook.ts';
import { Nullable, Text, problems } from './schemas.ts';
import type { AppUser } from '../auth/actor.ts';
import { completeSignIn, signIn } from '../use-cases/sign-in.ts';
import { signOut } from '../use-cases/sign-out.ts';
import { updateMe } from '../use-cases/update-me.ts';
import { PENDING_COOKIE, setSessionCookie, withRetryAfter } from './session-cookie.ts';

export const MeSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  permissions: Type.Array(Type.String()),
  timeZone: Type.String(),
  ownTimeZone: Nullable(Type.String()),
  teamIds: Type.Array(Type.String()),
  twoFactor: Type.Object({
    enabled: Type.Boolean(),
    required: Type.Boolean({ description: "The organisation's policy requires it of this user" }),
  }),
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
  twoFactor: { enabled: u.twoFactorEnabled, required: twoFactorRequired(u.twoFactorPolicy, u.permissions) },
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
        summary:
          'Sign in with email and password (sets an HttpOnly session cookie); a user with a second factor gets {mfaRequired: true} and no session until POST /auth/login/mfa',
        body: Type.Object({ email: Text(320, 1), password: Text(1000, 1) }, { additionalProperties: false }),
        response: { 200: Type.Union([MeSchema, Type.Object({ mfaRequired: Type.Literal(true) })]), ...problems(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      const result = await signIn(deps, req.body, { ip: req.ip });
      if (result.kind === 'second_factor') {
        reply.setCookie(PENDING_COOKIE, result.token, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/api/v1/auth',
          expires: result.expires,
          secure: deps.config.secureCookies || req.protocol === 'https',
        });
        return { mfaRequired: true as const };
      }
      setSessionCookie(deps, req, reply, result.session);
      return meJson(result.session.user);
    },
  );

  app.post(
    '/api/v1/auth/login/mfa',
    {
      config: {
        permission: 'public',
        rateLimit: { max: deps.config.loginRateLimit, timeWindow: 60_000, keyGenerator: (req) => `login-mfa:${req.ip}` },
      },
      schema: {
        tags,
        summary: 'Complete a sign-in with the code from the authenticator app, or a recovery code (each works once)',
        body: Type.Object({ code: Text(40, 1) }, { additionalProperties: false }),
        response: { 200: MeSchema, ...problems(401) },
      },
    },
    async (req, reply) => {
      const session = await withRetryAfter(reply, () => completeSignIn(deps, req.cookies[PENDING_COOKIE], req.body.code, { ip: req.ip }));
      reply.clearCookie(PENDING_COOKIE, { path: '/api/v1/auth' });
      setSessionCookie(deps, req, reply, session);
      return meJson(session.user);
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
      if (cookie) await signOut(deps, cookie, { ip: req.ip });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { permission: 'authenticated', channelToken: true, enrolment: true },
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
    async (req) => meJson(await updateMe(deps, actorOf(req), req.body)),
  );
};
