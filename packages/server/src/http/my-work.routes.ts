import { Type } from '@fastify/type-provider-typebox';
import { isSectionKey, SECTION_KEYS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, Nullable, StringEnum, problems } from './schemas.ts';
import { getMyWork, getSectionPage } from '../use-cases/my-work.ts';
import { claimNext } from '../use-cases/claim-next.ts';
import { savePreferences } from '../use-cases/save-preferences.ts';
import { decodeCursor } from '../db/repos/case-list.ts';
import { invalid, notFound } from '../errors.ts';

const SectionKeySchema = StringEnum(SECTION_KEYS);

const SectionSchema = Type.Object({
  key: SectionKeySchema,
  title: Type.String(),
  count: Type.Integer(),
  collapsed: Type.Boolean(),
  cases: Type.Array(CaseSchema),
  nextCursor: Nullable(Type.String()),
});

export const myWorkRoutes: RouteModule = (app, deps) => {
  const tags = ['my work'];

  app.get(
    '/api/v1/me/work',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The My Work view: next unassigned case, its reason, the queue count and the five sections',
        response: {
          200: Type.Object({
            next: Nullable(Type.Object({ case: CaseSchema, reason: Type.String() })),
            unassignedCount: Type.Integer(),
            capacityReached: Type.Boolean(),
            maxOpenPerUser: Nullable(Type.Integer()),
            sections: Type.Array(SectionSchema),
          }),
          ...problems(401),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const w = await getMyWork(deps, actor);
      return {
        next: w.next && { case: caseJson(w.next.case, actor, deps.clock.now()), reason: w.next.reason },
        unassignedCount: w.unassignedCount,
        capacityReached: w.capacityReached,
        maxOpenPerUser: w.maxOpenPerUser,
        sections: w.sections.map((s) => ({
          key: s.key,
          title: s.title,
          count: s.count,
          collapsed: s.collapsed,
          cases: s.cases.map((c) => caseJson(c, actor, deps.clock.now())),
          nextCursor: s.nextCursor,
        })),
      };
    },
  );

  app.get(
    '/api/v1/me/work/sections/:key',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The next page of one My Work section',
        params: Type.Object({ key: Type.String({ maxLength: 40 }) }),
        querystring: Type.Object(
          {
            cursor: Type.Optional(Type.String({ maxLength: 400 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            key: SectionKeySchema,
            count: Type.Integer(),
            cases: Type.Array(CaseSchema),
            nextCursor: Nullable(Type.String()),
          }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const { key } = req.params;
      if (!isSectionKey(key)) throw notFound('Section');
      const cursor = req.query.cursor ? decodeCursor(req.query.cursor) : null;
      if (req.query.cursor && !cursor) throw invalid([{ field: 'cursor', message: 'is not a cursor from this section' }]);
      const page = await getSectionPage(deps, actor, key, cursor, req.query.limit);
      return {
        key: page.key,
        count: page.count,
        cases: page.cases.map((c) => caseJson(c, actor, deps.clock.now())),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post(
    '/api/v1/me/work/claim-next',
    {
      config: { permission: 'case.claim' },
      schema: {
        tags,
        summary: 'Pick the next unassigned case and claim it in one step',
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: CaseSchema, ...problems(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await claimNext(deps, actor)).view, actor, deps.clock.now());
    },
  );

  const Prefs = Type.Object(
    { collapsedSections: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }) },
    { additionalProperties: false },
  );

  app.get(
    '/api/v1/me/preferences',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: "The user's saved view preferences", response: { 200: Prefs, ...problems(401) } },
    },
    async (req) => {
      const actor = actorOf(req);
      const row = await deps.db.kysely
        .selectFrom('user_preferences')
        .select('collapsed_sections')
        .where('user_id', '=', actor.id)
        .executeTakeFirst();
      return { collapsedSections: row?.collapsed_sections ?? [] };
    },
  );

  app.put(
    '/api/v1/me/preferences',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'Save which My Work sections are collapsed', body: Prefs, response: { 200: Prefs, ...problems(400, 401) } },
    },
    async (req) => {
      return savePreferences(deps, actorOf(req), req.body);
    },
  );
};
