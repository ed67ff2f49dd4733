import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import { useToast } from '../../components/toast';
import { DELIVERY_EVENT, subscribeLive } from '../../live/live-events';
import { failureShown, markFailureShown } from './delivery-api';

/**
 * Tells the author of a reply and the case's owner when its delivery failed (SPEC §15). The
 * live event names only the case; its history entry (read with the caller's own rights) says
 * whose reply it was and why it failed.
 */
export function useDeliveryNotices(userId: string | undefined): void {
  const toast = useToast();
  const client = useQueryClient();
  useEffect(() => {
    if (!userId) return;
    return subscribeLive((event) => {
      if (event.type !== DELIVERY_EVENT || !event.caseId || !event.id || !/^\d+$/.test(event.id)) return;
      const caseId = event.caseId;
      const before = (BigInt(event.id) - BigInt(1)).toString();
      void (async () => {
        const page = await api.get<'/cases/{id}/events'>(`/cases/${encodeURIComponent(caseId)}/events?cursor=${before}&limit=1`);
        const entry = page.events[0];
        const data = entry && entry.id === event.id ? entry.data : null;
        const messageId = typeof data?.messageId === 'string' ? data.messageId : null;
        if (!data || !messageId || data.state !== 'failed' || (data.authorId !== userId && data.ownerId !== userId)) return;
        if (failureShown(messageId)) return;
        markFailureShown(messageId);
        const c = await client.fetchQuery({
          queryKey: keys.case(caseId),
          queryFn: () => api.get<'/cases/{id}'>(`/cases/${encodeURIComponent(caseId)}`),
        });
        const whose = data.authorId === userId ? 'Your reply on' : 'A reply on your case';
        toast.show('error', `${whose} ${c.reference} was not delivered`, typeof data.lastError === 'string' ? data.lastError : undefined, {
          to: `/cases/${caseId}`,
          label: 'Open the case',
        });
      })().catch(() => {
        // The case left this user's sight meanwhile: nothing to tell.
      });
    });
  }, [userId, toast, client]);
}
