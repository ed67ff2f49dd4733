import { useId, useState } from 'react';
import { CASE_TYPES, LIMITS, MAX_TARGET_MINUTES, PRIORITIES, SLA_KINDS, TYPE_LABEL, type SlaKind } from '@casework/domain';
import { api } from '../../api/client';
import { useTeams } from '../../api/queries';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useAdminAction } from '../admin/use-admin-action';
import { PRIORITY_LABELS } from '../case-data/case-data-api';
import { SLA_KIND_LABELS } from './sla-badge';
import { minutesWords, slaKeys, useCalendars, type SlaPolicy } from './sla-api';

const TARGET_HINTS: Record<SlaKind, string> = {
  firstResponse: 'From creation to the first public answer.',
  nextResponse: 'From a customer message after an answer to the next answer.',
  resolution: 'From creation to resolving; reopening goes on from where it stopped.',
};

/**
 * Create or change an SLA policy (SPEC §12): which cases it applies to (all stated conditions
 * must hold; none: every case), its targets in business minutes and the calendar they count in.
 */
export function PolicyDialog({ policy, onClose }: { policy: SlaPolicy | null; onClose: () => void }) {
  const teams = useTeams();
  const calendars = useCalendars();
  const { run, busy, fields: errors } = useAdminAction([slaKeys.policies]);
  const [name, setName] = useState(policy?.name ?? '');
  const [position, setPosition] = useState(policy ? String(policy.position) : '');
  const [priorities, setPriorities] = useState<string[]>(policy?.conditions.priorities ?? []);
  const [types, setTypes] = useState<string[]>(policy?.conditions.types ?? []);
  const [teamIds, setTeamIds] = useState<string[]>(policy?.conditions.teamIds ?? []);
  const [tags, setTags] = useState((policy?.conditions.tags ?? []).join(', '));
  const [targets, setTargets] = useState<Record<SlaKind, string>>({
    firstResponse: policy?.targets.firstResponse ? String(policy.targets.firstResponse) : policy ? '' : '60',
    nextResponse: policy?.targets.nextResponse ? String(policy.targets.nextResponse) : '',
    resolution: policy?.targets.resolution ? String(policy.targets.resolution) : policy ? '' : '1440',
  });
  const [calendarId, setCalendarId] = useState(policy?.calendarId ?? '');
  const id = useId();

  const minutes = (kind: SlaKind) => (targets[kind].trim() === '' ? null : Number(targets[kind]));
  const badTarget = (kind: SlaKind) => {
    const m = minutes(kind);
    return m !== null && (!Number.isInteger(m) || m < 1 || m > MAX_TARGET_MINUTES);
  };
  const anyTarget = SLA_KINDS.some((k) => minutes(k) !== null);
  const canSave = name.trim() !== '' && anyTarget && !SLA_KINDS.some(badTarget);
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));

  async function save() {
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const body = {
      name: name.trim(),
      ...(position.trim() !== '' ? { position: Number(position) } : {}),
      conditions: {
        ...(priorities.length ? { priorities } : {}),
        ...(types.length ? { types } : {}),
        ...(teamIds.length ? { teamIds } : {}),
        ...(tagList.length ? { tags: tagList } : {}),
      },
      targets: Object.fromEntries(SLA_KINDS.map((k) => [k, minutes(k)])),
      calendarId: calendarId || null,
    };
    const saved = policy
      ? await run(() => api.patch<'/sla-policies/{id}'>(`/sla-policies/${policy.id}`, body), `${body.name} saved`)
      : await run(() => api.post<'/sla-policies'>('/sla-policies', body), `${body.name} added`);
    if (saved) onClose();
  }

  const error = (field: string) => {
    const message = Object.entries(errors).find(([k]) => k === field || k.startsWith(`${field}.`))?.[1];
    return message ? <p className="field-error">{message}</p> : null;
  };
  return (
    <Dialog
      title={policy ? `Edit ${policy.name}` : 'New SLA policy'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!canSave}>
          {policy ? 'Save' : 'Add policy'}
        </FormButtons>
      }
    >
      <div className="settings-grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} maxLength={LIMITS.name} onChange={(event) => setName(event.target.value)} required />
          {error('name')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-position`}>Position</label>
          <input
            id={`${id}-position`}
            type="number"
            step={1}
            value={position}
            placeholder="After the last"
            aria-describedby={`${id}-position-hint`}
            onChange={(event) => setPosition(event.target.value)}
          />
          <p className="field-hint" id={`${id}-position-hint`}>
            Policies are tried from the lowest position; the first that matches a case applies.
          </p>
          {error('position')}
        </div>
      </div>
      <fieldset className="fieldset">
        <legend>Targets (business minutes)</legend>
        <div className="sla-target-inputs">
          {SLA_KINDS.map((kind) => {
            const m = minutes(kind);
            return (
              <div key={kind} className="field">
                <label htmlFor={`${id}-${kind}`}>{SLA_KIND_LABELS[kind]}</label>
                <input
                  id={`${id}-${kind}`}
                  type="number"
                  min={1}
                  max={MAX_TARGET_MINUTES}
                  step={1}
                  value={targets[kind]}
                  placeholder="No target"
                  aria-invalid={badTarget(kind) || undefined}
                  aria-describedby={`${id}-${kind}-hint`}
                  onChange={(event) => setTargets((t) => ({ ...t, [kind]: event.target.value }))}
                />
                <p className="field-hint" id={`${id}-${kind}-hint`}>
                  {m !== null && !badTarget(kind) ? `${minutesWords(m)}. ` : ''}
                  {TARGET_HINTS[kind]}
                </p>
                {badTarget(kind) ? (
                  <p className="field-error">A whole number of minutes from 1 to {MAX_TARGET_MINUTES}</p>
                ) : (
                  error(`targets.${kind}`)
                )}
              </div>
            );
          })}
        </div>
        {anyTarget ? null : <p className="field-hint">Set at least one target.</p>}
        {error('targets')}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-calendar`}>Counted in</label>
        <select id={`${id}-calendar`} value={calendarId} onChange={(event) => setCalendarId(event.target.value)}>
          <option value="">Around the clock</option>
          {(calendars.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.timeZone})
            </option>
          ))}
        </select>
        {error('calendarId')}
      </div>
      <fieldset className="fieldset">
        <legend>Applies to</legend>
        <p className="field-hint">Cases that meet every condition chosen (for tags: any of them). Nothing chosen: every case.</p>
        <div className="sla-conditions">
          <div>
            <h3 className="sla-condition-title">Priority</h3>
            <div className="check-grid">
              {PRIORITIES.map((p) => (
                <label key={p} className="check">
                  <input
                    type="checkbox"
                    checked={priorities.includes(p)}
                    onChange={(e) => setPriorities((l) => toggle(l, p, e.target.checked))}
                  />
                  {PRIORITY_LABELS[p]}
                </label>
              ))}
            </div>
          </div>
          <div>
            <h3 className="sla-condition-title">Channel</h3>
            <div className="check-grid">
              {CASE_TYPES.map((t) => (
                <label key={t} className="check">
                  <input type="checkbox" checked={types.includes(t)} onChange={(e) => setTypes((l) => toggle(l, t, e.target.checked))} />
                  {TYPE_LABEL[t]}
                </label>
              ))}
            </div>
          </div>
          <div>
            <h3 className="sla-condition-title">Team</h3>
            <div className="check-grid">
              {(teams.data ?? []).map((team) => (
                <label key={team.id} className="check">
                  <input
                    type="checkbox"
                    checked={teamIds.includes(team.id)}
                    onChange={(e) => setTeamIds((l) => toggle(l, team.id, e.target.checked))}
                  />
                  {team.name}
                </label>
              ))}
            </div>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-tags`}>Tags</label>
          <input
            id={`${id}-tags`}
            value={tags}
            placeholder="e.g. vip, enterprise"
            aria-describedby={`${id}-tags-hint`}
            onChange={(event) => setTags(event.target.value)}
          />
          <p className="field-hint" id={`${id}-tags-hint`}>
            Comma-separated; a case with any of them matches.
          </p>
        </div>
        {error('conditions')}
      </fieldset>
    </Dialog>
  );
}
