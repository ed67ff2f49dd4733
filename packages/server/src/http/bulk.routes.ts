import { LIMITS, readTags } from '@casework/domain';
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, DateTime, Id, Nullable, PrioritySchema, ProblemSchema, StringEnum, TagList, Text, problems } from './schemas.ts';
import { BULK_ACTIONS, BULK_MAX_CASES, runBulkAction, type BulkAction, type BulkParams } from '../use-cases/bulk-case-actions.ts';
import { invalid, type FieldError } from '../errors.ts';
import { managedTags } from '../use-cases/edit-case.ts';

/** Which optional fields each action reads; any other is refused, so a mistyped request changes nothing. */
const PARAMS: Record<BulkAction, readonly (keyof BulkParams)[]> = {
  claim: [],
  assign: ['teamId', 'ownerId'],
  unassign: [],
  set_waiting: ['wakeAt'],
  wake: [],
  resolve: ['resolution', 'note'],
  cancel: ['note'],
  reopen: [],
  follow: [],
  unfollow: [],
  set_priority: ['priority'],
  add_tags: ['tags'],
  remove_tags: ['tags'],
  mark_spam: [],
};

const Body = Type.Object(
  {
    caseIds: Type.Array(Id, { minItems: 1, maxItems: BULK_MAX_CASES, description: `The cases, at most ${BULK_MAX_CASES}, each once` }),
    action: StringEnum(BULK_ACTIONS),
    teamId: Type.Optional(Id),
    ownerId: Type.Optional(Nullable(Id)),
    wakeAt: Type.Optional(Nullable(DateTime)),
    resolution: Type.Optional(Type.Union([Type.Literal('completed'), Type.Literal('unresolved')])),
    note: Type.Optional(Nullable(Text(LIMITS.actionNote))),
    priority: Type.Optional(PrioritySchema),
    tags: Type.Optional(TagList),
  },
  { additionalProperties: false },
);

const Result = Type.Object({
  caseId: Type.String(),
  ok: Type.Boolean(),
  case: Type.Optional(CaseSchema),
  problem: Type.Optional(ProblemSchema),
});

export const bulkRoutes: RouteModule = (app, deps) => {
  app.post(
    '/api/v1/cases/bulk',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['case actions'],
        summary: `Apply one action to up to ${BULK_MAX_CASES} cases; each case goes through the same rules as its own action and gets its own result`,
        description:
          'Parameters as the single actions take them: assign `teamId`/`ownerId`, set_waiting `wakeAt`, resolve `resolution` (required) and `note`, cancel `note`, ' +
          'set_priority `priority` (required), add_tags and remove_tags `tags` (required; as POST /cases/:id/tags: a bad tag is each case’s 400); mark_spam none (as POST /cases/:id/spam without `block`). ' +
          'A case that is refused (404 invisible or unknown, 403, 409…) has `ok: false` and the problem it would have got alone; the others go on.',
        body: Body,
        response: { 200: Type.Object({ results: Type.Array(Result) }), ...problems(400, 401) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const { caseIds, action, ...given } = req.body;
      const errors: FieldError[] = [];
      const ids = caseIds.map((id) => id.toLowerCase());
      if (new Set(ids).size !== ids.length) errors.push({ field: 'caseIds', message: 'must not name a case twice' });
      for (const key of Object.keys(given) as (keyof BulkParams)[]) {
        if (!PARAMS[action].includes(key)) errors.push({ field: key, message: `is not used by ${action}` });
      }
      if (action === 'assign' && given.teamId === undefined && given.ownerId === undefined)
        errors.push({ field: 'teamId', message: 'give teamId and/or ownerId' });
      if (action === 'resolve' && given.resolution === undefined) errors.push({ field: 'resolution', message: 'is required' });
      if (action === 'set_priority' && given.priority === undefined) errors.push({ field: 'priority', message: 'is required' });
      if ((action === 'add_tags' || action === 'remove_tags') && !given.tags?.length)
        errors.push({ field: 'tags', message: 'give at least one tag' });
      // Tags are read once for every case (a tag outside the managed list refuses the whole request).
      if (given.tags?.length) {
        const read = readTags(given.tags, 'tags', action === 'add_tags' ? await managedTags(deps.db.kysely) : null);
        if (!read.ok) errors.push(...read.problems);
      }
      if (errors.length) throw invalid(errors);
      const params: BulkParams = {
        ...(given.teamId !== undefined ? { teamId: given.teamId.toLowerCase() } : {}),
        ...(given.ownerId !== undefined ? { ownerId: given.ownerId?.toLowerCase() ?? null } : {}),
        ...(given.wakeAt ? { wakeAt: new Date(given.wakeAt) } : {}),
        ...(given.resolution ? { resolution: given.resolution } : {}),
        ...(given.note ? { note: given.note } : {}),
        ...(given.priority ? { priority: given.priority } : {}),
        ...(given.tags ? { tags: given.tags } : {}),
      };
      const outcomes = await runBulkAction(deps, actor, ids, action, params);
      return {
        results: outcomes.map((o) =>
          o.ok
            ? { caseId: o.caseId, ok: true, case: caseJson(o.view, actor, deps.clock.now()) }
            : { caseId: o.caseId, ok: false, problem: o.problem.body() as Static<typeof ProblemSchema> },
        ),
      };
    },
  );
};
