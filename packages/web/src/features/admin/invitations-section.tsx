import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { LIMITS } from '@casework/domain';
import { api } from '../../api/client';
import { keys, useRoles, useTeams } from '../../api/queries';
import { Button } from '../../components/button';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataTable } from '../../components/data-table';
import { Dialog } from '../../components/dialog';
import { EmptyState } from '../../components/empty-state';
import { FormButtons } from '../../components/form-buttons';
import { QueryStates } from '../../components/query-states';
import { formatDateTime } from '../../lib/time';
import { AdminSection } from './admin-section';
import { useAdminAction } from './use-admin-action';

export const invitationsKey = ['invitations'] as const;
type Invitation = Awaited<ReturnType<typeof fetchInvitations>>[number];
const fetchInvitations = async () => (await api.get<'/invitations'>('/invitations')).invitations;

/** Pending invitations on the Users page: invite, resend, revoke. */
export function InvitationsSection({ timeZone }: { timeZone: string }) {
  const invitations = useQuery({ queryKey: invitationsKey, queryFn: fetchInvitations, retry: false });
  const roles = useRoles();
  const [inviting, setInviting] = useState(false);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const { run, busy } = useAdminAction([invitationsKey]);
  const roleName = (id: string) => roles.data?.find((role) => role.id === id)?.name ?? id;

  return (
    <div className="admin-section-follow">
      <AdminSection id="invitations" title="Pending invitations" newLabel="Invite people" onNew={() => setInviting(true)}>
        <QueryStates
          query={invitations}
          empty={
            <EmptyState title="No pending invitations">Invite colleagues by email: they choose their own name and password.</EmptyState>
          }
        />
        {invitations.data?.length ? (
          <DataTable columns={['Invited', 'Role', 'Sent', 'Link']}>
            {invitations.data.map((inv) => (
              <tr key={inv.id}>
                <td>
                  <div className="cell-title">{inv.name}</div>
                  <div className="muted">{inv.email}</div>
                </td>
                <td>{roleName(inv.role)}</td>
                <td>{formatDateTime(inv.sentAt, timeZone)}</td>
                <td>
                  {inv.expired ? (
                    <span className="chip chip-closed">Expired</span>
                  ) : (
                    <span className="chip chip-ready">Valid until {formatDateTime(inv.expiresAt, timeZone)}</span>
                  )}
                </td>
                <td className="cell-actions">
                  <Button
                    size="sm"
                    disabled={busy}
                    onClick={() =>
                      void run(
                        () => api.post<'/invitations/{id}/resend'>(`/invitations/${inv.id}/resend`, {}),
                        `Invitation sent again to ${inv.email}`,
                      )
                    }
                    aria-label={`Resend the invitation to ${inv.email}`}
                  >
                    Resend
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setRevoking(inv)} aria-label={`Revoke the invitation to ${inv.email}`}>
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
        {inviting ? <InviteDialog onClose={() => setInviting(false)} /> : null}
        {revoking ? (
          <ConfirmDialog
            title="Revoke this invitation?"
            confirmLabel="Revoke"
            busy={busy}
            onClose={() => setRevoking(null)}
            onConfirm={() =>
              void run(
                () => api.delete<'/invitations/{id}'>(`/invitations/${revoking.id}`),
                `Invitation to ${revoking.email} revoked`,
              ).then(() => setRevoking(null))
            }
          >
            The link sent to {revoking.email} stops working at once. You can invite them again later.
          </ConfirmDialog>
        ) : null}
      </AdminSection>
    </div>
  );
}

function InviteDialog({ onClose }: { onClose: () => void }) {
  const roles = useRoles();
  const teams = useTeams();
  const { run, busy, fields } = useAdminAction([invitationsKey, keys.users]);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('agent');
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const id = useId();

  async function send() {
    const done = await run(
      () => api.post<'/invitations'>('/invitations', { email: email.trim(), name: name.trim(), role, teamIds }),
      `Invitation sent to ${email.trim()}`,
    );
    if (done !== undefined) onClose();
  }
  const error = (key: string) => (fields[key] ? <p className="field-error">{fields[key]}</p> : null);
  return (
    <Dialog
      title="Invite someone"
      onClose={onClose}
      onSubmit={() => void send()}
      footer={
        <FormButtons onCancel={onClose} busy={busy}>
          Send invitation
        </FormButtons>
      }
    >
      <p className="muted dialog-intro">They get an email with a link that works once, for 24 hours, to choose their name and password.</p>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            maxLength={LIMITS.email}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            required
          />
          {error('email')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} maxLength={LIMITS.name} value={name} onChange={(event) => setName(event.target.value)} required />
          {error('name')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>Role</label>
        <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value)}>
          {(roles.data ?? []).map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
        {error('role')}
      </div>
      <fieldset className="fieldset">
        <legend>Teams</legend>
        <div className="check-grid">
          {(teams.data ?? []).map((team) => (
            <label key={team.id} className="check">
              <input
                type="checkbox"
                checked={teamIds.includes(team.id)}
                onChange={(event) =>
                  setTeamIds((current) => (event.target.checked ? [...current, team.id] : current.filter((item) => item !== team.id)))
                }
              />
              {team.name}
            </label>
          ))}
          {teams.data?.length === 0 ? <p className="muted">No teams yet.</p> : null}
        </div>
        {error('teamIds')}
      </fieldset>
    </Dialog>
  );
}
