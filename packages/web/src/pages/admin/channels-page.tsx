import { useState } from "react";
import { api } from "../../api/client";
import { useTeams } from "../../api/queries";
import { Button } from "../../components/button";
import { ChannelIcon } from "../../components/channel-icon";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { EmptyState, ErrorState } from "../../components/empty-state";
import { LoadingState } from "../../components/spinner";
import { useAdminAction } from "../../features/admin/use-admin-action";
import { channelKeys, useChannels, type Channel } from "../../features/channels/channel-api";
import { ChannelDialog } from "../../features/channels/channel-dialog";
import { channelAddress } from "../../features/channels/channel-settings";
import { ChannelSetup } from "../../features/channels/channel-setup";
import { TYPE_LABELS } from "../../lib/labels";
import { usePageTitle } from "../../lib/use-page-title";
import { RequireAdmin } from "./admin-layout";

export function ChannelsPage() {
  usePageTitle("Channels");
  return (
    <RequireAdmin permission="admin.channels">
      <ChannelsList />
    </RequireAdmin>
  );
}

function ChannelsList() {
  const channels = useChannels();
  const [editing, setEditing] = useState<Channel | "new" | null>(null);
  const [removing, setRemoving] = useState<Channel | null>(null);
  const { run, busy } = useAdminAction([channelKeys.channels]);

  async function remove(channel: Channel) {
    const done = await run(async () => {
      await api.delete(`/channels/${channel.id}`);
      return true;
    }, `${channel.name} deleted`);
    if (done) setRemoving(null);
  }

  return (
    <section aria-labelledby="channels-title">
      <div className="section-header">
        <h2 id="channels-title">Channels</h2>
        <Button variant="primary" onClick={() => setEditing("new")}>
          New channel
        </Button>
      </div>
      <p className="muted section-lead">Each channel turns customer contacts into cases on its team: web chat, the app SDK, a mailbox, an SMS number or a phone line.</p>
      {channels.isPending ? <LoadingState label="Loading channels…" /> : null}
      {channels.isError ? <ErrorState error={channels.error} onRetry={() => void channels.refetch()} /> : null}
      {channels.data?.length === 0 ? (
        <EmptyState title="No channels yet">Add a web chat, mailbox or phone number so customers can reach your teams.</EmptyState>
      ) : null}
      {channels.data?.length ? (
        <ul className="channel-list">
          {channels.data.map((channel) => (
            <ChannelItem key={channel.id} channel={channel} onEdit={() => setEditing(channel)} onRemove={() => setRemoving(channel)} />
          ))}
        </ul>
      ) : null}
      {editing ? <ChannelDialog channel={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.name}?`}
          confirmLabel="Delete channel"
          cancelLabel="Keep"
          busy={busy}
          onClose={() => setRemoving(null)}
          onConfirm={() => void remove(removing)}
        >
          <p>It stops receiving at once{removing.type === "web_connect" ? " and the chat button disappears from your website" : ""}. Its cases and their history stay.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function ChannelItem({ channel, onEdit, onRemove }: { channel: Channel; onEdit: () => void; onRemove: () => void }) {
  const teams = useTeams();
  const [open, setOpen] = useState(false);
  const team = teams.data?.find((item) => item.id === channel.teamId)?.name ?? "—";
  const address = channelAddress(channel);
  const titleId = `channel-${channel.id}-title`;
  const setupId = `channel-${channel.id}-setup`;
  const hasSetup = channel.type === "web_connect" || channel.type === "support_sdk" || channel.type === "sms" || channel.type === "phone";
  return (
    <li className={`panel channel-item${channel.active ? "" : " is-inactive"}`} aria-labelledby={titleId}>
      <div className="channel-item-head">
        <ChannelIcon type={channel.type} />
        <div className="channel-item-title">
          <h3 id={titleId}>{channel.name}</h3>
          <span className="muted">{TYPE_LABELS[channel.type]}</span>
        </div>
        <span className={`chip ${channel.active ? "chip-ready" : "chip-closed"}`}>{channel.active ? "Active" : "Inactive"}</span>
        <div className="channel-item-actions">
          <Button size="sm" onClick={onEdit} aria-label={`Edit channel ${channel.name}`}>
            Edit
          </Button>
          <Button size="sm" variant="danger" onClick={onRemove} aria-label={`Delete channel ${channel.name}`}>
            Delete
          </Button>
        </div>
      </div>
      <dl className="channel-meta">
        <div>
          <dt>Team</dt>
          <dd>{team}</dd>
        </div>
        <div>
          <dt>{address.label}</dt>
          <dd className={address.value ? "mono" : "muted"}>{address.value ?? "Not set"}</dd>
        </div>
      </dl>
      {hasSetup ? (
        <>
          <button type="button" className="link-btn channel-setup-toggle" aria-expanded={open} aria-controls={setupId} onClick={() => setOpen(!open)}>
            {open ? "Hide setup" : channel.type === "web_connect" ? "Show embed snippet" : channel.type === "support_sdk" ? "Show SDK setup" : "Show webhook URLs"}
          </button>
          <div id={setupId} hidden={!open}>
            {open ? <ChannelSetup channel={channel} /> : null}
          </div>
        </>
      ) : null}
    </li>
  );
}
