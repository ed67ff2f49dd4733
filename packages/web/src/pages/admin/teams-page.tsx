import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';
import { api } from '../../api/client';
import { keys, useTeams, useUsers } from '../../api/queries';
import type { Team } from '../../api/types';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { EmptyState } from '../../components/empty-state';
import { QueryStates } from '../../components/query-states';
import { AdminSection } from '../../features/admin/admin-section';
import { useAdminAction } from '../../features/admin/use-admin-action';
import { AdminPage } from './admin-layout';

export function TeamsPage() {
  return (
    <AdminPage title="Teams" permission="admin.teams">
      <TeamsList />
    </AdminPage>
  );
}

function TeamsList() {
  const teams = useTeams();
  const users = useUsers();
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const userName = (id: string) => users.data?.find((user) => user.id === id)?.name ?? 'Unknown';

  return (
    <AdminSection id="teams" title="Teams" newLabel="New team" onNew={() => setEditing('new')}>
      <QueryStates query={teams} empty={<EmptyState title="No teams yet">Create a team so cases have somewhere to land.</EmptyState>} />
      {teams.data?.length ? (
        <ul className="admin-cards">
          {teams.data.map((team) => (
            <li key={team.id} className="panel">
              <div className="section-header">
                <h3>{team.name}</h3>
                <Button size="sm" onClick={() => setEditing(team)} aria-label={`Edit team ${team.name}`}>
                  Edit
                </Button>
              </div>
              <p className="muted">
                {team.memberIds.length} {team.memberIds.length === 1 ? 'member' : 'members'}
              </p>
              <p>{team.memberIds.length ? team.memberIds.map(userName).join(', ') : <span className="muted">No members yet</span>}</p>
            </li>
          ))}
        </ul>
      ) : null}
      {editing ? <TeamDialog team={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </AdminSection>
  );
}

function TeamDialog({ team, onClose }: { team: Team | null; onClose: () => void }) {
  const users = useUsers();
  const { run, busy, fields } = useAdminAction([keys.teams, keys.users, keys.me]);
  const [name, setName] = useState(team?.name ?? '');
  const [memberIds, setMemberIds] = useState<string[]>(team?.memberIds ?? []);
  const nameId = useId();

  async function save() {
    const result = team
      ? await run(() => api.patch<'/teams/{id}'>(`/teams/${team.id}`, { name: name.trim(), memberIds }), `${name} saved`)
      : await run(async () => {
          const created = await api.post<'/teams'>('/teams', { name: name.trim() });
          if (memberIds.length) await api.patch<'/teams/{id}'>(`/teams/${created.id}`, { memberIds });
          return created;
        }, `${name} created`);
    if (result !== undefined) onClose();
  }

  return (
    <Dialog
      title={team ? `Edit ${team.name}` : 'New team'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!name.trim()}>
          {team ? 'Save' : 'Create team'}
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} maxLength={LIMITS.name} value={name} onChange={(event) => setName(event.target.value)} required />
        {fields.name ? <p className="field-error">{fields.name}</p> : null}
      </div>
      <fieldset className="fieldset">
        <legend>Members</legend>
        <div className="check-grid">
          {(users.data ?? []).map((user) => (
            <label key={user.id} className="check">
              <input
                type="checkbox"
                checked={memberIds.includes(user.id)}
                onChange={(event) =>
                  setMemberIds((current) => (event.target.checked ? [...current, user.id] : current.filter((item) => item !== user.id)))
                }
              />
              {user.name}
              {user.active ? '' : ' (inactive)'}
            </label>
          ))}
        </div>
      </fieldset>
    </Dialog>
  );
}
