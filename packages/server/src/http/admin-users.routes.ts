import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { IdParams, Id, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { Name, ZoneInput } from './admin-schemas.ts';
import { createUser, getUser, listUsers, updateUser } from '../use-cases/admin-users.ts';

const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  timeZone: Nullable(Type.String({ description: "The user's own zone; null: the organisation's" })),
  teamIds: Type.Array(Type.String()),
  active: Type.Boolean(),
});

const Email = Type.String({ format: 'email', minLength: 3, maxLength: LIMITS.email });
const Password = Text(LIMITS.passwordMax, LIMITS.passwordMin);
const RoleId = Text(64, 1);
const TeamIds = Type.Array(Id, { maxItems: 500 });

const CreateBody = Type.Object(
  {
    email: Email,
    name: Name(),
    password: Password,
    role: RoleId,
    timeZone: Type.Optional(Nullable(ZoneInput)),
    teamIds: TeamIds,
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    name: Type.Optional(Name()),
    email: Type.Optional(Email),
    role: Type.Optional(RoleId),
    timeZone: Type.Optional(Nullable(ZoneInput)),
    teamIds: Type.Optional(TeamIds),
    active: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);

export const adminUserRoutes: RouteModule = (app, deps) => {
  const tags = ['users'];

  app.get(
    '/api/v1/users',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "All users (agents need their colleagues' names too)",
        response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...problems(401) },
      },
    },
    async () => ({ users: await listUsers(deps.db.kysely) }),
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'One user', params: IdParams, response: { 200: UserSchema, ...problems(401, 404) } },
    },
    async (req) => getUser(deps.db.kysely, pathId(req.params.id, 'User')),
  );

  app.post(
    '/api/v1/users',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary: "Create a user (password at least 8 characters; timeZone null or absent: the organisation's)",
        body: CreateBody,
        response: { 201: UserSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const user = await createUser(deps, actorOf(req), req.body);
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { permission: 'admin.users' },
      schema: {
        tags,
        summary: 'Change a user; teamIds replaces the memberships; active false signs them out everywhere',
        params: IdParams,
        body: PatchBody,
        response: { 200: UserSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => updateUser(deps, actorOf(req), pathId(req.params.id, 'User'), req.body),
  );
};
