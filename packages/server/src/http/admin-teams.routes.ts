import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { Id, IdParams, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { Name } from './admin-schemas.ts';
import { actorOf } from './auth-hook.ts';
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from '../use-cases/admin-teams.ts';

const TeamSchema = Type.Object({ id: Type.String(), name: Type.String(), memberIds: Type.Array(Type.String()) });

const CreateBody = Type.Object({ name: Name() }, { additionalProperties: false });
const PatchBody = Type.Object(
  {
    name: Type.Optional(Name()),
    memberIds: Type.Optional(Type.Array(Id, { maxItems: 5000, description: 'Replaces the membership' })),
  },
  { additionalProperties: false },
);

export const adminTeamRoutes: RouteModule = (app, deps) => {
  const tags = ['teams'];

  app.get(
    '/api/v1/teams',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'All teams with their members',
        response: { 200: Type.Object({ teams: Type.Array(TeamSchema) }), ...problems(401) },
      },
    },
    async () => ({ teams: await listTeams(deps.db.kysely) }),
  );

  app.get(
    '/api/v1/teams/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'One team', params: IdParams, response: { 200: TeamSchema, ...problems(401, 404) } },
    },
    async (req) => getTeam(deps.db.kysely, pathId(req.params.id, 'Team')),
  );

  app.post(
    '/api/v1/teams',
    {
      config: { permission: 'admin.teams' },
      schema: {
        tags,
        summary: 'Create a team (names are unique, ignoring case)',
        body: CreateBody,
        response: { 201: TeamSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await createTeam(deps, actorOf(req), req.body.name)),
  );

  app.patch(
    '/api/v1/teams/:id',
    {
      config: { permission: 'admin.teams' },
      schema: {
        tags,
        summary: 'Rename a team and/or replace its members',
        params: IdParams,
        body: PatchBody,
        response: { 200: TeamSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => updateTeam(deps, actorOf(req), pathId(req.params.id, 'Team'), req.body),
  );

  app.delete(
    '/api/v1/teams/:id',
    {
      config: { permission: 'admin.teams' },
      schema: {
        tags,
        summary: 'Delete a team that has no cases',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await deleteTeam(deps, actorOf(req), pathId(req.params.id, 'Team'));
      return reply.status(204).send(null);
    },
  );
};
