import { useState } from 'react';
import { useTeams } from '../../api/queries';
import { ChannelIcon } from '../../components/channel-icon';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { QueryStates } from '../../components/query-states';
import { AdminSection } from '../../features/admin/admin-section';
import { useEditAndRemove } from '../../features/admin/use-edit-and-remove';
import { channelKeys, useChannels, type Channel } from '../../features/channels/channel-api';
import { ChannelDialog } from '../../features/channels/channel-dialog';
import { channelAddress } from '../../features/channels/channel-settings';
import { ChannelSetup } from '../../features/channels/channel-setup';
import { ItemCard } from '../../features/channels/item-card';
import { MailboxStatus } from '../../features/channels/mailbox-status';
import { TYPE_LABEL } from '@casework/domain';
import { AdminPage } from './admin-layout';

export function ChannelsPage() {
  return (
    <AdminPage title="Channels" permission="admin.channels">
      <ChannelsList />
    </AdminPage>
  );
}

function ChannelsList() {
  const channels = useChannels();
  const list = useEditAndRemove<Channel>(
    channelKeys.channels,
    (channel) => `/channels/${channel.id}`,
    (channel) => `${channel.name} deleted`,
  );
  const { editing, removing } = list;

  return (
    <AdminSection id="channels" title="Channels" newLabel="New channel" onNew={() => list.setEditing('new')}>
      <p className="muted section-lead">
        Each channel turns customer contacts into cases on its team: web chat, the app SDK, a mailbox, an SMS number or a phone line.
      </p>
      <QueryStates
        query={channels}
        loadingLabel="Loading channels…"
        empty={<EmptyState title="No channels yet">Add a web chat, mailbox or phone number so customers can reach your teams.</EmptyState>}
      />
      {channels.data?.length ? (
        <ul className="channel-list">
          {channels.data.map((channel) => (
            <ChannelItem
              key={channel.id}
              channel={channel}
              onEdit={() => list.setEditing(channel)}
              onRemove={() => list.setRemoving(channel)}
            />
          ))}
        </ul>
      ) : null}
      {editing ? <ChannelDialog channel={editing === 'new' ? null : editing} onClose={() => list.setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.name}?`}
          confirmLabel="Delete channel"
          cancelLabel="Keep"
          busy={list.busy}
          onClose={() => list.setRemoving(null)}
          onConfirm={() => void list.remove(removing)}
        >
          <p>
            It stops receiving at once{removing.type === 'web_connect' ? ' and the chat button disappears from your website' : ''}. Its
            cases and their history stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </AdminSection>
  );
}

function ChannelItem({ channel, onEdit, onRemove }: { channel: Channel; onEdit: () => void; onRemove: () => void }) {
  const teams = useTeams();
  const [open, setOpen] = useState(false);
  const team = teams.data?.find((item) => item.id === channel.teamId)?.name ?? '—';
  const address = channelAddress(channel);
  const titleId = `channel-${channel.id}-title`;
  const setupId = `channel-${channel.id}-setup`;
  const hasSetup = channel.type === 'web_connect' || channel.type === 'support_sdk' || channel.type === 'sms' || channel.type === 'phone';
  return (
    <ItemCard
      titleId={titleId}
      title={channel.name}
      subtitle={TYPE_LABEL[channel.type]}
      icon={<ChannelIcon type={channel.type} />}
      active={channel.active}
      label={`channel ${channel.name}`}
      onEdit={onEdit}
      onRemove={onRemove}
    >
      {channel.canDeliver === false ? (
        <p className="channel-delivery-problem" role="note">
          <strong>Replies cannot reach customers.</strong> {channel.deliveryProblem}
        </p>
      ) : null}
      <dl className="channel-meta">
        <div>
          <dt>Team</dt>
          <dd>{team}</dd>
        </div>
        <div>
          <dt>{address.label}</dt>
          <dd className={address.value ? 'mono' : 'muted'}>{address.value ?? 'Not set'}</dd>
        </div>
      </dl>
      {channel.type === 'email' ? <MailboxStatus channel={channel} /> : null}
      {hasSetup ? (
        <>
          <button
            type="button"
            className="link-btn channel-setup-toggle"
            aria-expanded={open}
            aria-controls={setupId}
            onClick={() => setOpen(!open)}
          >
            {open
              ? 'Hide setup'
              : channel.type === 'web_connect'
                ? 'Show embed snippet'
                : channel.type === 'support_sdk'
                  ? 'Show SDK setup'
                  : 'Show webhook URLs'}
          </button>
          <div id={setupId} hidden={!open}>
            {open ? <ChannelSetup channel={channel} /> : null}
          </div>
        </>
      ) : null}
    </ItemCard>
  );
}
