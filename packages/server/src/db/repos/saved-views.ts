import { sql, type Kysely } from 'kysely';
import { canSeeView, mayShareViews } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { AppUser } from '../../auth/actor.ts';

/** A saved view as stored: its filters are the Cases list's query parameters (http/case-filters.ts). */
export type SavedView = {
  id: string;
  ownerId: string;
  name: string;
  filters: Record<string, unknown>;
  sharedTeamIds: string[] | null;
  createdAt: Date;
  updatedAt: Date;
};

type Row = {
  id: string;
  owner_id: string;
  name: string;
  filters: Record<string, unknown> | string;
  shared: boolean;
  team_ids: string[];
  created_at: Date;
  updated_at: Date;
};

const toView = (r: Row): SavedView => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  filters: typeof r.filters === 'string' ? JSON.parse(r.filters) : r.filters,
  sharedTeamIds: r.shared ? r.team_ids : null,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const columns = sql`v.id, v.owner_id, v.name, v.filters, v.shared, v.created_at, v.updated_at,
  ARRAY(SELECT t.team_id::text FROM saved_view_teams t WHERE t.view_id = v.id ORDER BY t.team_id) AS team_ids`;

/**
 * The views the user sees, their own personal views first, then the shared ones, each by name.
 * The statement reads only candidates (their own, and shared ones with a team of theirs or all
 * shared ones for a manager) through the owner and team indexes; `canSeeView` decides.
 */
export async function listSavedViews(db: Kysely<Database>, actor: AppUser): Promise<SavedView[]> {
  const manages = mayShareViews(actor);
  const r = await sql<Row>`SELECT ${columns} FROM saved_views v
    WHERE v.owner_id = ${actor.id}::uuid
      OR (v.shared AND (${manages} OR EXISTS (SELECT 1 FROM saved_view_teams t
        WHERE t.view_id = v.id AND t.team_id = ANY(${actor.teamIds}::uuid[]))))
    ORDER BY v.shared, lower(v.name), v.id`.execute(db);
  return r.rows.map(toView).filter((v) => canSeeView(actor, v));
}

/** One view by id, whoever may see it (the caller checks `canSeeView`). */
export async function findSavedView(db: Kysely<Database>, id: string): Promise<SavedView | undefined> {
  const r = await sql<Row>`SELECT ${columns} FROM saved_views v WHERE v.id = ${id}::uuid`.execute(db);
  return r.rows[0] ? toView(r.rows[0]) : undefined;
}

/** How many personal views the user keeps. */
export async function countOwnViews(db: Kysely<Database>, userId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM saved_views WHERE owner_id = ${userId}::uuid`.execute(db);
  return r.rows[0]!.n;
}
