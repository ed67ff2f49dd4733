import { canEditView, canSeeView, MAX_VIEWS_PER_USER, mayShareViews } from '@casework/domain';
import type { Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { countOwnViews, findSavedView, type SavedView } from '../db/repos/saved-views.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { uuidv7 } from '../ids.ts';

/** A view as asked for; `filters` already checked against the Cases list's filters by the route. */
export type ViewInput = { name?: string; filters?: Record<string, unknown>; shared?: { teamIds: string[] } | null };

const refuseSharing = () =>
  forbidden('admin.views', 'Sharing views with teams, and changing shared views, needs the admin.views permission.');

async function checkTeams(trx: Kysely<Database>, teamIds: string[]): Promise<void> {
  if (!teamIds.length) return;
  const found = await trx.selectFrom('teams').select('id').where('id', 'in', teamIds).execute();
  if (found.length !== teamIds.length) throw invalid([{ field: 'shared.teamIds', message: 'names a team that does not exist' }]);
}

async function setTeams(trx: Kysely<Database>, viewId: string, teamIds: string[]): Promise<void> {
  await trx.deleteFrom('saved_view_teams').where('view_id', '=', viewId).execute();
  if (teamIds.length)
    await trx
      .insertInto('saved_view_teams')
      .values(teamIds.map((team_id) => ({ view_id: viewId, team_id })))
      .execute();
}

const uniqueTeams = (shared: ViewInput['shared']) => (shared ? [...new Set(shared.teamIds.map((t) => t.toLowerCase()))] : []);

/** Saves the Cases list's filters under a name: personal, or shared with teams (admin.views). */
export async function createView(deps: Deps, actor: AppUser, input: Required<ViewInput>): Promise<SavedView> {
  if (input.shared && !mayShareViews(actor)) throw refuseSharing();
  const id = uuidv7();
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (trx) => {
    if ((await countOwnViews(trx, actor.id)) >= MAX_VIEWS_PER_USER)
      throw conflict(`You keep ${MAX_VIEWS_PER_USER} views already; remove one first.`);
    const teamIds = uniqueTeams(input.shared);
    await checkTeams(trx, teamIds);
    await trx
      .insertInto('saved_views')
      .values({
        id,
        owner_id: actor.id,
        name: input.name,
        filters: JSON.stringify(input.filters),
        shared: input.shared !== null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await setTeams(trx, id, teamIds);
  });
  return (await findSavedView(deps.db.kysely, id))!;
}

/** The view, locked, if the actor may change it: 404 when they may not see it, 403 when they may not change it. */
async function editableView(trx: Kysely<Database>, actor: AppUser, id: string): Promise<SavedView> {
  const row = await trx.selectFrom('saved_views').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  const view = row ? await findSavedView(trx, id) : undefined;
  if (!view || !canSeeView(actor, view)) throw notFound('View');
  if (!canEditView(actor, view)) throw refuseSharing();
  return view;
}

/** Renames a view, replaces its filters, or changes whom it is shared with. */
export async function updateView(deps: Deps, actor: AppUser, id: string, input: ViewInput): Promise<SavedView> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const view = await editableView(trx, actor, id);
    if (input.shared !== undefined && (input.shared !== null || view.sharedTeamIds !== null) && !mayShareViews(actor))
      throw refuseSharing();
    const set: { updated_at: Date; name?: string; filters?: string; shared?: boolean } = { updated_at: deps.clock.now() };
    if (input.name !== undefined) set.name = input.name;
    if (input.filters !== undefined) set.filters = JSON.stringify(input.filters);
    if (input.shared !== undefined) {
      const teamIds = uniqueTeams(input.shared);
      await checkTeams(trx, teamIds);
      set.shared = input.shared !== null;
      await setTeams(trx, id, teamIds);
    }
    await trx.updateTable('saved_views').set(set).where('id', '=', id).execute();
  });
  return (await findSavedView(deps.db.kysely, id))!;
}

/** Removes a view (for everyone it was shared with, too). */
export async function deleteView(deps: Deps, actor: AppUser, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    await editableView(trx, actor, id);
    await trx.deleteFrom('saved_views').where('id', '=', id).execute();
  });
}
