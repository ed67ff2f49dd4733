import type { CaseFacts } from './types.ts';
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
 * Which My Work section a case belongs to for user V, if any. A case is in at most one:
 * owned cases by status (chats apart), then cases V follows without owning them. An abandoned
 * chat (ended by the customer before anyone replied) was not solved: it is in no section.
 */
export function sectionOf(c: Facts, userId: string, zone: string, now: Date): SectionKey | null {
  if (c.ownerId === userId) {
    if (c.status === 'ready') return isChatType(c.type) ? 'active_chats' : 'ready';
    if (c.status === 'waiting') return 'waiting';
    if (c.status === 'resolved' && c.resolvedAt && c.resolutionReason !== 'abandoned') {
      const { start, end } = dayBounds(now, zone);
      return c.resolvedAt >= start && c.resolvedAt < end ? 'solved_today' : null;
    }
    return null;
  }
  if (c.collaboratorIds.includes(userId) && isOpen(c.status)) return 'following';
  return null;
}

/** Section lists run newest-created first; equal times break by id, descending. */
export function compareNewestFirst(a: { id: string; createdAt: Date }, b: { id: string; createdAt: Date }): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
