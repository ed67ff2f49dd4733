import { Type } from '@fastify/type-provider-typebox';
import { LIMITS, TAG_LIMITS, normalizeTag } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, FieldValuesInput, IdParams, Nullable, PrioritySchema, TagList, Text, problems, uuid } from './schemas.ts';
import { pathId } from './ids.ts';
import { editCase, managedTags } from '../use-cases/edit-case.ts';
import { countTags } from '../db/repos/case-list.ts';

const EditBody = Type.Object(
  {
    subject: Type.Optional(Text(LIMITS.subject)),
    description: Type.Optional(Nullable(Text(LIMITS.description))),
    priority: Type.Optional(PrioritySchema),
    fields: Type.Optional(FieldValuesInput),
    customerId: Type.Optional(
      Nullable(uuid('Link the case to this customer (one you see, not merged into another), or null to unlink it')),
    ),
  },
  { additionalProperties: false },
);

const TagsBody = Type.Object(
  {
    add: Type.Optional(TagList),
    remove: Type.Optional(TagList),
  },
  { additionalProperties: false },
);

const TagsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Only tags starting with this (case-insensitive)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const caseEditRoutes: RouteModule = (app, deps) => {
  app.patch(
    '/api/v1/cases/:id',
    {
      config: { permission: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary: "Edit a case's subject, description, priority, custom field values or customer",
        description:
          'One transaction: every change is a case event in the history (case.subject_changed, case.description_changed, ' +
          'case.priority_changed, case.field_changed, case.customer_changed) and sent live. Status, owner and team change ' +
          'only through the action endpoints. A closed or canceled case answers 409; a bad field 400 naming it; nothing changes then.',
        params: IdParams,
        body: EditBody,
        response: { 200: CaseSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const b = req.body;
      const r = await editCase(deps, actor, pathId(req.params.id), {
        ...b,
        ...(b.customerId !== undefined ? { customerId: b.customerId?.toLowerCase() ?? null } : {}),
      });
      return caseJson(r.view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/tags',
    {
      config: { permission: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary: 'Add and remove tags on a case (a case.tags_changed event in its history)',
        description: `Tags are 1–${TAG_LIMITS.length} characters once trimmed, case-insensitive (stored lower-case), at most ${TAG_LIMITS.perCase} per case. With a managed list (organisation \`managedTags\`) only its tags can be added; a tag outside it is a 400 naming it.`,
        params: IdParams,
        body: TagsBody,
        response: { 200: CaseSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await editCase(deps, actor, pathId(req.params.id), { tags: req.body })).view, actor, deps.clock.now());
    },
  );

  app.get(
    '/api/v1/tags',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['cases'],
        summary: 'The tags in use, with how many cases you may see carry each, most used first',
        description:
          'With a managed list (`managed: true`), every tag of the list is included, unused ones with count 0; only they can be added.',
        querystring: TagsQuery,
        response: {
          200: Type.Object({
            tags: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer({ minimum: 0 }) })),
            managed: Type.Boolean({ description: 'Whether tags are restricted to the organisation’s managed list' }),
          }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const q = req.query.q === undefined ? null : normalizeTag(req.query.q);
      const prefix = q?.ok ? q.tag : null;
      const limit = req.query.limit ?? 200;
      const [counts, managed] = await Promise.all([countTags(deps.db.kysely, actor, prefix, limit), managedTags(deps.db.kysely)]);
      if (!managed) return { tags: counts, managed: false };
      const used = new Set(counts.map((t) => t.name));
      const unused = managed.filter((t) => !used.has(t) && (!prefix || t.startsWith(prefix))).map((name) => ({ name, count: 0 }));
      return { tags: [...counts, ...unused].slice(0, limit), managed: true };
    },
  );
};
