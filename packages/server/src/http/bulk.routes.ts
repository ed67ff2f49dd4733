import { LIMITS } from '@casework/domain';
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { caseJson } from './presenters.ts';
import { CaseSchema, DateTime, Id, Nullable, ProblemSchema, StringEnum, Text, problems } from './schemas.ts';
import { BULK_ACTIONS, BULK_MAX_CASES, runBulkAction, type BulkAction, type BulkParams } from '../use-cases/bulk-case-actions.ts';
import { invalid, type FieldError } from '../errors.ts';

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
          'Parameters as the single actions take them: assign `teamId`/`ownerId`, set_waiting `wakeAt`, resolve `resolution` (required) and `note`, cancel `note`. ' +
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
      if (errors.length) throw invalid(errors);
      const params: BulkParams = {
        ...(given.teamId !== undefined ? { teamId: given.teamId.toLowerCase() } : {}),
        ...(given.ownerId !== undefined ? { ownerId: given.ownerId?.toLowerCase() ?? null } : {}),
        ...(given.wakeAt ? { wakeAt: new Date(given.wakeAt) } : {}),
        ...(given.resolution ? { resolution: given.resolution } : {}),
        ...(given.note ? { note: given.note } : {}),
      };
      const outcomes = await runBulkAction(deps, actor, ids, action, params);
      return {
        results: outcomes.map((o) =>
          o.ok
            ? { caseId: o.caseId, ok: true, case: caseJson(o.view, actor) }
            : { caseId: o.caseId, ok: false, problem: o.problem.body() as Static<typeof ProblemSchema> },
        ),
      };
    },
  );
};
