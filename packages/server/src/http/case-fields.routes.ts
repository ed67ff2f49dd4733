import { Type } from '@fastify/type-provider-typebox';
import { FIELD_KEY_PATTERN, FIELD_LIMITS, FIELD_TYPES, type FieldDefinition } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { CaseSchema, FieldValueSchema, Id, IdParams, Nullable, StringEnum, problems } from './schemas.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { pathId } from './ids.ts';
import { editCase } from '../use-cases/edit-case.ts';
import { Name } from './admin-schemas.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { createCaseField, deleteCaseField, updateCaseField } from '../use-cases/admin-case-fields.ts';

export const CaseFieldSchema = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: StringEnum(FIELD_TYPES),
  options: Nullable(Type.Array(Type.String())),
  required: Type.Boolean({ description: 'The case cannot be resolved (completed or unresolved) until the field is set' }),
  teamIds: Type.Array(Type.String(), { description: "Empty: the field shows on every team's cases" }),
});

const Options = Type.Array(Type.String({ minLength: 1, maxLength: FIELD_LIMITS.option }), {
  maxItems: FIELD_LIMITS.options,
  description: 'The choices of a select or multiselect field',
});
const Teams = Type.Array(Id, { maxItems: 1000, description: "Show the field only on these teams' cases (empty or null: every team)" });

const CreateBody = Type.Object(
  {
    key: Type.String({
      minLength: 1,
      maxLength: FIELD_LIMITS.key,
      pattern: FIELD_KEY_PATTERN,
      description: 'Lower-case letters, digits and _',
    }),
    label: Name(FIELD_LIMITS.label),
    type: StringEnum(FIELD_TYPES),
    options: Type.Optional(Nullable(Options)),
    required: Type.Optional(Type.Boolean()),
    teamIds: Type.Optional(Nullable(Teams)),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    label: Type.Optional(Name(FIELD_LIMITS.label)),
    options: Type.Optional(Nullable(Options)),
    required: Type.Optional(Type.Boolean()),
    teamIds: Type.Optional(Nullable(Teams)),
  },
  { additionalProperties: false, description: 'The key and the type cannot change (delete the field and define it again)' },
);

const KeyParams = Type.Object({ key: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

const fieldJson = (d: FieldDefinition) => ({
  key: d.key,
  label: d.label,
  type: d.type,
  options: d.options ? [...d.options] : null,
  required: d.required,
  teamIds: d.teamIds ? [...d.teamIds] : [],
});

export const caseFieldRoutes: RouteModule = (app, deps) => {
  const tags = ['case fields'];

  app.get(
    '/api/v1/case-fields',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The custom case fields, in the order they were defined',
        response: { 200: Type.Object({ fields: Type.Array(CaseFieldSchema) }), ...problems(401) },
      },
    },
    async () => ({ fields: (await listFieldDefinitions(deps.db.kysely)).map(fieldJson) }),
  );

  app.post(
    '/api/v1/case-fields',
    {
      config: { permission: 'admin.fields' },
      schema: {
        tags,
        summary: 'Define a custom case field',
        body: CreateBody,
        response: { 201: CaseFieldSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(fieldJson(await createCaseField(deps, actorOf(req), req.body))),
  );

  app.patch(
    '/api/v1/case-fields/:key',
    {
      config: { permission: 'admin.fields' },
      schema: {
        tags,
        summary: "Change a field's label, options, requirement or teams",
        params: KeyParams,
        body: PatchBody,
        response: { 200: CaseFieldSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => fieldJson(await updateCaseField(deps, actorOf(req), req.params.key, req.body)),
  );

  app.delete(
    '/api/v1/case-fields/:key',
    {
      config: { permission: 'admin.fields' },
      schema: {
        tags,
        summary: "Delete a field and every case's value of it",
        params: KeyParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deleteCaseField(deps, actorOf(req), req.params.key);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/v1/cases/:id/fields',
    {
      config: { permission: 'case:edit' },
      schema: {
        tags,
        summary:
          "Set a case's custom field values ({key: value or null}); each change is a case.field_changed in its history (the same edit as PATCH /cases/:id with `fields`)",
        params: IdParams,
        body: Type.Record(Type.String({ maxLength: 64 }), Nullable(FieldValueSchema), {
          maxProperties: FIELD_LIMITS.definitions,
          description: 'An unknown key, a wrong type or a field of another team is a 400 naming fields.<key>; nothing changes',
        }),
        response: { 200: CaseSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await editCase(deps, actor, pathId(req.params.id), { fields: req.body })).view, actor, deps.clock.now());
    },
  );
};
