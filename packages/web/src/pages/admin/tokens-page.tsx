import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { keys, useMe, useTimeZone, useUsers } from "../../api/queries";
import type { ApiToken } from "../../api/types";
import { Button } from "../../components/button";
import { Dialog } from "../../components/dialog";
import { EmptyState, ErrorState } from "../../components/empty-state";
import { LoadingState } from "../../components/spinner";
import { useToast } from "../../components/toast";
import { useAdminAction } from "../../features/admin/use-admin-action";
import { formatDateTime } from "../../lib/time";
import { usePageTitle } from "../../lib/use-page-title";
import { RequireAdmin } from "./admin-layout";
import { useChannels } from "../../features/channels/channel-api";

export function TokensPage() {
  usePageTitle("API tokens");
  return (
    <RequireAdmin permission="admin.tokens">
      <TokensList />
    </RequireAdmin>
  );
}

function TokensList() {
  const tokens = useQuery({ queryKey: keys.tokens, queryFn: async () => (await api.get<{ tokens: ApiToken[] }>("/tokens")).tokens });
  const users = useUsers();
  const timeZone = useTimeZone();
  const canChannels = Boolean(useMe().data?.permissions.includes("admin.channels"));
  const channels = useChannels({ enabled: canChannels });
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? "Channel";
  const { run, busy } = useAdminAction([keys.tokens]);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const userName = (id: string) => users.data?.find((user) => user.id === id)?.name ?? "Unknown";

  return (
    <section aria-labelledby="tokens-title">
      <div className="section-header">
        <h2 id="tokens-title">API tokens</h2>
        <Button variant="primary" onClick={() => setCreating(true)}>
          New token
        </Button>
      </div>
      <p className="muted">Integrations send a token as <code>Authorization: Bearer …</code> and act as its user.</p>
      {tokens.isPending ? <LoadingState /> : null}
      {tokens.isError ? <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} /> : null}
      {tokens.data?.length === 0 ? <EmptyState title="No API tokens yet" /> : null}
      {tokens.data?.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">User</th>
                <th scope="col">Channel</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
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
                onClick={() => void run(() => api.delete(`/tokens/${revoking.id}`), "Token revoked").then(() => setRevoking(null))}
              >
                Revoke token
              </Button>
            </>
          }
        >
          {null}
        </Dialog>
      ) : null}
    </section>
  );
}

function NewTokenDialog({ onClose }: { onClose: () => void }) {
  const me = useMe().data;
  const users = useUsers();
  const toast = useToast();
  const { run, busy } = useAdminAction([keys.tokens]);
  const [name, setName] = useState("");
  const [userId, setUserId] = useState(me?.id ?? "");
  const [channelId, setChannelId] = useState("");
  const channels = useChannels({ enabled: Boolean(me?.permissions.includes("admin.channels")) });
  const [token, setToken] = useState<string | null>(null);
  const id = useId();

  async function create() {
    const created = await run(() => api.post<{ id: string; token: string }>("/tokens", {
      name: name.trim(),
      ...(userId && userId !== me?.id ? { userId } : {}),
      ...(channelId ? { channelId } : {}),
    }));
    if (created) setToken(created.token);
  }

  async function copy() {
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      toast.success("Token copied");
    } catch {
      (document.getElementById(`${id}-token`) as HTMLInputElement | null)?.select();
      toast.show("info", "Press Ctrl+C to copy", "The token is selected.");
    }
  }

  if (token) {
    return (
      <Dialog key="token" title="Copy your new token" onClose={onClose} footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
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
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            Create token
          </Button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. Billing system" required />
      </div>
      <div className="field">
        <label htmlFor={`${id}-user`}>Acts as</label>
        <select id={`${id}-user`} value={userId} onChange={(event) => setUserId(event.target.value)}>
          {me ? <option value={me.id}>{me.name} (me)</option> : null}
          {(users.data ?? [])
            .filter((user) => user.id !== me?.id && user.active)
            .map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
        </select>
      </div>
      {channels.data?.length ? (
        <div className="field">
          <label htmlFor={`${id}-channel`}>Channel scope</label>
          <select id={`${id}-channel`} value={channelId} onChange={(event) => setChannelId(event.target.value)} aria-describedby={`${id}-channel-hint`}>
            <option value="">None: acts with all of the user's rights</option>
            {channels.data.map((channel) => (
              <option key={channel.id} value={channel.id}>
                {channel.name}
              </option>
            ))}
          </select>
          <p id={`${id}-channel-hint`} className="field-hint">
            A channel token creates that channel's cases only, on its team, and sees only that team's cases.
          </p>
        </div>
      ) : null}
    </Dialog>
  );
}
