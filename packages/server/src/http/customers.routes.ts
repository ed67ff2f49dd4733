import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, Id, IdParams, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import {
  decodeCasesCursor,
  decodeCustomerCursor,
  findCustomerProfile,
  listCustomers,
  type CustomerProfile,
} from '../db/repos/customer-list.ts';
import { invalid, notFound } from '../errors.ts';
import { updateCustomer } from '../use-cases/update-customer.ts';
import { mergeCustomers } from '../use-cases/merge-customers.ts';

const VISIBILITY =
  'A user sees a customer when they see every case or at least one of the customer’s cases; other customers answer 404 and are never listed. ' +
  '`caseCount` and `cases` count and list only the cases the user may see.';

const CustomerListItem = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  caseCount: Type.Integer({ description: 'Cases of this customer the user may see' }),
});

const Identity = Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()) });

const CustomerProfileSchema = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  caseCount: Type.Integer({ description: 'Cases of this customer the user may see' }),
  createdAt: Type.String(),
  mergedIdentities: Type.Array(Identity, { description: 'Customers merged into this one: their email and phone still reach it' }),
  cases: Type.Array(CaseSchema, { description: 'The visible cases, newest first (a page; see casesNextCursor)' }),
  casesNextCursor: Nullable(Type.String()),
});

const ListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Part of a name, email or phone (one or two characters: the start of the name)' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 600 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const ProfileQuery = Type.Object(
  {
    casesCursor: Type.Optional(Type.String({ maxLength: 400 })),
    casesLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    open: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description: '`true`: only open cases' })),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    name: Type.Optional(Nullable(Text(LIMITS.customerName))),
    email: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.email, description: 'An email address; empty or null removes it' }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.phone, pattern: '^[0-9+()./ -]*$' }))),
  },
  { additionalProperties: false },
);

const MergeBody = Type.Object({ intoCustomerId: Id }, { additionalProperties: false });

function profileJson(p: CustomerProfile, actor: AppUser) {
  return { ...p, createdAt: p.createdAt.toISOString(), cases: p.cases.map((c) => caseJson(c, actor)) };
}

async function profile(deps: Deps, actor: AppUser, id: string, q: { casesCursor?: string; casesLimit?: number; open?: string } = {}) {
  const cursor = q.casesCursor ? decodeCasesCursor(q.casesCursor) : null;
  if (q.casesCursor && !cursor) throw invalid([{ field: 'casesCursor', message: 'is not a cursor from this customer' }]);
  const p = await findCustomerProfile(deps.db.kysely, actor, id, { limit: q.casesLimit ?? 25, cursor, openOnly: q.open === 'true' });
  if (!p) throw notFound('Customer');
  return profileJson(p, actor);
}

export const customerRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/customers',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['customers'],
        summary: 'List and search customers (by name, email or phone), by name',
        description: VISIBILITY,
        querystring: ListQuery,
        response: {
          200: Type.Object({ customers: Type.Array(CustomerListItem), nextCursor: Nullable(Type.String()) }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const cursor = req.query.cursor ? decodeCustomerCursor(req.query.cursor) : null;
      if (req.query.cursor && !cursor) throw invalid([{ field: 'cursor', message: 'is not a cursor from this list' }]);
      return listCustomers(deps.db.kysely, actor, (req.query.q ?? '').trim(), cursor, req.query.limit ?? 25);
    },
  );

  app.get(
    '/api/v1/customers/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['customers'],
        summary: 'Get a customer with their cases, newest first',
        description: VISIBILITY,
        params: IdParams,
        querystring: ProfileQuery,
        response: { 200: CustomerProfileSchema, ...problems(400, 401, 404) },
      },
    },
    async (req) => profile(deps, actorOf(req), pathId(req.params.id, 'Customer'), req.query),
  );

  app.patch(
    '/api/v1/customers/:id',
    {
      config: { permission: 'customer.edit' },
      schema: {
        tags: ['customers'],
        summary: 'Change a customer’s name, email or phone',
        description:
          'An email another customer has answers 409 naming `email` (merge the two instead). A customer keeps at least one of the three.',
        params: IdParams,
        body: PatchBody,
        response: { 200: CustomerProfileSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const id = pathId(req.params.id, 'Customer');
      await updateCustomer(deps, actor, id, req.body);
      return profile(deps, actor, id);
    },
  );

  app.post(
    '/api/v1/customers/:id/merge',
    {
      config: { permission: 'customer.merge' },
      schema: {
        tags: ['customers'],
        summary: 'Merge this customer into another',
        description:
          'Every case and chat of this customer moves to `intoCustomerId` (a `case.customer_changed` event on each case), the survivor takes the details it lacks, ' +
          'and this customer’s email and phone keep reaching the survivor. Answers the surviving customer. Merging a customer into itself is a 400.',
        params: IdParams,
        body: MergeBody,
        response: { 200: CustomerProfileSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const into = req.body.intoCustomerId.toLowerCase();
      await mergeCustomers(deps, actor, pathId(req.params.id, 'Customer'), into);
      return profile(deps, actor, into);
    },
  );
};
