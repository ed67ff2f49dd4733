import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { Text, problems } from './schemas.ts';
import { enforce, keyedLimit } from './account-limits.ts';
import { confirmPasswordReset, requestPasswordReset } from '../use-cases/accounts/password-reset.ts';

const HOUR = 3_600_000;
const Token = Text(200, 1);
const Password = Text(LIMITS.passwordMax, LIMITS.passwordMin);
const emailOf = (body: unknown) =>
  String((body as { email?: unknown } | undefined)?.email ?? '')
    .trim()
    .toLowerCase();

/** Password reset by email (SPEC §14). Two-factor sign-in and enrolment: two-factor.routes.ts. */
export const accountRoutes: RouteModule = (app, deps) => {
  const tags = ['session'];
  const perAddress = keyedLimit(app, 'reset', deps.config.passwordResetRateLimit, HOUR, (req) => emailOf(req.body));

  app.post(
    '/api/v1/auth/password-reset',
    {
      config: {
        permission: 'public',
        rateLimit: { max: deps.config.passwordResetIpRateLimit, timeWindow: HOUR, keyGenerator: (req) => `reset-ip:${req.ip}` },
      },
      schema: {
        tags,
        summary: 'Mail a password reset link (valid 1 h, single use) if the address has an account; 202 either way',
        body: Type.Object({ email: Text(LIMITS.email, 1) }, { additionalProperties: false }),
        response: { 202: Type.Null(), ...problems(400, 429) },
      },
    },
    async (req, reply) => {
      await enforce(perAddress, req, reply);
      await requestPasswordReset(deps, req.body.email, { ip: req.ip });
      return reply.status(202).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      config: {
        permission: 'public',
        rateLimit: { max: deps.config.passwordResetIpRateLimit, timeWindow: HOUR, keyGenerator: (req) => `reset-confirm:${req.ip}` },
      },
      schema: {
        tags,
        summary: "Set a new password with a reset link's token; ends every session of the user",
        body: Type.Object({ token: Token, password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problems(400, 429) },
      },
    },
    async (req, reply) => {
      await confirmPasswordReset(deps, req.body, { ip: req.ip });
      return reply.status(204).send(null);
    },
  );
};
