import { sql } from 'kysely';
import { dayBounds, SECTIONS, type SectionKey } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { findCaseView, type CaseView } from '../db/repos/case-views.ts';
import { countCandidates, findNextCandidate, reasonFor } from '../db/repos/queue.ts';
import { loadSection, type SectionPage } from '../db/repos/sections.ts';
import type { Cursor } from '../db/repos/case-list.ts';

export const SECTION_PAGE_SIZE = 25;

export type MyWork = {
  next: { case: CaseView; reason: string } | null;
  unassignedCount: number;
  capacityReached: boolean;
  maxOpenPerUser: number | null;
  sections: (SectionPage & { title: string; collapsed: boolean })[];
};

/** The teams whose queue the user works: their own teams (claiming needs membership). */
const queueTeams = (actor: AppUser) => [...actor.teamIds];

/** Everything the My Work page shows, for the user's "today" (SPEC §3). */
export async function getMyWork(deps: Deps, actor: AppUser): Promise<MyWork> {
  const db = deps.db.kysely;
  const today = dayBounds(deps.clock.now(), actor.timeZone);
  const teams = queueTeams(actor);
  const [pick, pages, prefs, capacity] = await Promise.all([
    findNextCandidate(db, teams, today),
    Promise.all(SECTIONS.map((s) => loadSection(db, s.key, actor.id, today, SECTION_PAGE_SIZE, null))),
    db.selectFrom('user_preferences').select('collapsed_sections').where('user_id', '=', actor.id).executeTakeFirst(),
    capacityOf(deps, actor.id),
  ]);
  let next: MyWork['next'] = null;
  let unassignedCount = 0;
  if (pick) {
    const [view, why] = await Promise.all([findCaseView(db, pick.id), reasonFor(db, teams, pick, today)]);
    unassignedCount = why.total;
    if (view) next = { case: view, reason: why.reason };
  } else {
    unassignedCount = await countCandidates(db, teams);
  }
  const collapsed = new Set(prefs?.collapsed_sections ?? []);
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

async function capacityOf(deps: Deps, userId: string): Promise<{ capacityReached: boolean; maxOpenPerUser: number | null }> {
  const r = await sql<{ max: number | null; open: number }>`SELECT o.max_open_per_user AS max,
      (SELECT count(*)::int FROM cases WHERE owner_id = ${userId}::uuid AND status IN ('new','ready','waiting')) AS open
    FROM organisation o WHERE o.id = 1`.execute(deps.db.kysely);
  const row = r.rows[0];
  const max = row?.max ?? null;
  return { maxOpenPerUser: max, capacityReached: max !== null && (row?.open ?? 0) >= max };
}
