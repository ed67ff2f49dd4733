import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';
import { api } from '../../api/client';
import { keys, useRoles, useTeams } from '../../api/queries';
import type { User } from '../../api/types';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { TimeZoneSelect } from '../../components/time-zone-select';
import { useAdminAction } from './use-admin-action';

const BUILTIN_ROLES = ['admin', 'supervisor', 'agent', 'viewer'];

/** Create a user, or edit one (role, teams, zone, active, new password). */
export function UserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const roles = useRoles();
  const teams = useTeams();
  const { run, busy, fields } = useAdminAction([keys.users, keys.teams, keys.me]);
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState(user?.role ?? 'agent');
  const [timeZone, setTimeZone] = useState(user?.timeZone ?? '');
  const [teamIds, setTeamIds] = useState<string[]>(user?.teamIds ?? []);
  const [active, setActive] = useState(user?.active ?? true);
  const id = useId();
  const roleOptions =
    roles.data?.map((item) => ({ value: item.id, label: item.name })) ?? BUILTIN_ROLES.map((value) => ({ value, label: value }));

  async function save() {
    const done = user
      ? await run(
          () =>
            api.patch<'/users/{id}'>(`/users/${user.id}`, {
              name: name.trim(),
              role,
              timeZone: timeZone || null,
              teamIds,
              active,
              ...(password ? { password } : {}),
            }),
          `${name} saved`,
        )
      : await run(
          () =>
            api.post<'/users'>('/users', {
              email: email.trim(),
              name: name.trim(),
              password,
              role,
              teamIds,
              ...(timeZone ? { timeZone } : {}),
            }),
          `${name} added`,
        );
    if (done !== undefined) onClose();
  }

  const error = (key: string) => (fields[key] ? <p className="field-error">{fields[key]}</p> : null);
  return (
    <Dialog
      title={user ? `Edit ${user.name}` : 'New user'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy}>
          {user ? 'Save' : 'Create user'}
        </FormButtons>
      }
    >
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} maxLength={LIMITS.name} value={name} onChange={(event) => setName(event.target.value)} required />
          {error('name')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            maxLength={LIMITS.email}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            required
            disabled={Boolean(user)}
          />
          {error('email')}
        </div>
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-password`}>{user ? 'New password (optional)' : 'Password'}</label>
          <input
            id={`${id}-password`}
            type="password"
            maxLength={LIMITS.passwordMax}
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required={!user}
          />
          {error('password')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value)}>
            {roleOptions.some((option) => option.value === role) ? null : <option value={role}>{role}</option>}
            {roleOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          {error('role')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-zone`}>Time zone</label>
        <TimeZoneSelect id={`${id}-zone`} value={timeZone} onChange={setTimeZone} emptyLabel="Organisation default" />
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
      </fieldset>
      {user ? (
        <div className="field">
          <Button
            size="sm"
            onClick={() =>
              void run(() => api.delete<'/users/{id}/2fa'>(`/users/${user.id}/2fa`), `Two-factor sign-in of ${user.name} reset`)
            }
          >
            Reset two-factor sign-in
          </Button>
          <p className="field-hint">For a lost phone: they sign in with their password and set it up again.</p>
        </div>
      ) : null}
      {user ? (
        <label className="check">
          <input type="checkbox" checked={active} onChange={(event) => setActive(event.target.checked)} />
          Active (inactive users cannot sign in and get no new cases)
        </label>
      ) : null}
    </Dialog>
  );
}
