import { LIMITS } from '@casework/domain';
import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, DateTime, Id, IdParams, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { claimCase } from '../use-cases/claim-case.ts';
import { assignCase } from '../use-cases/assign-case.ts';
import { reopenCase, resolveCase, setWaiting, wakeCase } from '../use-cases/status-actions.ts';
import { setCollaborator } from '../use-cases/follow-case.ts';
import { invalid } from '../errors.ts';
import { markNotSpam, markSpam } from '../use-cases/mailbox/spam.ts';

const Empty = Type.Object({}, { additionalProperties: false });
const answers = { 200: CaseSchema, ...problems(400, 401, 403, 404, 409) };
const ResolveBody = Type.Object(
  {
    resolution: Type.Union([Type.Literal('completed'), Type.Literal('unresolved'), Type.Literal('canceled')]),
    note: Type.Optional(Nullable(Text(LIMITS.actionNote))),
  },
  { additionalProperties: false },
);

export const caseActionRoutes: RouteModule = (app, deps) => {
  const tags = ['case actions'];

  app.post(
    '/api/v1/cases/:id/claim',
    {
      config: { permission: 'case:claim' },
      schema: { tags, summary: 'Claim a case (atomic: exactly one agent wins)', params: IdParams, body: Empty, response: answers },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await claimCase(deps, actor, pathId(req.params.id))).view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/assign',
    {
      config: { permission: 'case:assign' },
      schema: {
        tags,
        summary: 'Move a case to a team and/or owner (ownerId null unassigns)',
        params: IdParams,
        body: Type.Object({ teamId: Type.Optional(Id), ownerId: Type.Optional(Nullable(Id)) }, { additionalProperties: false }),
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const { teamId, ownerId } = req.body;
      if (teamId === undefined && ownerId === undefined) throw invalid([{ field: 'teamId', message: 'give teamId and/or ownerId' }]);
      const r = await assignCase(deps, actor, pathId(req.params.id), {
        teamId: teamId?.toLowerCase(),
        ownerId: ownerId?.toLowerCase() ?? ownerId,
      });
      return caseJson(r.view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/unassign',
    {
      config: { permission: 'case:unassign' },
      schema: { tags, summary: 'Remove the owner (the status stays)', params: IdParams, body: Empty, response: answers },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await assignCase(deps, actor, pathId(req.params.id), { ownerId: null })).view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/wait',
    {
      config: { permission: 'case:set_waiting' },
      schema: {
        tags,
        summary: 'Set waiting (optional wake time); on a waiting case, wakes it',
        params: IdParams,
        body: Type.Object({ wakeAt: Type.Optional(Nullable(DateTime)) }, { additionalProperties: false }),
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const wakeAt = req.body.wakeAt ? new Date(req.body.wakeAt) : null;
      return caseJson((await setWaiting(deps, actor, pathId(req.params.id), wakeAt)).view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/wake',
    {
      config: { permission: 'case:wake' },
      schema: { tags, summary: 'Wake a waiting case', params: IdParams, body: Empty, response: answers },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await wakeCase(deps, actor, pathId(req.params.id))).view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/resolve',
    {
      config: { permission: 'case:resolve' },
      schema: {
        tags,
        summary: 'Resolve (completed, unresolved) or cancel (canceled)',
        params: IdParams,
        body: ResolveBody,
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const r = await resolveCase(deps, actor, pathId(req.params.id), req.body.resolution, req.body.note ?? null);
      return caseJson(r.view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/cancel',
    {
      config: { permission: 'case:cancel' },
      schema: {
        tags,
        summary: 'Cancel a case (no messages or surveys go to the customer)',
        params: IdParams,
        body: Type.Object({ note: Type.Optional(Nullable(Text(LIMITS.actionNote))) }, { additionalProperties: false }),
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const r = await resolveCase(deps, actor, pathId(req.params.id), 'canceled', req.body.note ?? null);
      return caseJson(r.view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/reopen',
    {
      config: { permission: 'case:reopen' },
      schema: { tags, summary: 'Reopen a resolved or canceled case', params: IdParams, body: Empty, response: answers },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await reopenCase(deps, actor, pathId(req.params.id))).view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/spam',
    {
      config: { permission: 'case:spam' },
      schema: {
        tags,
        summary:
          'Mark a case as spam (status spam: not open, never queued, listed only with status=spam, deleted after the retention period); block: also block the customer’s address (sender) or its domain',
        params: IdParams,
        body: Type.Object(
          {
            block: Type.Optional(
              Type.Union([Type.Literal('sender'), Type.Literal('domain')], {
                description: 'sender: the customer’s email address; domain: every address of its domain (and subdomains)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await markSpam(deps, actor, pathId(req.params.id), req.body.block ?? null)).view, actor);
    },
  );

  app.post(
    '/api/v1/cases/:id/not-spam',
    {
      config: { permission: 'case:not_spam' },
      schema: {
        tags,
        summary: 'A spam case is not spam: open again (ready if it has an owner, else new in its team’s queue)',
        params: IdParams,
        body: Empty,
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await markNotSpam(deps, actor, pathId(req.params.id))).view, actor);
    },
  );

  app.post(
    '/api/v1/cases/:id/follow',
    {
      config: { permission: 'case:follow', channelToken: true },
      schema: { tags, summary: 'Follow a case', params: IdParams, body: Empty, response: answers },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await setCollaborator(deps, actor, pathId(req.params.id), actor.id, true)).view, actor, deps.clock.now());
    },
  );

  app.delete(
    '/api/v1/cases/:id/follow',
    {
      config: { permission: 'case:unfollow', channelToken: true },
      schema: { tags, summary: 'Stop following a case', params: IdParams, response: answers },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson((await setCollaborator(deps, actor, pathId(req.params.id), actor.id, false)).view, actor, deps.clock.now());
    },
  );

  app.post(
    '/api/v1/cases/:id/collaborators',
    {
      config: { permission: 'case:assign' },
      schema: {
        tags,
        summary: 'Add a collaborator (yourself: follow)',
        params: IdParams,
        body: Type.Object({ userId: Id }, { additionalProperties: false }),
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return caseJson(
        (await setCollaborator(deps, actor, pathId(req.params.id), req.body.userId.toLowerCase(), true)).view,
        actor,
        deps.clock.now(),
      );
    },
  );

  app.delete(
    '/api/v1/cases/:id/collaborators/:userId',
    {
      config: { permission: 'case:assign' },
      schema: {
        tags,
        summary: 'Remove a collaborator (yourself: unfollow)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), userId: Type.String({ maxLength: 64 }) }),
        response: answers,
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const userId = pathId(req.params.userId, 'User');
      return caseJson((await setCollaborator(deps, actor, pathId(req.params.id), userId, false)).view, actor, deps.clock.now());
    },
  );
};
