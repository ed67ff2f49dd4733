import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../../api/queries';
import type { Delivery } from '../../api/types';
import { Button } from '../../components/button';
import { useToast } from '../../components/toast';
import { formatDateTime } from '../../lib/time';
import { retryDelivery } from './delivery-api';

const CHANNEL_WORDS: Record<string, string> = {
  email: 'by email',
  sms: 'by SMS',
  web_connect: 'in the chat',
  support_sdk: 'in the app chat',
};

/**
 * A reply's delivery beside it: a quiet "Sent"/"Delivered", "Queued" (or "Queued — retrying" with
 * the last error), and a red "Not delivered: reason" with Retry for whoever may reply on the case.
 */
export function DeliveryStatus({
  caseId,
  messageId,
  channel,
  delivery,
  canRetry,
  timeZone,
}: {
  caseId: string;
  messageId: string;
  channel: string | null;
  delivery: Delivery;
  canRetry: boolean;
  timeZone: string;
}) {
  const client = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const how = channel ? (CHANNEL_WORDS[channel] ?? '') : '';

  async function retry() {
    setBusy(true);
    try {
      await retryDelivery(caseId, messageId);
      toast.success('Sending the reply again');
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
      await client.invalidateQueries({ queryKey: keys.case(caseId) });
    }
  }

  if (delivery.state === 'failed') {
    return (
      <div className="delivery delivery-failed" role="status">
        <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true">
          <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.8" />
          <path d="M10 5.5v5.5M10 13.6v.4" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
        <span className="delivery-text">
          <strong>Not delivered:</strong> {delivery.lastError ?? 'the reply could not be sent.'}
        </span>
        {canRetry ? (
          <Button size="sm" busy={busy} onClick={() => void retry()} aria-label="Retry sending this reply">
            Retry
          </Button>
        ) : null}
      </div>
    );
  }
  if (delivery.state === 'queued') {
    const retrying = delivery.attempts > 0;
    const next = delivery.nextAttemptAt ? ` Next attempt ${formatDateTime(delivery.nextAttemptAt, timeZone)}.` : '';
    return (
      <div className="delivery delivery-queued" title={retrying ? `${delivery.lastError ?? 'The last attempt failed.'}${next}` : undefined}>
        <span className="delivery-dot" aria-hidden="true" />
        <span className="delivery-text">
          {retrying ? `Queued — retrying (attempt ${delivery.attempts + 1})` : 'Queued'}
          {retrying && delivery.lastError ? <span className="delivery-reason">: {delivery.lastError}</span> : null}
        </span>
      </div>
    );
  }
  return (
    <div
      className="delivery delivery-ok"
      title={`${delivery.state === 'delivered' ? 'Delivered' : 'Sent'} ${formatDateTime(delivery.at, timeZone)}`}
    >
      <svg viewBox="0 0 20 20" width="13" height="13" aria-hidden="true">
        <path d="M4.5 10.5l3.5 3.5 7.5-8" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span className="delivery-text">
        {delivery.state === 'delivered' ? 'Delivered' : 'Sent'}
        {how ? ` ${how}` : ''}
      </span>
    </div>
  );
}
