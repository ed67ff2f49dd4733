import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { Nullable, Text, problems } from './schemas.ts';
import { PENDING_COOKIE, setSessionCookie } from './session-cookie.ts';
import type { Deps } from '../deps.ts';
import { loadSsoSettings, readSsoSettings, saveSsoSettings } from '../use-cases/accounts/sso-settings.ts';
import { finishSsoSignIn, type SsoStep, startSsoSignIn } from '../use-cases/accounts/sso-sign-in.ts';

/** The cookie tying a browser to the sign-in it started (not a session: only the callback reads it). */
const FLOW_COOKIE = 'casework_sso';
const FLOW_PATH = '/api/v1/auth/oidc';

const PasswordLogin = Type.Union([Type.Literal('everyone'), Type.Literal('admins')], {
  description: 'While single sign-on is on: everyone may still sign in with a password, or administrators only',
});

const SettingsSchema = Type.Object({
  enabled: Type.Boolean(),
  issuer: Nullable(
    Type.String({
      description: "The provider's issuer URL (its discovery document is read from <issuer>/.well-known/openid-configuration)",
    }),
  ),
  clientId: Nullable(Type.String()),
  clientSecret: Nullable(Type.String({ description: 'Write-only: reads as ******** once set, else null' })),
  scopes: Type.String({ description: 'Space-separated; openid is always included' }),
  buttonLabel: Type.String({ description: 'The sign-in page shows "Sign in with <buttonLabel>"' }),
  createUsers: Type.Boolean({ description: 'true: create a user on first sign-in; false: only existing users may sign in' }),
  defaultRole: Type.String(),
  defaultTeamIds: Type.Array(Type.String()),
  passwordLogin: PasswordLogin,
  redirectUri: Type.String({ description: "Register this as the client's redirect URI at the provider" }),
});

const SettingsBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    issuer: Type.Optional(Nullable(Text(2000, 1))),
    clientId: Type.Optional(Nullable(Text(500, 1))),
    clientSecret: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'Write-only; left out (or sent back as ********) it stays as it is' }),
    ),
    scopes: Type.Optional(
      Type.String({ maxLength: 500, pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E ]*$', description: 'Space-separated scope names' }),
    ),
    buttonLabel: Type.Optional(Text(60, 1)),
    createUsers: Type.Optional(Type.Boolean()),
    defaultRole: Type.Optional(Text(100, 1)),
    defaultTeamIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 200 })),
    passwordLogin: Type.Optional(PasswordLogin),
  },
  { additionalProperties: false },
);

const Redirect = Type.Null({ description: 'Redirect (Location): to the provider, or back to a page of the app' });

/** Sends the browser on with the cookies the step sets. */
function follow(deps: Deps, req: FastifyRequest, reply: FastifyReply, step: SsoStep) {
  const secure = deps.config.secureCookies || req.protocol === 'https';
  if (step.flow)
    reply.setCookie(FLOW_COOKIE, step.flow.token, { httpOnly: true, sameSite: 'lax', path: FLOW_PATH, expires: step.flow.expires, secure });
  if (step.session) setSessionCookie(deps, req, reply, step.session);
  if (step.pending)
    reply.setCookie(PENDING_COOKIE, step.pending.token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/api/v1/auth',
      expires: step.pending.expires,
      secure,
    });
  reply.header('cache-control', 'no-store');
  return reply.redirect(step.location, 302);
}

export const ssoRoutes: RouteModule = (app, deps) => {
  const tags = ['session'];

  app.get(
    '/api/v1/organisation/sso',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags: ['organisation'],
        summary: 'Single sign-on with OpenID Connect: the settings (the client secret masked)',
        response: { 200: SettingsSchema },
      },
    },
    async () => readSsoSettings(deps),
  );

  app.put(
    '/api/v1/organisation/sso',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags: ['organisation'],
        summary:
          'Change single sign-on (admins). Fields left out keep their value. The issuer must be reachable and allowed as an outbound target; while on, its discovery document must be readable',
        body: SettingsBody,
        response: { 200: SettingsSchema, ...problems(400) },
      },
    },
    async (req) => saveSsoSettings(deps, actorOf(req), req.body, { ip: req.ip }),
  );

  app.get(
    '/api/v1/auth/methods',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'How one may sign in: the single sign-on button (when on) and who may use a password',
        response: {
          200: Type.Object({
            sso: Nullable(Type.Object({ label: Type.String(), startUrl: Type.String() })),
            passwordLogin: PasswordLogin,
          }),
        },
      },
    },
    async () => {
      const s = await loadSsoSettings(deps.db.kysely);
      return {
        sso: s.enabled ? { label: s.buttonLabel, startUrl: `${FLOW_PATH}/start` } : null,
        passwordLogin: s.enabled ? s.passwordLogin : ('everyone' as const),
      };
    },
  );

  const startLimit = { max: deps.config.loginRateLimit, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `sso-start:${req.ip}` };

  app.get(
    `${FLOW_PATH}/start`,
    {
      config: { permission: 'public', rateLimit: startLimit },
      schema: {
        tags,
        summary:
          'Sign in with the OpenID provider: redirects to it (authorisation code with PKCE); `next` is the page of this site to return to',
        querystring: Type.Object({ next: Type.Optional(Text(2000, 0)) }, { additionalProperties: false }),
        response: { 302: Redirect },
      },
    },
    async (req, reply) => follow(deps, req, reply, await startSsoSignIn(deps, { next: req.query.next }, { ip: req.ip })),
  );

  app.post(
    `${FLOW_PATH}/start`,
    {
      config: { permission: 'public', rateLimit: startLimit },
      schema: {
        tags,
        summary:
          "Start a sign-in with the OpenID provider that accepts an invitation (its link's token in the body, so it stays out of URLs): answers where to send the browser",
        body: Type.Object({ invitation: Text(200, 1), next: Type.Optional(Text(2000, 0)) }, { additionalProperties: false }),
        response: { 200: Type.Object({ location: Type.String() }) },
      },
    },
    async (req, reply) => {
      const step = await startSsoSignIn(deps, { next: req.body.next, invitation: req.body.invitation }, { ip: req.ip });
      if (step.flow)
        reply.setCookie(FLOW_COOKIE, step.flow.token, {
          httpOnly: true,
          sameSite: 'lax',
          path: FLOW_PATH,
          expires: step.flow.expires,
          secure: deps.config.secureCookies || req.protocol === 'https',
        });
      return { location: step.location };
    },
  );

  app.get(
    `${FLOW_PATH}/callback`,
    {
      config: { permission: 'public', rateLimit: startLimit },
      schema: {
        tags,
        summary:
          'Where the provider sends the browser back: checks state, code (PKCE) and ID token, signs in and redirects to the app (or to /login?sso=<reason> when refused)',
        response: { 302: Redirect },
      },
    },
    async (req, reply) => {
      const query = new URLSearchParams(req.url.split('?')[1] ?? '');
      const step = await finishSsoSignIn(deps, req.cookies[FLOW_COOKIE], query, { ip: req.ip });
      reply.clearCookie(FLOW_COOKIE, { path: FLOW_PATH });
      return follow(deps, req, reply, step);
    },
  );
};
