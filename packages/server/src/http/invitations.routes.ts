import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { Id, IdParams, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { Name } from './admin-schemas.ts';
import { MeSchema, meJson } from './auth.routes.ts';
import { setSessionCookie } from './session-cookie.ts';
import {
  acceptInvitation,
  inviteUser,
  listInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from '../use-cases/accounts/invitations.ts';

const InvitationSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  teamIds: Type.Array(Type.String()),
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  expired: Type.Boolean({ description: 'The link has expired: resend or revoke' }),
});
const Token = Text(200, 1);
const HOUR = 3_600_000;

/** Invitations (SPEC §14): administrators invite by email; the invitee sets name and password through the mailed link. */
export const invitationRoutes: RouteModule = (app, deps) => {
  const tags = ['users'];
  const tokenLimit = {
    max: deps.config.passwordResetIpRateLimit,
    timeWindow: HOUR,
    keyGenerator: (req: { ip: string }) => `invitation:${req.ip}`,
  };

  app.get(
    '/api/v1/invitations',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary: 'Open invitations (not accepted or revoked; expired ones too)',
        response: { 200: Type.Object({ invitations: Type.Array(InvitationSchema) }) },
      },
    },
    async () => ({ invitations: await listInvitations(deps) }),
  );

  app.post(
    '/api/v1/invitations',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary: 'Invite someone by email: a single-use link valid 24 h (replaces an open invitation to the address)',
        body: Type.Object(
          {
            email: Type.String({ format: 'email', minLength: 3, maxLength: LIMITS.email }),
            name: Name(),
            role: Text(64, 1),
            teamIds: Type.Array(Id, { maxItems: 500 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: InvitationSchema, ...problems(409, 502, 503) },
      },
    },
    async (req, reply) => reply.status(201).send(await inviteUser(deps, actorOf(req), req.body, { ip: req.ip })),
  );

  app.post(
    '/api/v1/invitations/:id/resend',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary: 'Mail the invitation again with a new link valid 24 h (the old link stops working)',
        params: IdParams,
        response: { 200: InvitationSchema, ...problems(502, 503) },
      },
    },
    async (req) => resendInvitation(deps, actorOf(req), pathId(req.params.id, 'Invitation'), { ip: req.ip }),
  );

  app.delete(
    '/api/v1/invitations/:id',
    {
      config: { permission: 'admin.users' },
      schema: { tags, summary: 'Revoke an open invitation', params: IdParams, response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      await revokeInvitation(deps, actorOf(req), pathId(req.params.id, 'Invitation'), { ip: req.ip });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/invitations/preview',
    {
      config: { permission: 'public', rateLimit: tokenLimit },
      schema: {
        tags,
        summary: "An invitation link's address and name, before accepting (400 if the link cannot be used)",
        body: Type.Object({ token: Token }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            email: Type.String(),
            name: Type.String(),
            organisation: Type.String(),
            signInWith: Nullable(
              Type.String({ description: 'While single sign-on is on: its button label (accept by signing in with it)' }),
            ),
            passwordAllowed: Type.Boolean({ description: 'Whether the invitee may accept by choosing a password' }),
          }),
        },
      },
    },
    async (req) => previewInvitation(deps, req.body.token),
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { permission: 'public', rateLimit: tokenLimit },
      schema: {
        tags,
        summary: 'Accept an invitation: set your name and password; signs you in (sets the session cookie)',
        body: Type.Object(
          { token: Token, name: Type.Optional(Name()), password: Text(LIMITS.passwordMax, LIMITS.passwordMin) },
          { additionalProperties: false },
        ),
        response: { 200: MeSchema, ...problems(403, 409) },
      },
    },
    async (req, reply) => {
      const session = await acceptInvitation(deps, req.body, { ip: req.ip });
      setSessionCookie(deps, req, reply, session);
      return meJson(session.user);
    },
  );
};
