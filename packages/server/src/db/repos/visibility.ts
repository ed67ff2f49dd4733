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

/**
 * The same set as visibleTo, as disjoint parts (team cases; owned elsewhere; followed elsewhere)
 * for counting and paging: a sum of three counts can read the team part from an index alone,
 * where counting the OR must visit every matching row (thousands of pages for an agent at 1M cases).
 */
export function visibleParts(actor: Actor): RawBuilder<boolean>[] {
  if (actor.permissions.has('case.view_all')) return [sql<boolean>`true`];
  const teams = visibleTeams(actor);
  return [...(teams.length ? [sql<boolean>`c.team_id = ANY(${teams}::uuid[])`] : []), ...visibleElsewhere(actor)];
}

/** Teams whose every case the actor sees (none without case.view_team; view_all is handled apart). */
export const visibleTeams = (actor: Actor): string[] => (actor.permissions.has('case.view_team') ? [...actor.teamIds] : []);

/** The cases outside visibleTeams the actor still sees: owned ones, then followed ones (disjoint). */
export function visibleElsewhere(actor: Actor): RawBuilder<boolean>[] {
  const me = sql`${actor.id}::uuid`;
  const elsewhere = sql`NOT (c.team_id = ANY(${visibleTeams(actor)}::uuid[]))`;
  return [
    sql<boolean>`c.owner_id = ${me} AND ${elsewhere}`,
    sql<boolean>`c.id = ANY(ARRAY(SELECT vc.case_id FROM case_collaborators vc WHERE vc.user_id = ${me}))
      AND c.owner_id IS DISTINCT FROM ${me} AND ${elsewhere}`,
  ];
}
