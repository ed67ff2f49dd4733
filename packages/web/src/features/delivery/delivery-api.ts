import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

const caseChannelKey = (caseId: string) => ['case', caseId, 'channel'] as const;

export function useCaseChannel(caseId: string) {
  return useQuery({
    queryKey: caseChannelKey(caseId),
    queryFn: ({ signal }) => api.get<'/cases/{id}/channel'>(`/cases/${encodeURIComponent(caseId)}/channel`, { signal }),
    staleTime: 30_000,
  });
}

export function retryDelivery(caseId: string, messageId: string) {
  return api.post<'/cases/{id}/messages/{messageId}/retry'>(
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
