import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys, useMe, useTimeZone, useUsers } from '../../api/queries';
import type { ApiToken } from '../../api/types';
import { Button } from '../../components/button';
import { DataTable } from '../../components/data-table';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { EmptyState } from '../../components/empty-state';
import { NamedOptions } from '../../components/named-options';
import { QueryStates } from '../../components/query-states';
import { useToast } from '../../components/toast';
import { AdminSection } from '../../features/admin/admin-section';
import { useAdminAction } from '../../features/admin/use-admin-action';
import { useChannels } from '../../features/channels/channel-api';
import { formatDateTime } from '../../lib/time';
import { AdminPage } from './admin-layout';

export function TokensPage() {
  return (
    <AdminPage title="API tokens" permission="admin.tokens">
      <TokensList />
    </AdminPage>
  );
}

function TokensList() {
  const tokens = useQuery({ queryKey: keys.tokens, queryFn: async () => (await api.get<'/tokens'>('/tokens')).tokens });
  const users = useUsers();
  const timeZone = useTimeZone();
  const canChannels = Boolean(useMe().data?.permissions.includes('admin.channels'));
  const channels = useChannels({ enabled: canChannels });
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? 'Channel';
  const { run, busy } = useAdminAction([keys.tokens]);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const userName = (id: string) => users.data?.find((user) => user.id === id)?.name ?? 'Unknown';

  return (
    <AdminSection id="tokens" title="API tokens" newLabel="New token" onNew={() => setCreating(true)}>
      <p className="muted">
        Integrations send a token as <code>Authorization: Bearer …</code> and act as its user.
      </p>
      <QueryStates query={tokens} empty={<EmptyState title="No API tokens yet" />} />
      {tokens.data?.length ? (
        <DataTable columns={['Name', 'User', 'Channel', 'Created', 'Last used']}>
          {tokens.data.map((token) => (
            <tr key={token.id}>
              <td className="cell-title">{token.name}</td>
              <td>{userName(token.userId)}</td>
              <td>{token.channelId ? channelName(token.channelId) : <span className="muted">Any</span>}</td>
              <td>{formatDateTime(token.createdAt, timeZone)}</td>
              <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt, timeZone) : <span className="muted">Never</span>}</td>
              <td className="cell-actions">
                <Button size="sm" variant="ghost" onClick={() => setRevoking(token)} aria-label={`Revoke token ${token.name}`}>
                  Revoke
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {creating ? <NewTokenDialog onClose={() => setCreating(false)} /> : null}
      {revoking ? (
        <Dialog
          title={`Revoke ${revoking.name}?`}
          size="sm"
          onClose={() => setRevoking(null)}
          description={<p>Integrations using this token stop working at once.</p>}
          footer={
            <>
              <Button onClick={() => setRevoking(null)} data-autofocus>
                Keep
              </Button>
              <Button
                variant="danger"
                busy={busy}
                onClick={() =>
                  void run(() => api.delete<'/tokens/{id}'>(`/tokens/${revoking.id}`), 'Token revoked').then(() => setRevoking(null))
                }
              >
                Revoke token
              </Button>
            </>
          }
        >
          {null}
        </Dialog>
      ) : null}
    </AdminSection>
  );
}

function NewTokenDialog({ onClose }: { onClose: () => void }) {
  const me = useMe().data;
  const users = useUsers();
  const toast = useToast();
  const { run, busy } = useAdminAction([keys.tokens]);
  const [name, setName] = useState('');
  const [userId, setUserId] = useState(me?.id ?? '');
  const [channelId, setChannelId] = useState('');
  const channels = useChannels({ enabled: Boolean(me?.permissions.includes('admin.channels')) });
  const [token, setToken] = useState<string | null>(null);
  const id = useId();

  async function create() {
    const created = await run(() =>
      api.post<'/tokens'>('/tokens', {
        name: name.trim(),
        ...(userId && userId !== me?.id ? { userId } : {}),
        ...(channelId ? { channelId } : {}),
      }),
    );
    if (created) setToken(created.token);
  }

  async function copy() {
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      toast.success('Token copied');
    } catch {
      (document.getElementById(`${id}-token`) as HTMLInputElement | null)?.select();
      toast.show('info', 'Press Ctrl+C to copy', 'The token is selected.');
    }
  }

  if (token) {
    return (
      <Dialog
        key="token"
        title="Copy your new token"
        onClose={onClose}
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <p className="notice notice-warning">This is the only time the token is shown. Store it somewhere safe.</p>
        <div className="field">
          <label htmlFor={`${id}-token`}>Token</label>
          <div className="copy-row">
            <input id={`${id}-token`} value={token} readOnly onFocus={(event) => event.target.select()} className="mono" data-autofocus />
            <Button onClick={() => void copy()}>Copy</Button>
          </div>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      key="create"
      title="New API token"
      onClose={onClose}
      onSubmit={() => void create()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!name.trim()}>
          Create token
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          maxLength={LIMITS.shortName}
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="e.g. Billing system"
          required
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-user`}>Acts as</label>
        <select id={`${id}-user`} value={userId} onChange={(event) => setUserId(event.target.value)}>
          {me ? <option value={me.id}>{me.name} (me)</option> : null}
          <NamedOptions items={users.data?.filter((user) => user.id !== me?.id && user.active)} />
        </select>
      </div>
      {channels.data?.length ? (
        <div className="field">
          <label htmlFor={`${id}-channel`}>Channel scope</label>
          <select
            id={`${id}-channel`}
            value={channelId}
            onChange={(event) => setChannelId(event.target.value)}
            aria-describedby={`${id}-channel-hint`}
          >
            <option value="">None: acts with all of the user's rights</option>
            <NamedOptions items={channels.data} />
          </select>
          <p id={`${id}-channel-hint`} className="field-hint">
            A channel token creates that channel's cases only, on its team, and sees only that team's cases.
          </p>
        </div>
      ) : null}
    </Dialog>
  );
}
