import { Type } from '@fastify/type-provider-typebox';
import { LIMITS, canView, isCaseType, isStatus, type CaseType, type Status } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, CaseTypeSchema, Id, IdParams, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { createCase } from '../use-cases/create-case.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { COUNT_CAP, decodeCursor, listCases, type CaseFilter } from '../db/repos/case-list.ts';
import { invalid, notFound, type FieldError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { withIdempotency } from './idempotency.ts';
import { parseDateBound } from './date-bounds.ts';

const CustomerInput = Type.Object(
  {
    name: Type.Optional(Nullable(Text(LIMITS.customerName))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: LIMITS.email }))),
    phone: Type.Optional(Nullable(Text(LIMITS.phone))),
  },
  { additionalProperties: false },
);

const CreateBody = Type.Object(
  {
    subject: Text(LIMITS.subject, 1),
    type: Type.Optional(CaseTypeSchema),
    teamId: Id,
    ownerId: Type.Optional(Nullable(Id)),
    description: Type.Optional(Nullable(Text(LIMITS.description))),
    customer: Type.Optional(Nullable(CustomerInput)),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 200 })),
    teamId: Type.Optional(Type.String({ maxLength: 4000 })),
    ownerId: Type.Optional(Type.String({ maxLength: 64 })),
    type: Type.Optional(Type.String({ maxLength: 200 })),
    following: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    createdFrom: Type.Optional(Type.String({ maxLength: 40 })),
    createdTo: Type.Optional(Type.String({ maxLength: 40 })),
    sort: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('updated')])),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

const list = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

export const caseRoutes: RouteModule = (app, deps) => {
  app.post(
    '/api/v1/cases',
    {
      config: { permission: 'case.create', channelToken: true },
      schema: { tags: ['cases'], summary: 'Create a case', body: CreateBody, response: { 201: CaseSchema, ...problems(400, 401, 403) } },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      if (!b.subject.trim()) throw invalid([{ field: 'subject', message: 'must not be blank' }]);
      const view = await withIdempotency(deps, req, reply, async () => {
        const v = await createCase(deps, actor, {
          subject: b.subject.trim(),
          type: b.type ?? actor.channelScope?.type ?? 'platform',
          teamId: b.teamId.toLowerCase(),
          ownerId: b.ownerId?.toLowerCase() ?? null,
          description: b.description ?? null,
          customer: b.customer ?? null,
        });
        return { status: 201, body: caseJson(v, actor) };
      });
      return reply.status(view.status as 201).send(view.body);
    },
  );

  app.get(
    '/api/v1/cases/:id',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: { tags: ['cases'], summary: 'Get a case', params: IdParams, response: { 200: CaseSchema, ...problems(401, 404) } },
    },
    async (req) => {
      const actor = actorOf(req);
      const v = await findCaseView(deps.db.kysely, pathId(req.params.id));
      if (!v || !canView(actor, v)) throw notFound();
      return caseJson(v, actor);
    },
  );

  app.get(
    '/api/v1/cases',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: {
        tags: ['cases'],
        summary: 'List and search cases the user may see',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            cases: Type.Array(CaseSchema),
            total: Type.Integer({
              description: `Exact when totalCapped is false. Otherwise ${COUNT_CAP}: an organisation-wide count stops there and more cases match.`,
            }),
            totalCapped: Type.Boolean({
              description: `True when more than ${COUNT_CAP} cases match a list or search over the whole organisation (a user who sees every case): total is then a lower bound.`,
            }),
            nextCursor: Nullable(Type.String()),
          }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const qs = req.query;
      const errors: FieldError[] = [];
      const statuses = list(qs.status);
      if (!statuses.every(isStatus)) errors.push({ field: 'status', message: 'unknown status' });
      const types = list(qs.type);
      if (!types.every(isCaseType)) errors.push({ field: 'type', message: 'unknown type' });
      const teamIds = list(qs.teamId);
      if (!teamIds.every(isUuid)) errors.push({ field: 'teamId', message: 'must be team ids' });
      let owner: CaseFilter['owner'];
      if (qs.ownerId === 'none') owner = { kind: 'none' };
      else if (qs.ownerId === 'me') owner = { kind: 'user', id: actor.id };
      else if (qs.ownerId !== undefined) {
        if (isUuid(qs.ownerId)) owner = { kind: 'user', id: qs.ownerId.toLowerCase() };
        else errors.push({ field: 'ownerId', message: 'must be me, none or a user id' });
      }
      const createdFrom = parseDateBound(qs.createdFrom, 'start', actor.timeZone, 'createdFrom', errors);
      const createdTo = parseDateBound(qs.createdTo, 'end', actor.timeZone, 'createdTo', errors);
      const cursor = qs.cursor ? decodeCursor(qs.cursor) : null;
      if (qs.cursor && !cursor) errors.push({ field: 'cursor', message: 'is not a cursor from this list' });
      if (errors.length) throw invalid(errors);
      const result = await listCases(
        deps.db.kysely,
        actor,
        {
          status: statuses as Status[],
          teamIds: teamIds.map((t) => t.toLowerCase()),
          owner,
          types: types as CaseType[],
          following: qs.following === 'true',
          q: qs.q?.trim() || undefined,
          createdFrom,
          createdTo,
        },
        qs.sort ?? 'created',
        qs.limit ?? 25,
        cursor,
      );
      return {
        cases: result.cases.map((c) => caseJson(c, actor)),
        total: result.total,
        totalCapped: result.totalCapped,
        nextCursor: result.nextCursor,
      };
    },
  );
};
