import { dayBounds, guardReason, nextReason, SECTIONS, seenTeams, seesEveryCase, type SectionKey } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { loadMyWork, loadSection, type SectionPage } from '../db/repos/sections.ts';
import type { Cursor } from '../db/repos/case-list.ts';

const SECTION_PAGE_SIZE = 25;

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
export const queueTeams = (actor: AppUser): string[] => (seesEveryCase(actor) ? [...actor.teamIds] : [...seenTeams(actor)]);

/** Everything the My Work page shows, for the user's "today" (SPEC §3; the SLA guard, SPEC §12), in one statement. */
export async function getMyWork(deps: Deps, actor: AppUser): Promise<MyWork> {
  const now = deps.clock.now();
  const today = dayBounds(now, actor.timeZone);
  const w = await loadMyWork(deps.db.kysely, actor.id, queueTeams(actor), today, SECTION_PAGE_SIZE, now);
  const collapsed = new Set(w.collapsed);
  return {
    next: w.pick && {
      case: w.pick.case,
      reason: w.pick.guard
        ? guardReason(w.pick.type, w.pick.guard.breached, w.pick.guard.count)
        : nextReason(w.pick.type, w.pick.createdToday, w.pick.createdToday ? w.today : w.total),
    },
    unassignedCount: w.total,
    capacityReached: w.max !== null && w.open >= w.max,
    maxOpenPerUser: w.max,
    sections: w.pages.map((p, i) => ({ ...p, title: SECTIONS[i]!.title, collapsed: collapsed.has(p.key) })),
  };
}

export function getSectionPage(
  deps: Deps,
  actor: AppUser,
  key: SectionKey,
  cursor: Cursor | null,
  limit = SECTION_PAGE_SIZE,
): Promise<SectionPage> {
  const today = dayBounds(deps.clock.now(), actor.timeZone);
  return loadSection(deps.db.kysely, key, actor.id, today, limit, cursor);
}
