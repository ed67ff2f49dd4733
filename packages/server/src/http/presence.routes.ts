import { Type } from '@fastify/type-provider-typebox';
import { can, canView, isChatType } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { IdParams, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { audienceOf } from '../outbox/notices.ts';
import { forbidden, notFound } from '../errors.ts';
import { announceAgentTyping } from '../channels/chat/chat-typing.ts';
import { agentFirstName } from '../db/repos/chat-sessions.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';

const Viewers = Type.Object({
  viewers: Type.Array(Type.Object({ userId: Type.String(), name: Type.String(), since: Type.String() })),
});

async function visible(deps: Deps, actor: AppUser, id: string) {
  const c = await findCaseView(deps.db.kysely, pathId(id));
  if (!c || !canView(actor, c)) throw notFound();
  return c;
}

/**
 * Collision detection: who else has a case open (heartbeats every ~20 s from the case page); and
 * an agent's typing of a chat reply, which the customer sees.
 */
export const presenceRoutes: RouteModule = (app, deps) => {
  const tags = ['collisions'];
  app.get(
    '/api/v1/cases/:id/viewers',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'Who has this case open now', params: IdParams, response: { 200: Viewers, ...problems(401, 404) } },
    },
    async (req) => {
      const c = await visible(deps, actorOf(req), req.params.id);
      return { viewers: deps.presence.viewers(c.id) };
    },
  );

  app.post(
    '/api/v1/cases/:id/viewing',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Say "I have this case open" (repeat every 20 s); answers who else has it open',
        params: IdParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: Viewers, ...problems(401, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const c = await visible(deps, actor, req.params.id);
      await deps.presence.beat(c.id, actor.id, actor.name, audienceOf(c));
      return { viewers: deps.presence.viewers(c.id).filter((v) => v.userId !== actor.id) };
    },
  );

  app.delete(
    '/api/v1/cases/:id/viewing',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'Say "I closed this case"', params: IdParams, response: { 204: Type.Null(), ...problems(401, 404) } },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const c = await visible(deps, actor, req.params.id);
      await deps.presence.beat(c.id, actor.id, actor.name, audienceOf(c), true);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/cases/:id/typing',
    {
      config: {
        permission: 'authenticated',
        rateLimit: { max: 40, timeWindow: 60_000, keyGenerator: (req) => `typing:${req.ip}:${(req.params as { id?: string }).id}` },
      },
      schema: {
        tags,
        summary: "I am typing a reply to this chat's customer (send at most every few seconds while typing; never for notes)",
        description:
          "The chat customer's stream gets a `typing` event with the first name of the agent. Not stored. " +
          'Needs the right to reply on the case (403 otherwise); nothing is sent for cases that are not chats.',
        params: IdParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 204: Type.Null(), ...problems(401, 403, 404, 429) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const c = await visible(deps, actor, req.params.id);
      if (!can(actor, 'message', c)) throw forbidden('message', 'Replying on this case is not allowed.');
      if (isChatType(c.type)) await announceAgentTyping(deps.db, { caseId: c.id, name: agentFirstName(actor.name) });
      return reply.status(204).send(null);
    },
  );
};
