import type { CaseFacts, ResolutionReason, Status } from './types.ts';
import { isChatType, isOpen } from './types.ts';
import { dayBounds } from './time.ts';

/** The My Work sections, in page order (SPEC §3.2). */
export const SECTIONS = [
  { key: 'active_chats', title: 'Active Chat Sessions' },
  { key: 'ready', title: 'Ready To Solve' },
  { key: 'waiting', title: 'Waiting For Updates' },
  { key: 'solved_today', title: 'Solved Today' },
  { key: 'following', title: "Open Cases I'm Following" },
] as const;
export type SectionKey = (typeof SECTIONS)[number]['key'];
export const SECTION_KEYS = SECTIONS.map((s) => s.key) as SectionKey[];

export function isSectionKey(v: string): v is SectionKey {
  return (SECTION_KEYS as string[]).includes(v);
}

type Facts = Pick<CaseFacts, 'type' | 'status' | 'ownerId' | 'collaboratorIds' | 'resolvedAt' | 'resolutionReason'>;

/**
 * What puts a case in each section for user V (SPEC §3.2), as data: `sectionOf` reads it, and the
 * server's SQL twin (db/sql-rules.ts) is built from it. `owned`: V owns the case; `followed`: V
 * follows it without owning it. `status`: the case's status, or `open` for any open status.
 * `chat`: only chat cases (true) or none (false). `resolvedToday`: resolved within V's day.
 * `notReason`: a resolution reason that keeps the case out. The relations are disjoint, and so are
 * the conditions within each, so a case is in at most one section.
 */
export const SECTION_RULES = {
  active_chats: { relation: 'owned', status: 'ready', chat: true },
  ready: { relation: 'owned', status: 'ready', chat: false },
  waiting: { relation: 'owned', status: 'waiting' },
  solved_today: { relation: 'owned', status: 'resolved', resolvedToday: true, notReason: 'abandoned' },
  following: { relation: 'followed', status: 'open' },
} as const satisfies Record<SectionKey, SectionRule>;

export type SectionRule = {
  relation: 'owned' | 'followed';
  status: Status | 'open';
  chat?: boolean;
  resolvedToday?: true;
  notReason?: ResolutionReason;
};

function holds(rule: SectionRule, c: Facts, userId: string, zone: string, now: Date): boolean {
  const related = rule.relation === 'owned' ? c.ownerId === userId : c.ownerId !== userId && c.collaboratorIds.includes(userId);
  if (!related) return false;
  if (rule.status === 'open' ? !isOpen(c.status) : c.status !== rule.status) return false;
  if (rule.chat !== undefined && isChatType(c.type) !== rule.chat) return false;
  if (rule.notReason !== undefined && c.resolutionReason === rule.notReason) return false;
  if (rule.resolvedToday) {
    if (!c.resolvedAt) return false;
    const { start, end } = dayBounds(now, zone);
    return c.resolvedAt >= start && c.resolvedAt < end;
  }
  return true;
}

/**
 * Which My Work section a case belongs to for user V, if any (by SECTION_RULES). A case is in at
 * most one: owned cases by status (chats apart), then cases V follows without owning them. An
 * abandoned chat (ended by the customer before anyone replied) was not solved: it is in no section.
 */
export function sectionOf(c: Facts, userId: string, zone: string, now: Date): SectionKey | null {
  return SECTION_KEYS.find((key) => holds(SECTION_RULES[key], c, userId, zone, now)) ?? null;
}

/** Section lists run newest-created first; equal times break by id, descending. */
export function compareNewestFirst(a: { id: string; createdAt: Date }, b: { id: string; createdAt: Date }): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
