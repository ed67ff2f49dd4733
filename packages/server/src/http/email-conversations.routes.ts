import { Type } from '@fastify/type-provider-typebox';
import { LIMITS, MAX_COPIES, mayCreateOnTeam } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, Id, Nullable, Text, problems } from './schemas.ts';
import { invalid } from '../errors.ts';
import { withIdempotency } from './idempotency.ts';
import { startEmailConversation } from '../use-cases/mailbox/start-email-conversation.ts';

const Addresses = (description: string) => Type.Array(Type.String({ maxLength: 254 }), { maxItems: MAX_COPIES, description });

const Body = Type.Object(
  {
    channelId: Id,
    to: Type.String({ minLength: 3, maxLength: 254, description: "The customer's email address" }),
    name: Type.Optional(Nullable(Text(LIMITS.name))),
    subject: Text(LIMITS.subject, 1),
    body: Type.String({ minLength: 1, maxLength: LIMITS.message }),
    cc: Type.Optional(Addresses('Copies')),
    bcc: Type.Optional(Addresses('Blind copies')),
  },
  { additionalProperties: false },
);

/** SPEC §13: an agent starts an email conversation with a customer. */
export const emailConversationRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/cases/email/channels',
    {
      config: { permission: 'case.create' },
      schema: {
        tags: ['cases'],
        summary: 'The email channels the caller may start a conversation from (active, on a team they may create cases on)',
        response: {
          200: Type.Object({
            channels: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), address: Type.String(), teamId: Type.String() })),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const rows = await deps.db.kysely
        .selectFrom('channels')
        .select(['id', 'name', 'address', 'team_id'])
        .where('type', '=', 'email')
        .where('active', '=', true)
        .where('deleted_at', 'is', null)
        .where('address', 'is not', null)
        .orderBy('name')
        .execute();
      return {
        channels: rows
          .filter((r) => mayCreateOnTeam(actor, r.team_id) && (!actor.channelScope || actor.channelScope.channelId === r.id))
          .map((r) => ({ id: r.id, name: r.name, address: r.address!, teamId: r.team_id })),
      };
    },
  );

  app.post(
    '/api/v1/cases/email',
    {
      config: { permission: 'case.create' },
      schema: {
        tags: ['cases'],
        summary:
          "Start an email conversation: a case of type email on the channel's team, owned by the caller, whose first message is sent to the customer through the channel",
        body: Body,
        response: { 201: CaseSchema, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      if (!b.subject.trim()) throw invalid([{ field: 'subject', message: 'must not be blank' }]);
      if (!b.body.trim()) throw invalid([{ field: 'body', message: 'must not be blank' }]);
      const answer = await withIdempotency(deps, req, reply, async (deps) => {
        const v = await startEmailConversation(deps, actor, {
          channelId: b.channelId.toLowerCase(),
          to: b.to,
          name: b.name ?? null,
          subject: b.subject.trim(),
          body: b.body,
          cc: b.cc,
          bcc: b.bcc,
        });
        return { status: 201, body: caseJson(v, actor, deps.clock.now()) };
      });
      return reply.status(answer.status as 201).send(answer.body);
    },
  );
};
