import { sql, type Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { checkCapacity, runLifecycleAction, type CaseWriteResult } from './case-write.ts';
import { invalid } from '../errors.ts';

export type AssignInput = { teamId?: string; ownerId?: string | null };

/**
 * Moves a case to a team and/or owner; `ownerId: null` unassigns. Moving team without naming
 * an owner keeps the owner only if they are a member of the new team. The owner must be an
 * active member of the (new) team.
 */
export function assignCase(deps: Deps, actor: AppUser, caseId: string, input: AssignInput): Promise<CaseWriteResult> {
  const onlyUnassign = input.teamId === undefined && input.ownerId === null;
  const action = onlyUnassign ? 'unassign' : 'assign';
  let resolvedOwner: string | null = null;
  return runLifecycleAction(
    deps,
    actor,
    caseId,
    action,
    (c) => ({ kind: 'assign', teamId: input.teamId ?? c.teamId, ownerId: input.ownerId === undefined ? c.ownerId : input.ownerId }),
    async (trx, c, event) => {
      if (event.kind !== 'assign') return;
      if (input.teamId !== undefined && input.teamId !== c.teamId) {
        const team = await trx.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
        if (!team) throw invalid([{ field: 'teamId', message: 'no such team' }]);
      }
      resolvedOwner = event.ownerId;
      if (resolvedOwner === null) return;
      const member = await isActiveMember(trx, resolvedOwner, event.teamId);
      if (!member && input.ownerId === undefined) {
        // Team changed and the current owner is not on it: the case goes to the new team's queue.
        (event as { ownerId: string | null }).ownerId = null;
        return;
      }
      if (!member) throw invalid([{ field: 'ownerId', message: "the owner must be an active member of the case's team" }]);
      if (resolvedOwner !== c.ownerId) await checkCapacity(trx, resolvedOwner, c.id);
    },
  );
}

async function isActiveMember(trx: Kysely<Database>, userId: string, teamId: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`SELECT EXISTS (
      SELECT 1 FROM team_members tm JOIN users u ON u.id = tm.user_id
      WHERE tm.user_id = ${userId}::uuid AND tm.team_id = ${teamId}::uuid AND u.active) AS ok`.execute(trx);
  return r.rows[0]!.ok;
}
