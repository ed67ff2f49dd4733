import { sql, type Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { runLifecycleAction, type CaseWriteResult } from './case-write.ts';
import { invalid } from '../errors.ts';

export type AssignInput = { teamId?: string; ownerId?: string | null };

/**
 * Moves a case to a team and/or owner; `ownerId: null` unassigns. Whether the owner stays, goes
 * back to the queue or is refused is the domain's rule (`ownerAfterAssign`); this reads its facts:
 * the team exists, and the owner the case would have is an active member of it.
 */
export function assignCase(deps: Deps, actor: AppUser, caseId: string, input: AssignInput): Promise<CaseWriteResult> {
  const onlyUnassign = input.teamId === undefined && input.ownerId === null;
  const named = input.ownerId === undefined ? {} : { ownerId: input.ownerId };
  return runLifecycleAction(deps, actor, caseId, {
    action: onlyUnassign ? 'unassign' : 'assign',
    // As asked; whether the owner is on the team is read below, once the actor may assign.
    event: (c) => ({ kind: 'assign', teamId: input.teamId ?? c.teamId, ...named, ownerIsMember: true }),
    facts: async (trx, c) => {
      const teamId = input.teamId ?? c.teamId;
      if (teamId !== c.teamId) {
        const team = await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
        if (!team) throw invalid([{ field: 'teamId', message: 'no such team' }]);
      }
      const owner = input.ownerId === undefined ? c.ownerId : input.ownerId;
      const ownerIsMember = owner !== null && (await isActiveMember(trx, owner, teamId));
      return { kind: 'assign', teamId, ...named, ownerIsMember };
    },
  });
}

async function isActiveMember(trx: Kysely<Database>, userId: string, teamId: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`SELECT EXISTS (
      SELECT 1 FROM team_members tm JOIN users u ON u.id = tm.user_id
      WHERE tm.user_id = ${userId}::uuid AND tm.team_id = ${teamId}::uuid AND u.active) AS ok`.execute(trx);
  return r.rows[0]!.ok;
}
