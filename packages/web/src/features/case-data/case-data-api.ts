import { useQuery, type QueryClient } from '@tanstack/react-query';
import { normalizeTag, PRIORITIES as LOW_TO_URGENT, type Priority } from '@casework/domain';
import { api, type Body } from '../../api/client';
import { keys, storeCase } from '../../api/queries';
import type { Case } from '../../api/types';

export { isPriority, type Priority } from '@casework/domain';

/** The domain's priorities from most to least pressing, as menus and filters list them (sort=priority's order). */
export const PRIORITIES: readonly Priority[] = [...LOW_TO_URGENT].reverse();

export const PRIORITY_LABELS: Record<Priority, string> = { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' };

export const tagKeys = { tags: ['tags'] as const };

/** The organisation's tags with how many visible cases carry each (GET /tags), most used first. */
export function useTags(enabled = true) {
  return useQuery({
    queryKey: tagKeys.tags,
    queryFn: async () => (await api.get<'/tags'>('/tags')).tags,
    staleTime: 30_000,
    enabled,
  });
}

/** Whether the user may edit this case's subject, description, priority, tags, fields and customer (the server's `edit` action). */
export const canEditCase = (caseItem: Pick<Case, 'actions'>) => caseItem.actions.includes('edit');

/** PATCH /cases/:id: subject, description, priority or the customer link; answers the case. */
export function updateCase(caseId: string, body: Body<'/cases/{id}', 'patch'>): Promise<Case> {
  return api.patch<'/cases/{id}'>(`/cases/${encodeURIComponent(caseId)}`, body);
}

/** POST /cases/:id/tags: adds and removes tags in one change; answers the case. */
export function changeTags(caseId: string, change: { add?: string[]; remove?: string[] }): Promise<Case> {
  return api.post<'/cases/{id}/tags'>(`/cases/${encodeURIComponent(caseId)}/tags`, change);
}

/** After an edit: the fresh case in the cache, its history and every list refetched, the tag counts too. */
export function afterCaseEdit(client: QueryClient, updated: Case): void {
  storeCase(client, updated);
  void client.invalidateQueries({ queryKey: keys.caseEvents(updated.id) });
  void client.invalidateQueries({ queryKey: keys.work });
  void client.invalidateQueries({ queryKey: keys.cases });
  void client.invalidateQueries({ queryKey: tagKeys.tags });
}

/** A typed tag as the server stores it (trimmed, single spaces, lower-case; the domain's rule), or '' when blank or too long. */
export function normaliseTag(text: string): string {
  const read = normalizeTag(text);
  return read.ok ? read.tag : '';
}
