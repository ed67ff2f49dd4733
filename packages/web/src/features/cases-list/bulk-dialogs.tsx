import { useId, useState } from 'react';
import { useTeams, useUsers } from '../../api/queries';
import type { Case } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { NamedOptions } from '../../components/named-options';
import { eligibleOwners } from '../case-actions/owner-choice';
import { ResolveFields, useResolveForm } from '../case-actions/resolve-fields';
import type { ActionInput } from '../case-actions/run-action';
import { useOrganisation } from '../../api/queries';
import { PRIORITIES, PRIORITY_LABELS, useTags, type Priority } from '../case-data/case-data-api';
import { TagInput } from '../case-data/tag-input';
import type { BulkInput } from './bulk-run';

type BulkDialogProps = { cases: Case[]; onCancel: () => void; onConfirm: (input: BulkInput) => void };

const KEEP = '__keep__';
const NONE = '__none__';

const countText = (n: number) => `${n} ${n === 1 ? 'case' : 'cases'}`;

/** Assign many cases: one team and/or owner for all; owners offered are members of every target team. */
export function BulkAssignDialog({ cases, onCancel, onConfirm }: BulkDialogProps) {
  const teams = useTeams();
  const users = useUsers();
  const [teamId, setTeamId] = useState(KEEP);
  const [ownerId, setOwnerId] = useState(KEEP);
  const teamField = useId();
  const ownerField = useId();
  const targetTeams = teamId === KEEP ? [...new Set(cases.map((item) => item.teamId))] : [teamId];
  const owners = eligibleOwners(users.data, teams.data, targetTeams);
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
        <FormButtons onCancel={onCancel} disabled={unchanged}>
          Assign {countText(cases.length)}
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
            setOwnerId(KEEP);
          }}
        >
          <option value={KEEP}>Keep each case's team</option>
          <NamedOptions items={teams.data} />
        </select>
      </div>
      <div className="field">
        <label htmlFor={ownerField}>Owner</label>
        <select
          id={ownerField}
          value={ownerId}
          onChange={(event) => setOwnerId(event.target.value)}
          aria-describedby={`${ownerField}-hint`}
        >
          <option value={KEEP}>Keep each case's owner</option>
          <option value={NONE}>No owner (team queue)</option>
          <NamedOptions items={owners} />
        </select>
        <p className="field-hint" id={`${ownerField}-hint`}>
          {targetTeams.length > 1
            ? "Only people in every selected case's team are offered."
            : 'Only members of the team can own its cases.'}
        </p>
      </div>
    </Dialog>
  );
}

/** Resolve many cases with one resolution and an optional note on each. */
export function BulkResolveDialog({ cases, onCancel, onConfirm }: BulkDialogProps) {
  const form = useResolveForm();
  return (
    <Dialog
      title={`Resolve ${countText(cases.length)}`}
      onClose={onCancel}
      onSubmit={() => onConfirm(form.input)}
      footer={<FormButtons onCancel={onCancel}>Resolve {countText(cases.length)}</FormButtons>}
    >
      <ResolveFields form={form} noteLabel="Note (optional, added to each case)" />
    </Dialog>
  );
}

/** One priority for many cases. */
export function BulkPriorityDialog({ cases, onCancel, onConfirm }: BulkDialogProps) {
  const [priority, setPriority] = useState<Priority>('high');
  const id = useId();
  return (
    <Dialog
      title={`Set the priority of ${countText(cases.length)}`}
      onClose={onCancel}
      onSubmit={() => onConfirm({ priority })}
      footer={<FormButtons onCancel={onCancel}>Set priority</FormButtons>}
    >
      <fieldset className="field radio-list" aria-describedby={`${id}-hint`}>
        <legend>Priority</legend>
        {PRIORITIES.map((value) => (
          <label key={value} className="check">
            <input type="radio" name={`${id}-priority`} checked={priority === value} onChange={() => setPriority(value)} />
            {PRIORITY_LABELS[value]}
          </label>
        ))}
        <p className="field-hint" id={`${id}-hint`}>
          Each case's history records the change.
        </p>
      </fieldset>
    </Dialog>
  );
}

/** Add tags to many cases, or take them off (a managed list limits what can be added). */
export function BulkTagsDialog({ cases, onCancel, onConfirm }: BulkDialogProps) {
  const [remove, setRemove] = useState(false);
  const [tags, setTags] = useState<string[]>([]);
  const known = useTags();
  const managed = useOrganisation().data?.managedTags ?? null;
  const id = useId();
  const onCases = [...new Set(cases.flatMap((item) => item.tags))].sort();
  return (
    <Dialog
      title={`Tags of ${countText(cases.length)}`}
      onClose={onCancel}
      onSubmit={() => tags.length && onConfirm({ tags, removeTags: remove })}
      footer={
        <FormButtons onCancel={onCancel} disabled={tags.length === 0}>
          {remove ? 'Remove' : 'Add'} {tags.length === 1 ? 'tag' : 'tags'}
        </FormButtons>
      }
    >
      <fieldset className="field radio-list">
        <legend>Change</legend>
        <label className="check">
          <input type="radio" name={`${id}-mode`} checked={!remove} onChange={() => setRemove(false)} />
          Add these tags to each case
        </label>
        <label className="check">
          <input type="radio" name={`${id}-mode`} checked={remove} onChange={() => setRemove(true)} />
          Remove these tags from each case
        </label>
      </fieldset>
      <TagInput
        label="Tags to change"
        showLabel
        tags={tags}
        suggestions={remove ? onCases : (known.data ?? []).map((tag) => tag.name)}
        allowed={remove ? null : managed}
        onAdd={(tag) => setTags([...tags, tag])}
        onRemove={(tag) => setTags(tags.filter((item) => item !== tag))}
      />
    </Dialog>
  );
}
