import { Type } from '@fastify/type-provider-typebox';
import { canEditView, canSeeView, LIMITS, MAX_VIEWS_PER_USER } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import type { AppUser } from '../auth/actor.ts';
import { actorOf } from './auth-hook.ts';
import { Id, IdParams, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { CaseFilterSchema, readCaseFilter, type CaseFilterInput } from './case-filters.ts';
import { parseFieldFilters } from './field-filters.ts';
import { countCasesUpTo } from '../db/repos/case-list.ts';
import { findSavedView, listSavedViews, type SavedView } from '../db/repos/saved-views.ts';
import { createView, deleteView, updateView } from '../use-cases/saved-views.ts';
import { invalid, notFound, type FieldError } from '../errors.ts';
import type { Deps } from '../deps.ts';

const Shared = Nullable(
  Type.Object(
    { teamIds: Type.Array(Id, { minItems: 1, maxItems: 200, description: 'The teams whose members see the view' }) },
    { additionalProperties: false },
  ),
);
const Name = Text(LIMITS.shortName, 1);

/** A view's count stops here ("99+"): the list itself gives the exact total when the view is opened. */
const VIEW_COUNT_CAP = 99;

const ViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  filters: CaseFilterSchema,
  shared: Nullable(Type.Object({ teamIds: Type.Array(Type.String()) })),
  ownerId: Type.String(),
  editable: Type.Boolean({ description: 'Whether this user may change or remove the view' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  count: Type.Optional(
    Nullable(
      Type.Integer({
        description: `With ?counts=true: how many cases this user may see match the view, up to ${VIEW_COUNT_CAP} (countCapped: more match); null when its filters no longer apply`,
      }),
    ),
  ),
  countCapped: Type.Optional(Type.Boolean()),
});

const present = (v: SavedView, actor: AppUser) => ({
  id: v.id,
  name: v.name,
  filters: v.filters as CaseFilterInput,
  shared: v.sharedTeamIds ? { teamIds: v.sharedTeamIds } : null,
  ownerId: v.ownerId,
  editable: canEditView(actor, v),
  createdAt: v.createdAt.toISOString(),
  updatedAt: v.updatedAt.toISOString(),
});

/** A view's count for this actor: `ownerId=me` is them; a view whose filters no longer read counts as null. */
async function countOf(deps: Deps, actor: AppUser, v: SavedView) {
  const errors: FieldError[] = [];
  const { filter } = readCaseFilter(actor, v.filters as CaseFilterInput, errors, deps.clock.now());
  const fields = await parseFieldFilters(deps.db, v.filters, errors);
  if (errors.length) return { count: null, countCapped: false };
  const { total, totalCapped } = await countCasesUpTo(deps.db.kysely, actor, { ...filter, fields }, VIEW_COUNT_CAP);
  return { count: total, countCapped: totalCapped };
}

/** Checks a view's filters as GET /cases checks its query (custom fields against their definitions), naming `filters.<name>`. */
async function checkFilters(deps: Deps, actor: AppUser, filters: CaseFilterInput): Promise<void> {
  const errors: FieldError[] = [];
  readCaseFilter(actor, filters, errors, deps.clock.now(), 'filters.');
  const fieldErrors: FieldError[] = [];
  await parseFieldFilters(deps.db, filters, fieldErrors);
  errors.push(...fieldErrors.map((e) => ({ ...e, field: `filters.${e.field}` })));
  if (errors.length) throw invalid(errors);
}

/** A view's name, trimmed; blank names are refused. */
function checkName(name: string): string {
  const n = name.trim();
  if (!n) throw invalid([{ field: 'name', message: 'must not be blank' }]);
  return n;
}

export const viewRoutes: RouteModule = (app, deps) => {
  const tags = ['views'];

  app.get(
    '/api/v1/views',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Saved views of the Cases list this user sees (own, and shared with their teams), optionally with counts',
        querystring: Type.Object(
          { counts: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ views: Type.Array(ViewSchema) }), ...problems(400, 401) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const views = await listSavedViews(deps.db.kysely, actor);
      if (req.query.counts !== 'true') return { views: views.map((v) => present(v, actor)) };
      const counts = await Promise.all(views.map((v) => countOf(deps, actor, v)));
      return { views: views.map((v, i) => ({ ...present(v, actor), ...counts[i]! })) };
    },
  );

  app.post(
    '/api/v1/views',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: `Save the Cases list's filters as a view: personal, or shared with teams (admin.views); at most ${MAX_VIEWS_PER_USER} per user`,
        body: Type.Object({ name: Name, filters: CaseFilterSchema, shared: Type.Optional(Shared) }, { additionalProperties: false }),
        response: { 201: ViewSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      const name = checkName(b.name);
      await checkFilters(deps, actor, b.filters);
      const v = await createView(deps, actor, { name, filters: b.filters, shared: b.shared ?? null });
      return reply.status(201).send(present(v, actor));
    },
  );

  app.patch(
    '/api/v1/views/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Rename a view, replace its filters or change whom it is shared with (shared views: admin.views)',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), filters: Type.Optional(CaseFilterSchema), shared: Type.Optional(Shared) },
          { additionalProperties: false },
        ),
        response: { 200: ViewSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const id = pathId(req.params.id, 'View');
      const b = req.body;
      const view = await findSavedView(deps.db.kysely, id);
      if (!view || !canSeeView(actor, view)) throw notFound('View');
      const name = b.name === undefined ? undefined : checkName(b.name);
      if (b.filters) await checkFilters(deps, actor, b.filters);
      const v = await updateView(deps, actor, id, {
        ...(name !== undefined ? { name } : {}),
        ...(b.filters ? { filters: b.filters } : {}),
        ...(b.shared !== undefined ? { shared: b.shared } : {}),
      });
      return present(v, actor);
    },
  );

  app.delete(
    '/api/v1/views/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Remove a view (shared views: admin.views)',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deleteView(deps, actorOf(req), pathId(req.params.id, 'View'));
      return reply.status(204).send(null);
    },
  );
};
