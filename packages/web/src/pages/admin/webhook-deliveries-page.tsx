import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useTimeZone } from '../../api/queries';
import { Button } from '../../components/button';
import { DataTable } from '../../components/data-table';
import { EmptyState, ErrorState } from '../../components/empty-state';
import { LoadingState } from '../../components/spinner';
import { useToast } from '../../components/toast';
import type { WebhookEvent } from '@casework/domain';
import {
  WEBHOOK_EVENT_LABELS,
  useDeliveries,
  useWebhook,
  type DeliveryStatus,
  type WebhookDelivery,
} from '../../features/channels/channel-api';
import { formatDateTime } from '../../lib/time';
import { AdminPage } from './admin-layout';

const FILTERS: { value: DeliveryStatus | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'failed', label: 'Failed' },
];

const STATUS_CHIP: Record<DeliveryStatus, string> = { pending: 'chip-waiting', delivered: 'chip-ready', failed: 'chip-failed' };
const STATUS_LABEL: Record<DeliveryStatus, string> = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed' };

export function WebhookDeliveriesPage() {
  return (
    <AdminPage title="Webhook deliveries" permission="admin.channels">
      <Deliveries id={useParams().id ?? ''} />
    </AdminPage>
  );
}

function Deliveries({ id }: { id: string }) {
  const webhook = useWebhook(id);
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const list = useDeliveries(id, status);
  const deliveries = list.data?.pages.flatMap((page) => page.deliveries) ?? [];

  return (
    <section aria-labelledby="deliveries-title">
      <p className="back-link">
        <Link to="/admin/webhooks">← All webhooks</Link>
      </p>
      <div className="section-header">
        <div className="channel-item-title">
          <h2 id="deliveries-title">Deliveries</h2>
          {webhook.data ? <span className="mono break muted">{webhook.data.url}</span> : null}
        </div>
        <Button size="sm" busy={list.isRefetching && !list.isFetchingNextPage} onClick={() => void list.refetch()}>
          Refresh
        </Button>
      </div>
      {webhook.isError ? <ErrorState error={webhook.error} /> : null}
      <fieldset className="segmented" aria-label="Show deliveries">
        {FILTERS.map((filter) => (
          <button
            key={filter.value}
            type="button"
            className={status === filter.value ? 'is-on' : undefined}
            aria-pressed={status === filter.value}
            onClick={() => setStatus(filter.value)}
          >
            {filter.label}
          </button>
        ))}
      </fieldset>
      {list.isPending ? <LoadingState label="Loading deliveries…" /> : null}
      {list.isError && !webhook.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && deliveries.length === 0 ? (
        <EmptyState title={status ? `No ${STATUS_LABEL[status].toLowerCase()} deliveries` : 'Nothing delivered yet'}>
          Deliveries appear here as soon as a subscribed event happens.
        </EmptyState>
      ) : null}
      {deliveries.length ? <DeliveryTable webhookId={id} deliveries={deliveries} /> : null}
      {list.hasNextPage ? (
        <div className="load-more">
          <Button busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function DeliveryTable({ webhookId, deliveries }: { webhookId: string; deliveries: WebhookDelivery[] }) {
  const timeZone = useTimeZone();
  const client = useQueryClient();
  const toast = useToast();
  const [retrying, setRetrying] = useState<string | null>(null);

  async function retry(delivery: WebhookDelivery) {
    setRetrying(delivery.id);
    try {
      await api.post<'/webhooks/{id}/deliveries/{deliveryId}/retry'>(`/webhooks/${webhookId}/deliveries/${delivery.id}/retry`);
      toast.success('Sending again');
      await client.invalidateQueries({ queryKey: ['webhooks', webhookId, 'deliveries'] });
    } catch (error) {
      toast.error(error);
    } finally {
      setRetrying(null);
    }
  }

  return (
    <DataTable columns={['Event', 'Status', 'Attempts', 'Last response', 'Next retry', 'Created']} stacked>
      {deliveries.map((delivery) => (
        <tr key={delivery.id}>
          <td data-label="Event">
            <div className="cell-title">{WEBHOOK_EVENT_LABELS[delivery.eventType as WebhookEvent] ?? delivery.eventType}</div>
            <Link to={`/cases/${delivery.caseId}`} className="small">
              Open case
            </Link>
          </td>
          <td data-label="Status">
            <span className={`chip ${STATUS_CHIP[delivery.status]}`}>{STATUS_LABEL[delivery.status]}</span>
          </td>
          <td data-label="Attempts">{delivery.attempts}</td>
          <td data-label="Last response">
            <LastResponse delivery={delivery} />
          </td>
          <td data-label="Next retry">
            {delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt, timeZone) : <span className="muted">—</span>}
          </td>
          <td data-label="Created">{formatDateTime(delivery.createdAt, timeZone)}</td>
          <td className="cell-actions">
            {delivery.status !== 'delivered' ? (
              <Button
                size="sm"
                busy={retrying === delivery.id}
                onClick={() => void retry(delivery)}
                aria-label={`Send delivery ${delivery.id} again`}
              >
                Retry now
              </Button>
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function LastResponse({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.responseStatus === null && !delivery.lastError)
    return <span className="muted">{delivery.attempts ? 'No answer' : 'Not sent yet'}</span>;
  const ok = delivery.responseStatus !== null && delivery.responseStatus >= 200 && delivery.responseStatus < 300;
  return (
    <div className="last-response">
      {delivery.responseStatus !== null ? (
        <span className={`mono ${ok ? 'text-ok' : 'text-bad'}`}>HTTP {delivery.responseStatus}</span>
      ) : null}
      {delivery.lastError ? <span className="muted break">{delivery.lastError}</span> : null}
    </div>
  );
}
