import { useQuery } from '@tanstack/react-query';
import { CANNED_SCOPES, cannedScopeRefusal, type CannedScope } from '@casework/domain';
import { api, type Answer } from '../../api/client';
import type { Me } from '../../api/types';

/** A canned reply as GET /canned-replies returns it (only those this user may use). */
export type CannedReply = Answer<'/canned-replies', 'get'>['cannedReplies'][number];

export const cannedKeys = { list: ['canned-replies'] as const };

/** The canned replies this user may use, by title. */
export function useCannedReplies(enabled = true) {
  return useQuery({
    queryKey: cannedKeys.list,
    queryFn: async () => (await api.get<'/canned-replies'>('/canned-replies')).cannedReplies,
    staleTime: 30_000,
    enabled,
  });
}

/** The reply filled in for this case and the signed-in user, as the server renders it. */
export async function renderCannedReply(replyId: string, caseId: string): Promise<string> {
  const r = await api.post<'/canned-replies/{id}/render'>(`/canned-replies/${encodeURIComponent(replyId)}/render`, { caseId });
  return r.body;
}

export const SCOPE_LABEL: Record<CannedScope, string> = { personal: 'Personal', team: 'Team', organisation: 'Everyone' };

/** How a reply's scope reads in lists: "Personal", the team's name, or "Everyone". */
export const scopeText = (r: Pick<CannedReply, 'scope' | 'teamName'>): string =>
  r.scope === 'team' ? (r.teamName ?? 'Team') : SCOPE_LABEL[r.scope];

/** The signed-in user as the domain's canned-reply rules read them. */
export const cannedUser = (me: Me) => ({ id: me.id, permissions: new Set<string>(me.permissions), teamIds: me.teamIds });

/** The scopes this user may keep replies in (the domain's rule, any of their teams for a team reply). */
export function keepableScopes(me: Me | undefined): CannedScope[] {
  if (!me) return [];
  const user = cannedUser(me);
  return CANNED_SCOPES.filter((scope) => {
    const teamId = scope === 'team' ? (user.teamIds[0] ?? null) : null;
    return cannedScopeRefusal(user, { scope, teamId }) === null;
  });
}

/** Whether the picker matches a reply: every word of the query in its title or text. */
export function matchesQuery(r: Pick<CannedReply, 'title' | 'body'>, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = `${r.title}\n${r.body}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** The first non-blank line of a text, for previews. */
export const firstLine = (text: string): string =>
  text
    .split('\n')
    .find((l) => l.trim())
    ?.trim() ?? '';
