import { LIMITS } from '@casework/domain';
import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { CaseTypeSchema, DateTime, Id, Nullable, ResolutionSchema, StatusSchema, Text, problems } from './schemas.ts';
import { withIdempotency } from './idempotency.ts';
import { IMPORT_MAX_CASES, importCases } from '../use-cases/import-cases.ts';

/** Imports are large: up to 5,000 cases with descriptions in one body. */
export const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

const ImportCustomer = Type.Object(
  {
    name: Type.Optional(Nullable(Text(LIMITS.customerName))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: LIMITS.email }))),
    phone: Type.Optional(Nullable(Text(LIMITS.phone))),
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
        body: ImportBody,
        response: { 201: Type.Object({ ids: Type.Array(Type.String()) }), ...problems(400, 401, 403, 413) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const answer = await withIdempotency(deps, req, reply, async () => {
        const ids = await importCases(deps, actor, req.body.cases);
        return { status: 201, body: { ids } };
      });
      return reply.status(answer.status as 201).send(answer.body);
    },
  );
};
