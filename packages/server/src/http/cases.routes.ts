import { Type } from '@fastify/type-provider-typebox';
import { LIMITS, canView } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import {
  CaseSchema,
  CaseTypeSchema,
  FieldValuesInput,
  Id,
  IdParams,
  Nullable,
  PrioritySchema,
  SearchMatchSchema,
  TagList,
  Text,
  problems,
  uuid,
} from './schemas.ts';
import { pathId } from './ids.ts';
import { createCase } from '../use-cases/create-case.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { COUNT_CAP, cursorFits, decodeListCursor, listCases } from '../db/repos/case-list.ts';
import { invalid, notFound, type FieldError } from '../errors.ts';
import { withIdempotency } from './idempotency.ts';
import { CaseFilterFields, FIELD_FILTER_PROPERTIES, readCaseFilter } from './case-filters.ts';
import { parseFieldFilters } from './field-filters.ts';

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
    customerId: Type.Optional(
      Nullable(uuid('An existing customer the user sees (GET /customers), instead of `customer` (which matches by email or phone)')),
    ),
    priority: Type.Optional(PrioritySchema),
    tags: Type.Optional(TagList),
    fields: Type.Optional(FieldValuesInput),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    ...CaseFilterFields,
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false, ...FIELD_FILTER_PROPERTIES },
);

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
      if (b.customerId && b.customer) throw invalid([{ field: 'customerId', message: 'give either customerId or customer, not both' }]);
      const view = await withIdempotency(deps, req, reply, async (deps) => {
        const v = await createCase(deps, actor, {
          subject: b.subject.trim(),
          type: b.type ?? actor.channelScope?.type ?? 'platform',
          teamId: b.teamId.toLowerCase(),
          ownerId: b.ownerId?.toLowerCase() ?? null,
          description: b.description ?? null,
          customer: b.customer ?? null,
          customerId: b.customerId?.toLowerCase() ?? null,
          priority: b.priority ?? null,
          tags: b.tags ?? null,
          fields: b.fields ?? null,
        });
        return { status: 201, body: caseJson(v, actor, deps.clock.now()) };
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
      return caseJson(v, actor, deps.clock.now());
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
            cases: Type.Array(Type.Intersect([CaseSchema, Type.Object({ match: Type.Optional(SearchMatchSchema) })])),
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
      const { cursor: rawCursor, limit, ...qs } = req.query;
      const errors: FieldError[] = [];
      const { filter, sort } = readCaseFilter(actor, qs, errors, deps.clock.now());
      const cursor = rawCursor ? decodeListCursor(rawCursor) : null;
      if (rawCursor && (!cursor || !cursorFits(cursor, sort))) errors.push({ field: 'cursor', message: 'is not a cursor from this list' });
      const fields = await parseFieldFilters(deps.db, qs, errors);
      if (errors.length) throw invalid(errors);
      // Internal notes are for users: everyone who reaches this list is one (a session, or a user's
      // API token, which reads the same notes at GET /cases/:id/messages); customers (chat, widget,
      // SDK) have no search.
      const result = await listCases(deps.db.kysely, actor, { ...filter, fields }, sort, limit ?? 25, cursor, true);
      const now = deps.clock.now();
      return {
        cases: result.cases.map((c) => {
          const match = result.matches.get(c.id);
          return match ? { ...caseJson(c, actor, now), match } : caseJson(c, actor, now);
        }),
        total: result.total,
        totalCapped: result.totalCapped,
        nextCursor: result.nextCursor,
      };
    },
  );
};
