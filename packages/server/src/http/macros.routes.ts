import { Type } from '@fastify/type-provider-typebox';
import {
  CANNED_SCOPES,
  canEditMacro,
  canUseMacro,
  canView,
  firstBlockedStep,
  LIMITS,
  MACRO_LIMITS,
  MACRO_STEP_TYPES,
  readMacroStep,
  TAG_LIMITS,
  type MacroStep,
} from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import type { AppUser } from '../auth/actor.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import {
  CaseSchema,
  FieldValueSchema,
  Id,
  IdParams,
  Nullable,
  PrioritySchema,
  ResolutionSchema,
  StringEnum,
  TagInput,
  Text,
  problems,
} from './schemas.ts';
import { pathId } from './ids.ts';
import { findMacro, listMacros, type Macro } from '../db/repos/macros.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { createMacro, deleteMacro, updateMacro } from '../use-cases/macros.ts';
import { applyMacro } from '../use-cases/apply-macro.ts';
import { invalid, notFound, type FieldError } from '../errors.ts';

const Title = Text(LIMITS.name, 1);
const Scope = StringEnum(CANNED_SCOPES, 'personal: yours; team: the members of teamId; organisation: everyone');
const TeamId = Nullable(Id);

/** One step: `type` and the fields that type takes (others are refused, naming them). */
const StepSchema = Type.Object(
  {
    type: StringEnum(MACRO_STEP_TYPES),
    body: Type.Optional(Text(LIMITS.message, 1)),
    tags: Type.Optional(Type.Array(TagInput, { maxItems: TAG_LIMITS.perCase })),
    priority: Type.Optional(PrioritySchema),
    fields: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Nullable(FieldValueSchema))),
    wakeInMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: MACRO_LIMITS.wakeInMinutes })),
    resolution: Type.Optional(ResolutionSchema),
    teamId: Type.Optional(Id),
    ownerId: Type.Optional(Nullable(Id)),
  },
  {
    additionalProperties: false,
    description:
      'reply/note {body} (placeholders as canned replies), add_tags/remove_tags {tags}, set_priority {priority}, set_fields {fields}, follow, wait {wakeInMinutes?}, resolve {resolution}, assign {teamId?, ownerId?}',
  },
);
const Steps = Type.Array(StepSchema, { maxItems: MACRO_LIMITS.steps });

const MacroSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  steps: Type.Array(StepSchema),
  scope: Scope,
  teamId: Nullable(Type.String()),
  teamName: Nullable(Type.String()),
  editable: Type.Boolean({ description: 'Whether this user may change or remove it' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const present = (m: Macro, actor: AppUser) => ({
  id: m.id,
  title: m.title,
  steps: m.steps,
  scope: m.scope,
  teamId: m.teamId,
  teamName: m.teamName,
  editable: canEditMacro(actor, m),
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

/** The title trimmed and the steps read (each type with its own fields only, ids lower-cased); problems named together. */
function readInput(b: { title?: string; steps?: readonly Record<string, unknown>[] }): { title?: string; steps?: MacroStep[] } {
  const errors: FieldError[] = [];
  const title = b.title?.trim();
  if (title === '') errors.push({ field: 'title', message: 'must not be blank' });
  const steps: MacroStep[] = [];
  b.steps?.forEach((raw, i) => {
    const read = readMacroStep(raw, i);
    if (!read.ok) errors.push(...read.problems);
    else steps.push(lowerIds(read.step));
  });
  if (errors.length) throw invalid(errors);
  return { ...(title !== undefined ? { title } : {}), ...(b.steps !== undefined ? { steps } : {}) };
}

const lowerIds = (s: MacroStep): MacroStep =>
  s.type === 'assign'
    ? { ...s, ...(s.teamId ? { teamId: s.teamId.toLowerCase() } : {}), ...(s.ownerId ? { ownerId: s.ownerId.toLowerCase() } : {}) }
    : s;

export const macroRoutes: RouteModule = (app, deps) => {
  const tags = ['macros'];

  app.get(
    '/api/v1/macros',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          "The macros this user may use (their own, their teams', the organisation's), by title; with caseId, only those whose every step they may take on that case now",
        querystring: Type.Object({ caseId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Object({ macros: Type.Array(MacroSchema) }), ...problems(401, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      let macros = await listMacros(deps.db.kysely, actor);
      if (req.query.caseId) {
        const c = await findCaseView(deps.db.kysely, req.query.caseId.toLowerCase());
        if (!c || !canView(actor, c)) throw notFound();
        macros = macros.filter((m) => firstBlockedStep(actor, c, m.steps) === null);
      }
      return { macros: macros.map((m) => present(m, actor)) };
    },
  );

  app.post(
    '/api/v1/macros',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          'Save a macro: personal (anyone), for a team of yours (macro.team) or for everyone (admin.macros); steps your role can never take, two status steps, unknown fields or placeholders are refused',
        body: Type.Object({ title: Title, steps: Steps, scope: Scope, teamId: Type.Optional(TeamId) }, { additionalProperties: false }),
        response: { 201: MacroSchema, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const input = readInput(req.body);
      const teamId = req.body.teamId?.toLowerCase() ?? null;
      const m = await createMacro(deps, actor, { title: input.title!, steps: input.steps!, scope: req.body.scope, teamId });
      return reply.status(201).send(present(m, actor));
    },
  );

  app.patch(
    '/api/v1/macros/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "Change a macro's title, steps or scope (the new scope must be one you may keep too)",
        params: IdParams,
        body: Type.Object(
          { title: Type.Optional(Title), steps: Type.Optional(Steps), scope: Type.Optional(Scope), teamId: Type.Optional(TeamId) },
          { additionalProperties: false },
        ),
        response: { 200: MacroSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const id = pathId(req.params.id, 'Macro');
      const existing = await findMacro(deps.db.kysely, id);
      if (!existing || !canUseMacro(actor, existing)) throw notFound('Macro');
      const b = req.body;
      const m = await updateMacro(deps, actor, id, {
        ...readInput(b),
        ...(b.scope !== undefined ? { scope: b.scope } : {}),
        ...(b.teamId !== undefined ? { teamId: b.teamId?.toLowerCase() ?? null } : {}),
      });
      return present(m, actor);
    },
  );

  app.delete(
    '/api/v1/macros/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'Remove a macro', params: IdParams, response: { 204: Type.Null(), ...problems(401, 403, 404) } },
    },
    async (req, reply) => {
      await deleteMacro(deps, actorOf(req), pathId(req.params.id, 'Macro'));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/cases/:id/apply-macro',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          "Apply a macro: every step through the single action's rules, in one transaction; a refused step changes nothing and the problem names it (`step`, from 0)",
        params: IdParams,
        body: Type.Object({ macroId: Id }, { additionalProperties: false }),
        response: { 200: CaseSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const view = await applyMacro(deps, actor, pathId(req.params.id), req.body.macroId.toLowerCase());
      return caseJson(view, actor, deps.clock.now());
    },
  );
};
