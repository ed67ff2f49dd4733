import { Type } from '@fastify/type-provider-typebox';
import {
  CANNED_SCOPES,
  canEditCannedReply,
  canUseCannedReply,
  canView,
  LIMITS,
  PLACEHOLDER_NAMES,
  renderPlaceholders,
} from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import type { AppUser } from '../auth/actor.ts';
import { actorOf } from './auth-hook.ts';
import { Id, IdParams, Nullable, StringEnum, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { findCannedReply, listCannedReplies, organisationName, type CannedReply } from '../db/repos/canned-replies.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { checkBody, createCannedReply, deleteCannedReply, updateCannedReply } from '../use-cases/canned-replies.ts';
import { invalid, notFound, type FieldError } from '../errors.ts';

const Title = Text(LIMITS.name, 1);
const Body = Text(LIMITS.message, 1);
const Scope = StringEnum(CANNED_SCOPES, 'personal: yours; team: the members of teamId; organisation: everyone who replies');
const TeamId = Nullable(Id);

const CannedReplySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.String({ description: `The text with placeholders: ${PLACEHOLDER_NAMES.map((p) => `{{${p}}}`).join(', ')}` }),
  scope: Scope,
  teamId: Nullable(Type.String()),
  teamName: Nullable(Type.String()),
  editable: Type.Boolean({ description: 'Whether this user may change or remove it' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const present = (r: CannedReply, actor: AppUser) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  scope: r.scope,
  teamId: r.teamId,
  teamName: r.teamName,
  editable: canEditCannedReply(actor, r),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Title and body trimmed; blank ones and unknown placeholders refused, each named. */
function readText(b: { title?: string; body?: string }): { title?: string; body?: string } {
  const errors: FieldError[] = [];
  const title = b.title?.trim();
  if (title === '') errors.push({ field: 'title', message: 'must not be blank' });
  const body = b.body?.trim();
  if (body === '') errors.push({ field: 'body', message: 'must not be blank' });
  else if (body !== undefined) checkBody(body, errors);
  if (errors.length) throw invalid(errors);
  return { ...(title !== undefined ? { title } : {}), ...(body !== undefined ? { body } : {}) };
}

export const cannedReplyRoutes: RouteModule = (app, deps) => {
  const tags = ['canned replies'];

  app.get(
    '/api/v1/canned-replies',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "The canned replies this user may use (their own, their teams', the organisation's), by title",
        response: { 200: Type.Object({ cannedReplies: Type.Array(CannedReplySchema) }), ...problems(401) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return { cannedReplies: (await listCannedReplies(deps.db.kysely, actor)).map((r) => present(r, actor)) };
    },
  );

  app.post(
    '/api/v1/canned-replies',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          'Save a canned reply: personal (anyone who replies), for a team of yours (canned.team) or for everyone (admin.canned); unknown placeholders are refused',
        body: Type.Object({ title: Title, body: Body, scope: Scope, teamId: Type.Optional(TeamId) }, { additionalProperties: false }),
        response: { 201: CannedReplySchema, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const text = readText(req.body);
      const teamId = req.body.teamId?.toLowerCase() ?? null;
      const r = await createCannedReply(deps, actor, { title: text.title!, body: text.body!, scope: req.body.scope, teamId });
      return reply.status(201).send(present(r, actor));
    },
  );

  app.patch(
    '/api/v1/canned-replies/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "Change a canned reply's title, body or scope (the new scope must be one you may keep too)",
        params: IdParams,
        body: Type.Object(
          { title: Type.Optional(Title), body: Type.Optional(Body), scope: Type.Optional(Scope), teamId: Type.Optional(TeamId) },
          { additionalProperties: false },
        ),
        response: { 200: CannedReplySchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const id = pathId(req.params.id, 'Canned reply');
      const existing = await findCannedReply(deps.db.kysely, id);
      if (!existing || !canUseCannedReply(actor, existing)) throw notFound('Canned reply');
      const b = req.body;
      const r = await updateCannedReply(deps, actor, id, {
        ...readText(b),
        ...(b.scope !== undefined ? { scope: b.scope } : {}),
        ...(b.teamId !== undefined ? { teamId: b.teamId?.toLowerCase() ?? null } : {}),
      });
      return present(r, actor);
    },
  );

  app.delete(
    '/api/v1/canned-replies/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'Remove a canned reply', params: IdParams, response: { 204: Type.Null(), ...problems(401, 403, 404) } },
    },
    async (req, reply) => {
      await deleteCannedReply(deps, actorOf(req), pathId(req.params.id, 'Canned reply'));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/canned-replies/:id/render',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          'A canned reply filled in for a case you may see and for you (missing values, such as a customer without a name, are left out)',
        params: IdParams,
        body: Type.Object({ caseId: Id }, { additionalProperties: false }),
        response: { 200: Type.Object({ body: Type.String() }), ...problems(400, 401, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const r = await findCannedReply(deps.db.kysely, pathId(req.params.id, 'Canned reply'));
      if (!r || !canUseCannedReply(actor, r)) throw notFound('Canned reply');
      const c = await findCaseView(deps.db.kysely, req.body.caseId.toLowerCase());
      if (!c || !canView(actor, c)) throw notFound();
      const body = renderPlaceholders(r.body, {
        customer: c.customer,
        case: { reference: c.reference, subject: c.subject },
        agent: { name: actor.name },
        organisation: { name: await organisationName(deps.db.kysely) },
      });
      return { body };
    },
  );
};
