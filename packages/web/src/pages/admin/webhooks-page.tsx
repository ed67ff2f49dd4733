import { useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client";
import { useTimeZone } from "../../api/queries";
import { Button } from "../../components/button";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { EmptyState, ErrorState } from "../../components/empty-state";
import { LoadingState } from "../../components/spinner";
import { useAdminAction } from "../../features/admin/use-admin-action";
import { WEBHOOK_EVENT_LABELS, channelKeys, useWebhooks, type Webhook, type WebhookEvent } from "../../features/channels/channel-api";
import { WebhookDialog } from "../../features/channels/webhook-dialog";
import { formatDateTime } from "../../lib/time";
import { usePageTitle } from "../../lib/use-page-title";
import { RequireAdmin } from "./admin-layout";

export function WebhooksPage() {
  usePageTitle("Webhooks");
  return (
    <RequireAdmin permission="admin.channels">
      <WebhooksList />
    </RequireAdmin>
  );
}

function WebhooksList() {
  const webhooks = useWebhooks();
  const [editing, setEditing] = useState<Webhook | "new" | null>(null);
  const [removing, setRemoving] = useState<Webhook | null>(null);
  const { run, busy } = useAdminAction([channelKeys.webhooks]);

  async function remove(webhook: Webhook) {
    const done = await run(async () => {
      await api.delete(`/webhooks/${webhook.id}`);
      return true;
    }, "Webhook deleted");
    if (done) setRemoving(null);
  }

  return (
    <section aria-labelledby="webhooks-title">
      <div className="section-header">
        <h2 id="webhooks-title">Outbound webhooks</h2>
        <Button variant="primary" onClick={() => setEditing("new")}>
          New webhook
        </Button>
      </div>
      <p className="muted section-lead">Tell other systems when cases are created, claimed, change status or get a message. Each request is signed with the webhook's secret.</p>
      {webhooks.isPending ? <LoadingState label="Loading webhooks…" /> : null}
      {webhooks.isError ? <ErrorState error={webhooks.error} onRetry={() => void webhooks.refetch()} /> : null}
      {webhooks.data?.length === 0 ? <EmptyState title="No webhooks yet">Add one to push case events to your own systems.</EmptyState> : null}
      {webhooks.data?.length ? (
        <ul className="channel-list">
          {webhooks.data.map((webhook) => (
            <WebhookItem key={webhook.id} webhook={webhook} onEdit={() => setEditing(webhook)} onRemove={() => setRemoving(webhook)} />
          ))}
        </ul>
      ) : null}
      {editing ? <WebhookDialog webhook={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog title="Delete this webhook?" confirmLabel="Delete webhook" cancelLabel="Keep" busy={busy} onClose={() => setRemoving(null)} onConfirm={() => void remove(removing)}>
          <p>
            <span className="mono break">{removing.url}</span> stops receiving events, and its delivery log is deleted too.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function WebhookItem({ webhook, onEdit, onRemove }: { webhook: Webhook; onEdit: () => void; onRemove: () => void }) {
  const timeZone = useTimeZone();
  const titleId = `webhook-${webhook.id}-title`;
  return (
    <li className={`panel channel-item${webhook.active ? "" : " is-inactive"}`} aria-labelledby={titleId}>
      <div className="channel-item-head">
        <div className="channel-item-title">
          <h3 id={titleId} className="mono break">
            {webhook.url}
          </h3>
          <span className="muted">Added {formatDateTime(webhook.createdAt, timeZone)}</span>
        </div>
        <span className={`chip ${webhook.active ? "chip-ready" : "chip-closed"}`}>{webhook.active ? "Active" : "Paused"}</span>
        <div className="channel-item-actions">
          <Link className="btn btn-sm" to={`/admin/webhooks/${webhook.id}`} aria-label={`Deliveries of ${webhook.url}`}>
            Deliveries
          </Link>
          <Button size="sm" onClick={onEdit} aria-label={`Edit webhook ${webhook.url}`}>
            Edit
          </Button>
          <Button size="sm" variant="danger" onClick={onRemove} aria-label={`Delete webhook ${webhook.url}`}>
            Delete
          </Button>
        </div>
      </div>
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
          <dd>{webhook.hasSecret ? "Set" : <span className="muted">Not set</span>}</dd>
        </div>
      </dl>
    </li>
  );
}
