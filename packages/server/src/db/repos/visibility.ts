import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '@casework/domain';

/**
 * SQL form of the domain's canView (alias `c` = cases): every list, count and search uses it,
 * so a case never leaks through a side door.
 */
export function visibleTo(actor: Actor): RawBuilder<boolean> {
  if (actor.permissions.has('case.view_all')) return sql<boolean>`true`;
  const teams = actor.permissions.has('case.view_team') ? [...actor.teamIds] : [];
  return sql<boolean>`(c.team_id = ANY(${teams}::uuid[]) OR c.owner_id = ${actor.id}::uuid
    OR EXISTS (SELECT 1 FROM case_collaborators vc WHERE vc.case_id = c.id AND vc.user_id = ${actor.id}::uuid))`;
}
