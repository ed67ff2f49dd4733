import { Link } from 'react-router';
import { useTimeZone } from '../../api/queries';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { QueryStates } from '../../components/query-states';
import { AdminSection } from '../../features/admin/admin-section';
import { useEditAndRemove } from '../../features/admin/use-edit-and-remove';
import type { WebhookEvent } from '@casework/domain';
import { WEBHOOK_EVENT_LABELS, channelKeys, useWebhooks, type Webhook } from '../../features/channels/channel-api';
import { ItemCard } from '../../features/channels/item-card';
import { WebhookDialog } from '../../features/channels/webhook-dialog';
import { formatDateTime } from '../../lib/time';
import { AdminPage } from './admin-layout';

export function WebhooksPage() {
  return (
    <AdminPage title="Webhooks" permission="admin.channels">
      <WebhooksList />
    </AdminPage>
  );
}

function WebhooksList() {
  const webhooks = useWebhooks();
  const list = useEditAndRemove<Webhook>(
    channelKeys.webhooks,
    (webhook) => `/webhooks/${webhook.id}`,
    () => 'Webhook deleted',
  );
  const { editing, removing } = list;

  return (
    <AdminSection id="webhooks" title="Outbound webhooks" newLabel="New webhook" onNew={() => list.setEditing('new')}>
      <p className="muted section-lead">
        Tell other systems when cases are created, claimed, change status or get a message. Each request is signed with the webhook's
        secret.
      </p>
      <QueryStates
        query={webhooks}
        loadingLabel="Loading webhooks…"
        empty={<EmptyState title="No webhooks yet">Add one to push case events to your own systems.</EmptyState>}
      />
      {webhooks.data?.length ? (
        <ul className="channel-list">
          {webhooks.data.map((webhook) => (
            <WebhookItem
              key={webhook.id}
              webhook={webhook}
              onEdit={() => list.setEditing(webhook)}
              onRemove={() => list.setRemoving(webhook)}
            />
          ))}
        </ul>
      ) : null}
      {editing ? <WebhookDialog webhook={editing === 'new' ? null : editing} onClose={() => list.setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          cancelLabel="Keep"
          busy={list.busy}
          onClose={() => list.setRemoving(null)}
          onConfirm={() => void list.remove(removing)}
        >
          <p>
            <span className="mono break">{removing.url}</span> stops receiving events, and its delivery log is deleted too.
          </p>
        </ConfirmDialog>
      ) : null}
    </AdminSection>
  );
}

function WebhookItem({ webhook, onEdit, onRemove }: { webhook: Webhook; onEdit: () => void; onRemove: () => void }) {
  const timeZone = useTimeZone();
  return (
    <ItemCard
      titleId={`webhook-${webhook.id}-title`}
      title={webhook.url}
      titleClassName="mono break"
      subtitle={`Added ${formatDateTime(webhook.createdAt, timeZone)}`}
      active={webhook.active}
      inactiveLabel="Paused"
      label={`webhook ${webhook.url}`}
      actions={
        <Link className="btn btn-sm" to={`/admin/webhooks/${webhook.id}`} aria-label={`Deliveries of ${webhook.url}`}>
          Deliveries
        </Link>
      }
      onEdit={onEdit}
      onRemove={onRemove}
    >
      <dl className="channel-meta">
        <div>
          <dt>Events</dt>
          <dd className="chip-row">
            {webhook.events.map((event) => (
              <span key={event} className="chip" title={event}>
                {WEBHOOK_EVENT_LABELS[event as WebhookEvent] ?? event}
              </span>
            ))}
          </dd>
        </div>
        <div>
          <dt>Secret</dt>
          <dd>{webhook.hasSecret ? 'Set' : <span className="muted">Not set</span>}</dd>
        </div>
      </dl>
    </ItemCard>
  );
}
