import { sql } from 'kysely';
import { dayBounds, SECTIONS, type SectionKey } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { countCandidates, findNextCandidate, reasonFor } from '../db/repos/queue.ts';
import { loadAllSections, loadSection, type SectionPage } from '../db/repos/sections.ts';
import type { Cursor } from '../db/repos/case-list.ts';

export const SECTION_PAGE_SIZE = 25;

export type MyWork = {
  next: { case: CaseView; reason: string } | null;
  unassignedCount: number;
  capacityReached: boolean;
  maxOpenPerUser: number | null;
  sections: (SectionPage & { title: string; collapsed: boolean })[];
};

/**
 * The teams whose queue the user works: their own teams (claiming needs membership), and only
 * if they may see those teams' cases (a role without case.view_team must not learn of them).
 */
export const queueTeams = (actor: AppUser): string[] =>
  actor.permissions.has('case.view_team') || actor.permissions.has('case.view_all') ? [...actor.teamIds] : [];

/** Everything the My Work page shows, for the user's "today" (SPEC §3). */
export async function getMyWork(deps: Deps, actor: AppUser): Promise<MyWork> {
  const db = deps.db.kysely;
  const today = dayBounds(deps.clock.now(), actor.timeZone);
  const teams = queueTeams(actor);
  const picking = findNextCandidate(db, teams, today);
  const queue = picking.then((p) => (p ? reasonFor(db, teams, p, today) : countCandidates(db, teams).then((total) => ({ reason: '', total }))));
  // The next case is read with the sections' cases, in one case-view statement.
  const [pick, { pages, extra }, { collapsedSections, ...capacity }, why] = await Promise.all([
    picking,
    loadAllSections(db, actor.id, today, SECTION_PAGE_SIZE, picking.then((p) => (p ? [p.id] : []))),
    userState(deps, actor.id),
    queue,
  ]);
  const view = pick && extra.get(pick.id);
  const next: MyWork['next'] = view ? { case: view, reason: why.reason } : null;
  const unassignedCount = why.total;
  const collapsed = new Set(collapsedSections);
  return {
    next,
    unassignedCount,
    ...capacity,
    sections: pages.map((p, i) => ({ ...p, title: SECTIONS[i]!.title, collapsed: collapsed.has(p.key) })),
  };
}

export function getSectionPage(deps: Deps, actor: AppUser, key: SectionKey, cursor: Cursor | null, limit = SECTION_PAGE_SIZE): Promise<SectionPage> {
  const today = dayBounds(deps.clock.now(), actor.timeZone);
  return loadSection(deps.db.kysely, key, actor.id, today, limit, cursor);
}

// The user's collapsed sections and open-case capacity, in one statement.
async function userState(deps: Deps, userId: string): Promise<{ collapsedSections: string[]; capacityReached: boolean; maxOpenPerUser: number | null }> {
  const r = await sql<{ max: number | null; open: number; collapsed: string[] | null }>`SELECT o.max_open_per_user AS max,
      CASE WHEN o.max_open_per_user IS NULL THEN 0 ELSE
        (SELECT count(*)::int FROM cases WHERE owner_id = ${userId}::uuid AND status IN ('new','ready','waiting')) END AS open,
      (SELECT p.collapsed_sections FROM user_preferences p WHERE p.user_id = ${userId}::uuid) AS collapsed
    FROM organisation o WHERE o.id = 1`.execute(deps.db.kysely);
  const row = r.rows[0];
  const max = row?.max ?? null;
  return { collapsedSections: row?.collapsed ?? [], maxOpenPerUser: max, capacityReached: max !== null && (row?.open ?? 0) >= max };
}
