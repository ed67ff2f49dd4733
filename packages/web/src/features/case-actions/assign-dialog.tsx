import { useId, useState } from 'react';
import { useTeams, useUsers } from '../../api/queries';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { NamedOptions } from '../../components/named-options';
import type { ActionDialogProps } from './action-dialog';
import { eligibleOwners } from './owner-choice';

/** Assign: pick the owner team first, then an owner among that team's members. */
export function AssignDialog({ caseItem, busy, onCancel, onConfirm }: ActionDialogProps) {
  const teams = useTeams();
  const users = useUsers();
  const [teamId, setTeamId] = useState(caseItem.teamId);
  const [ownerId, setOwnerId] = useState(caseItem.ownerId ?? '');
  const teamField = useId();
  const ownerField = useId();

  const team = teams.data?.find((item) => item.id === teamId);
  const members = team ? eligibleOwners(users.data, teams.data, [team.id]) : [];
  const unchanged = teamId === caseItem.teamId && (ownerId || null) === caseItem.ownerId;

  function submit() {
    if (unchanged) return;
    const input: { teamId?: string; ownerId?: string | null } = {};
    if (teamId !== caseItem.teamId) input.teamId = teamId;
    if ((ownerId || null) !== caseItem.ownerId) input.ownerId = ownerId || null;
    onConfirm(input);
  }

  return (
    <Dialog
      title={`Assign case ${caseItem.reference}`}
      description={caseItem.subject}
      onClose={onCancel}
      onSubmit={submit}
      footer={
        <FormButtons onCancel={onCancel} busy={busy} disabled={unchanged}>
          Assign
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={teamField}>Team</label>
        <select
          id={teamField}
          value={teamId}
          onChange={(event) => {
            setTeamId(event.target.value);
            setOwnerId('');
          }}
          aria-busy={teams.isLoading || undefined}
        >
          {teams.data?.length ? null : <option value={caseItem.teamId}>{caseItem.teamName ?? 'Current team'}</option>}
          <NamedOptions items={teams.data} />
        </select>
        {teams.isError ? <p className="field-error">Teams could not be loaded.</p> : null}
      </div>
      <div className="field">
        <label htmlFor={ownerField}>Owner</label>
        <select
          id={ownerField}
          value={ownerId}
          onChange={(event) => setOwnerId(event.target.value)}
          aria-busy={users.isLoading || undefined}
        >
          <option value="">No owner (team queue)</option>
          <NamedOptions items={members} />
        </select>
        <p className="field-hint">
          {team ? `Only members of ${team.name} can own its cases.` : 'Choose a team to see its members.'}
          {teamId !== caseItem.teamId && !ownerId ? " Without an owner the case becomes new in that team's queue." : ''}
        </p>
      </div>
    </Dialog>
  );
}
