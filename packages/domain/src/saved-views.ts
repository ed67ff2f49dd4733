import type { Actor } from './types.ts';

/** A saved view as its access rules need it: who made it and which teams it is shared with (null: personal). */
export type SavedViewFacts = { ownerId: string; sharedTeamIds: readonly string[] | null };

/** How many personal views one user may keep (each one's count is worked out on every refresh of the navigation). */
export const MAX_VIEWS_PER_USER = 50;

type Viewer = Pick<Actor, 'id' | 'permissions' | 'teamIds'>;

/** Whether the user may share views with teams and change or remove shared ones (SPEC §10: `admin.views`). */
export const mayShareViews = (user: Pick<Actor, 'permissions'>): boolean => user.permissions.has('admin.views');

/**
 * Who sees a saved view: a personal view only its maker (not even an administrator: it is their
 * own shortcut); a shared one its maker, the members of the teams it is shared with, and whoever
 * manages shared views. Anyone else is told it does not exist.
 */
export function canSeeView(user: Viewer, v: SavedViewFacts): boolean {
  if (v.ownerId === user.id) return true;
  if (v.sharedTeamIds === null) return false;
  return mayShareViews(user) || v.sharedTeamIds.some((t) => user.teamIds.includes(t));
}

/**
 * Who may change or remove a saved view: a personal one its maker; a shared one only with
 * `admin.views` (its maker too loses the right with the permission). Making a personal view
 * shared, or a shared one personal, is a change of a shared view.
 */
export function canEditView(user: Viewer, v: SavedViewFacts): boolean {
  if (!canSeeView(user, v)) return false;
  return v.sharedTeamIds === null ? v.ownerId === user.id : mayShareViews(user);
}
