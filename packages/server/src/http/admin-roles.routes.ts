import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import { PERMISSION_CATALOGUE } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { problems } from './schemas.ts';
import { Name } from './admin-schemas.ts';
import { actorOf } from './auth-hook.ts';
import { createRole, deleteRole, listRoles, updateRole } from '../use-cases/admin-roles.ts';

const RoleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  permissions: Type.Array(Type.String()),
  builtIn: Type.Boolean(),
  builtin: Type.Boolean({ description: 'Same as builtIn (older spelling)' }),
});

const Permissions = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 });
const CreateBody = Type.Object({ name: Name(LIMITS.shortName), permissions: Permissions }, { additionalProperties: false });
const PatchBody = Type.Object(
  { name: Type.Optional(Name(LIMITS.shortName)), permissions: Type.Optional(Permissions) },
  { additionalProperties: false },
);
const RoleParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

const PERMISSION_LIST = Object.entries(PERMISSION_CATALOGUE).map(([key, description]) => ({ key, description }));

export const adminRoleRoutes: RouteModule = (app, deps) => {
  const tags = ['roles'];

  app.get(
    '/api/v1/permissions',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Every permission a role can grant',
        response: {
          200: Type.Object({ permissions: Type.Array(Type.Object({ key: Type.String(), description: Type.String() })) }),
          ...problems(401),
        },
      },
    },
    async () => ({ permissions: PERMISSION_LIST }),
  );

  app.get(
    '/api/v1/roles',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Built-in and custom roles',
        response: { 200: Type.Object({ roles: Type.Array(RoleSchema) }), ...problems(401) },
      },
    },
    async () => ({ roles: await listRoles(deps.db.kysely) }),
  );

  app.post(
    '/api/v1/roles',
    {
      config: { permission: 'admin.roles' },
      schema: {
        tags,
        summary: 'Create a custom role (its id is the slug of its name)',
        body: CreateBody,
        response: { 201: RoleSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createRole(deps, actorOf(req), req.body)),
  );

  app.patch(
    '/api/v1/roles/:id',
    {
      config: { permission: 'admin.roles' },
      schema: {
        tags,
        summary: 'Rename a custom role or replace its permissions (built-in roles are read-only)',
        params: RoleParams,
        body: PatchBody,
        response: { 200: RoleSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => updateRole(deps, actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/v1/roles/:id',
    {
      config: { permission: 'admin.roles' },
      schema: {
        tags,
        summary: 'Delete a custom role nobody has',
        params: RoleParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await deleteRole(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
};
