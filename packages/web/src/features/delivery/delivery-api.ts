import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Delivery } from '../../api/types';

/** GET /cases/:id/channel: where the case talks, and whether a reply can reach the customer. */
export type CaseChannel = {
  channel: { id: string; type: string; name: string } | null;
  customerAddress: string | null;
  canDeliver: boolean;
  deliveryProblem: string | null;
};

export const caseChannelKey = (caseId: string) => ['case', caseId, 'channel'] as const;

export function useCaseChannel(caseId: string) {
  return useQuery({
    queryKey: caseChannelKey(caseId),
    queryFn: ({ signal }) => api.get<CaseChannel>(`/cases/${encodeURIComponent(caseId)}/channel`, { signal }),
    staleTime: 30_000,
  });
}

export function retryDelivery(caseId: string, messageId: string) {
  return api.post<{ messageId: string; delivery: Delivery }>(
    `/cases/${encodeURIComponent(caseId)}/messages/${encodeURIComponent(messageId)}/retry`,
    {},
  );
}

/**
 * Failures this browser has already shown (in the reply box's own answer), so the live notice
 * of the same failure does not repeat it.
 */
const shown = new Set<string>();
export const markFailureShown = (messageId: string) => void shown.add(messageId);
export const failureShown = (messageId: string) => shown.has(messageId);
