import { LIMITS } from '@casework/domain';
import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import {
  CaseTypeSchema,
  DateTime,
  FieldValueSchema,
  Id,
  Nullable,
  PrioritySchema,
  ResolutionSchema,
  StatusSchema,
  TagList,
  Text,
  problems,
} from './schemas.ts';
import { withIdempotency } from './idempotency.ts';
import { IMPORT_MAX_CASES, importCases } from '../use-cases/import-cases.ts';

/** Imports are large: up to 5,000 cases with descriptions in one body. */
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

const ImportCustomer = Type.Object(
  {
    name: Type.Optional(Nullable(Text(LIMITS.customerName))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: LIMITS.email }))),
    phone: Type.Optional(Nullable(Text(LIMITS.phone))),
    externalId: Type.Optional(
      Type.Union([Text(200, 1), Type.Null()], {
        description: "The customer's id in the other helpdesk: the same id matches the same customer.",
      }),
    ),
  },
  { additionalProperties: false },
);

const ImportMessage = Type.Object(
  {
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('note')], {
      description: "inbound: the customer's; outbound: a reply to the customer; note: internal, only for users.",
    }),
    body: Text(LIMITS.message, 1),
    authorId: Type.Optional(
      Type.Union([Id, Type.Null()], { description: 'The user who wrote a reply or note (none on inbound messages).' }),
    ),
    createdAt: DateTime,
  },
  { additionalProperties: false },
);

const ImportCase = Type.Object(
  {
    subject: Text(LIMITS.subject, 1),
    type: CaseTypeSchema,
    teamId: Id,
    status: StatusSchema,
    ownerId: Type.Optional(Nullable(Id)),
    createdAt: DateTime,
    resolvedAt: Type.Optional(Nullable(DateTime)),
    wakeAt: Type.Optional(Nullable(DateTime)),
    resolution: Type.Optional(Nullable(ResolutionSchema)),
    collaboratorIds: Type.Optional(Type.Array(Id, { maxItems: 100 })),
    customer: Type.Optional(Nullable(ImportCustomer)),
    description: Type.Optional(Nullable(Text(LIMITS.description))),
    messages: Type.Optional(
      Type.Array(ImportMessage, { maxItems: 1000, description: 'The conversation: stored as history, never sent to anyone.' }),
    ),
    priority: Type.Optional(Nullable(PrioritySchema)),
    tags: Type.Optional(Nullable(TagList)),
    fields: Type.Optional(
      Nullable(
        Type.Record(Type.String({ maxLength: 64 }), Nullable(FieldValueSchema), {
          description:
            'Custom field values by key, checked as an edit (an unknown key or a wrong type is a 400 naming cases.<i>.fields.<key>)',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

const ImportBody = Type.Object(
  {
    cases: Type.Array(ImportCase, { minItems: 1, maxItems: IMPORT_MAX_CASES }),
  },
  { additionalProperties: false },
);

export const importRoutes: RouteModule = (app, deps) => {
  app.post(
    '/api/v1/import/cases',
    {
      config: { permission: 'case.import' },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['import'],
        summary: 'Import cases from another helpdesk, keeping their times and state (all or nothing)',
        description:
          "Each case gets the SLA clocks of the policy its facts match, computed from its imported history: created, its public messages' directions and times, its status (a finished case at its resolved time, a waiting one from its last activity).",
        body: ImportBody,
        response: { 201: Type.Object({ ids: Type.Array(Type.String()) }), ...problems(400, 401, 403, 413) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const answer = await withIdempotency(deps, req, reply, async (deps) => {
        const ids = await importCases(deps, actor, req.body.cases);
        return { status: 201, body: { ids } };
      });
      return reply.status(answer.status as 201).send(answer.body);
    },
  );
};
