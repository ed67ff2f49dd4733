import { useId, useState } from "react";
import { useTeams, useUsers } from "../../api/queries";
import type { Case } from "../../api/types";
import { Button } from "../../components/button";
import { Dialog } from "../../components/dialog";
import type { ActionInput } from "../case-actions/run-action";

type BulkDialogProps = { cases: Case[]; onCancel: () => void; onConfirm: (input: ActionInput) => void };

const KEEP = "__keep__";
const NONE = "__none__";

const countText = (n: number) => `${n} ${n === 1 ? "case" : "cases"}`;

/** Assign many cases: one team and/or owner for all; owners offered are members of every target team. */
export function BulkAssignDialog({ cases, onCancel, onConfirm }: BulkDialogProps) {
  const teams = useTeams();
  const users = useUsers();
  const [teamId, setTeamId] = useState(KEEP);
  const [ownerId, setOwnerId] = useState(KEEP);
  const teamField = useId();
  const ownerField = useId();
  const targetTeams = teamId === KEEP ? [...new Set(cases.map((item) => item.teamId))] : [teamId];
  const memberOf = (userId: string, id: string) => {
    const team = teams.data?.find((item) => item.id === id);
    return Boolean(team?.memberIds.includes(userId)) || Boolean(users.data?.find((user) => user.id === userId)?.teamIds.includes(id));
  };
  const owners = (users.data ?? [])
    .filter((user) => user.active && targetTeams.every((id) => memberOf(user.id, id)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const unchanged = teamId === KEEP && ownerId === KEEP;

  function submit() {
    if (unchanged) return;
    const input: ActionInput = {};
    if (teamId !== KEEP) input.teamId = teamId;
    if (ownerId !== KEEP) input.ownerId = ownerId === NONE ? null : ownerId;
    onConfirm(input);
  }

  return (
    <Dialog
      title={`Assign ${countText(cases.length)}`}
      onClose={onCancel}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={unchanged}>
            Assign {countText(cases.length)}
          </Button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={teamField}>Team</label>
        <select
          id={teamField}
          value={teamId}
          onChange={(event) => {
            setTeamId(event.target.value);
            setOwnerId(KEEP);
          }}
        >
          <option value={KEEP}>Keep each case's team</option>
          {teams.data?.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ownerField}>Owner</label>
        <select id={ownerField} value={ownerId} onChange={(event) => setOwnerId(event.target.value)} aria-describedby={`${ownerField}-hint`}>
          <option value={KEEP}>Keep each case's owner</option>
          <option value={NONE}>No owner (team queue)</option>
          {owners.map((user) => (
            <option key={user.id} value={user.id}>
              {user.name}
            </option>
          ))}
        </select>
        <p className="field-hint" id={`${ownerField}-hint`}>
          {targetTeams.length > 1 ? "Only people in every selected case's team are offered." : "Only members of the team can own its cases."}
        </p>
      </div>
    </Dialog>
  );
}

/** Resolve many cases with one resolution and an optional note on each. */
export function BulkResolveDialog({ cases, onCancel, onConfirm }: BulkDialogProps) {
  const [resolution, setResolution] = useState<"completed" | "unresolved">("completed");
  const [note, setNote] = useState("");
  const resolutionId = useId();
  const noteId = useId();
  return (
    <Dialog
      title={`Resolve ${countText(cases.length)}`}
      onClose={onCancel}
      onSubmit={() => onConfirm({ resolution, note: note.trim() || undefined })}
      footer={
        <>
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary">
            Resolve {countText(cases.length)}
          </Button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={resolutionId}>Resolution</label>
        <select id={resolutionId} value={resolution} onChange={(event) => setResolution(event.target.value as "completed" | "unresolved")}>
          <option value="completed">Completed</option>
          <option value="unresolved">Unresolved</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={noteId}>Note (optional, added to each case)</label>
        <textarea id={noteId} rows={3} value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
    </Dialog>
  );
}
