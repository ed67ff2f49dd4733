import { Type } from '@fastify/type-provider-typebox';
import { canView } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { IdParams, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { audienceOf } from '../outbox/notices.ts';
import { notFound } from '../errors.ts';
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

/** Collision detection: who else has a case open (heartbeats every ~20 s from the case page). */
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
};
