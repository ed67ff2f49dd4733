import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '@casework/domain';

/**
 * SQL form of the domain's canView (alias `c` = cases): every list, count and search uses it,
 * so a case never leaks through a side door.
 */
export function visibleTo(actor: Actor): RawBuilder<boolean> {
  if (actor.permissions.has('case.view_all')) return sql<boolean>`true`;
  const teams = actor.permissions.has('case.view_team') ? [...actor.teamIds] : [];
  // The followed ids are read once into an array (not a per-row subquery), so the planner can
  // OR three index scans together instead of testing every case.
  return sql<boolean>`(c.team_id = ANY(${teams}::uuid[]) OR c.owner_id = ${actor.id}::uuid
    OR c.id = ANY(ARRAY(SELECT vc.case_id FROM case_collaborators vc WHERE vc.user_id = ${actor.id}::uuid)))`;
}
