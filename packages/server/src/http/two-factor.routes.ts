import { Type } from '@fastify/type-provider-typebox';
import { twoFactorRequired } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { IdParams, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { withRetryAfter } from './session-cookie.ts';
import { confirmTwoFactor, disableTwoFactor, recoveryCodesLeft, resetTwoFactor, setUpTwoFactor } from '../use-cases/accounts/two-factor.ts';

/** Two-factor sign-in (SPEC §14): enrolment and removal by the user, reset by an administrator. */
export const twoFactorRoutes: RouteModule = (app, deps) => {
  const tags = ['session'];
  const perUser = { max: deps.config.loginRateLimit, timeWindow: 60_000, keyGenerator: (req: { ip: string }) => `2fa:${req.ip}` };

  app.get(
    '/api/v1/me/2fa',
    {
      config: { permission: 'authenticated', enrolment: true },
      schema: {
        tags,
        summary: 'Whether your second factor is on, and how many recovery codes are left',
        response: { 200: Type.Object({ enabled: Type.Boolean(), required: Type.Boolean(), recoveryCodesLeft: Type.Integer() }) },
      },
    },
    async (req) => {
      const me = actorOf(req);
      return {
        enabled: me.twoFactorEnabled,
        required: twoFactorRequired(me.twoFactorPolicy, me.permissions),
        recoveryCodesLeft: await recoveryCodesLeft(deps.db.kysely, me.id),
      };
    },
  );

  app.post(
    '/api/v1/me/2fa/setup',
    {
      config: { permission: 'authenticated', enrolment: true },
      schema: {
        tags,
        summary: 'Start setting up an authenticator app: the secret, its otpauth URL and a QR code (SVG data URL)',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrCode: Type.String() }), ...problems(409) },
      },
    },
    async (req) => setUpTwoFactor(deps, actorOf(req)),
  );

  app.post(
    '/api/v1/me/2fa/confirm',
    {
      config: { permission: 'authenticated', enrolment: true, rateLimit: perUser },
      schema: {
        tags,
        summary: 'Confirm the set-up with a code from the app; answers the ten recovery codes, shown only now',
        body: Type.Object({ code: Text(20, 1) }, { additionalProperties: false }),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...problems(409) },
      },
    },
    async (req, reply) => withRetryAfter(reply, () => confirmTwoFactor(deps, actorOf(req), req.body.code, { ip: req.ip })),
  );

  app.delete(
    '/api/v1/me/2fa',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Turn your second factor off (your password confirms it); refused while the organisation requires it',
        body: Type.Object({ password: Text(1000, 1) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problems(409) },
      },
    },
    async (req, reply) => {
      await disableTwoFactor(deps, actorOf(req), req.body.password, { ip: req.ip });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/users/:id/2fa',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags: ['users'],
        summary: "Reset a user's second factor (a lost phone): they sign in with their password and set it up again",
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await resetTwoFactor(deps, actorOf(req), pathId(req.params.id, 'User'), { ip: req.ip });
      return reply.status(204).send(null);
    },
  );
};
