import { useId, useState } from 'react';
import { FIELD_LIMITS, FIELD_TYPES, hasOptions, type FieldType } from '@casework/domain';
import { api } from '../../api/client';
import { useTeams } from '../../api/queries';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useAdminAction } from '../admin/use-admin-action';
import { FIELD_TYPE_LABEL, fieldKeys, keyFromLabel, type CaseField } from './fields-api';

const KEY = /^[a-z][a-z0-9_]*$/;

/** Define a custom field, or change one (its key and type stay: values were checked against them). */
export function FieldDialog({ field, onClose }: { field: CaseField | null; onClose: () => void }) {
  const teams = useTeams();
  const { run, busy, fields: errors } = useAdminAction([fieldKeys.fields, ['case'], ['cases']]);
  const [label, setLabel] = useState(field?.label ?? '');
  const [key, setKey] = useState(field?.key ?? '');
  const [keyTouched, setKeyTouched] = useState(Boolean(field));
  const [type, setType] = useState<FieldType>((field?.type as FieldType) ?? 'text');
  const [options, setOptions] = useState((field?.options ?? []).join('\n'));
  const [required, setRequired] = useState(field?.required ?? false);
  const [teamIds, setTeamIds] = useState<string[]>(field?.teamIds ?? []);
  const id = useId();
  const effectiveKey = keyTouched ? key : keyFromLabel(label);
  const optionList = options
    .split('\n')
    .map((o) => o.trim())
    .filter(Boolean);
  const keyOk = KEY.test(effectiveKey);
  const canSave = label.trim() && keyOk && (!hasOptions(type) || optionList.length > 0);

  async function save() {
    const body = {
      label: label.trim(),
      options: hasOptions(type) ? optionList : null,
      required,
      teamIds,
    };
    const saved = field
      ? await run(() => api.patch<'/case-fields/{key}'>(`/case-fields/${field.key}`, body), `${body.label} saved`)
      : await run(() => api.post<'/case-fields'>('/case-fields', { ...body, key: effectiveKey, type }), `${body.label} added`);
    if (saved) onClose();
  }

  const error = (name: string) => (errors[name] ? <p className="field-error">{errors[name]}</p> : null);
  return (
    <Dialog
      title={field ? `Edit ${field.label}` : 'New field'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!canSave}>
          {field ? 'Save' : 'Add field'}
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-label`}>Label</label>
        <input
          id={`${id}-label`}
          value={label}
          maxLength={FIELD_LIMITS.label}
          onChange={(event) => setLabel(event.target.value)}
          required
        />
        {error('label')}
      </div>
      <div className="settings-grid">
        <div className="field">
          <label htmlFor={`${id}-key`}>Key</label>
          <input
            id={`${id}-key`}
            className="mono"
            value={effectiveKey}
            maxLength={FIELD_LIMITS.key}
            readOnly={Boolean(field)}
            spellCheck={false}
            aria-describedby={`${id}-key-hint`}
            aria-invalid={(effectiveKey !== '' && !keyOk) || undefined}
            onChange={(event) => {
              setKeyTouched(true);
              setKey(event.target.value);
            }}
          />
          <p className="field-hint" id={`${id}-key-hint`}>
            {field ? 'The key cannot change.' : 'Lower-case letters, digits and _. Used in the API and in list filters.'}
          </p>
          {error('key')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select id={`${id}-type`} value={type} disabled={Boolean(field)} onChange={(event) => setType(event.target.value as FieldType)}>
            {FIELD_TYPES.map((t) => (
              <option key={t} value={t}>
                {FIELD_TYPE_LABEL[t]}
              </option>
            ))}
          </select>
          {error('type')}
        </div>
      </div>
      {hasOptions(type) ? (
        <div className="field">
          <label htmlFor={`${id}-options`}>Options</label>
          <textarea
            id={`${id}-options`}
            rows={5}
            value={options}
            onChange={(event) => setOptions(event.target.value)}
            aria-describedby={`${id}-options-hint`}
          />
          <p className="field-hint" id={`${id}-options-hint`}>
            One per line. Cases keep a removed option until someone changes it.
          </p>
          {error('options')}
        </div>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={required} onChange={(event) => setRequired(event.target.checked)} />
        <span>
          Required to resolve{' '}
          <span className="muted">— a case cannot be resolved until it is set{type === 'checkbox' ? ' (ticked)' : ''}</span>
        </span>
      </label>
      <fieldset className="fieldset">
        <legend>Teams</legend>
        <p className="field-hint">Show the field only on these teams' cases. None chosen: every team.</p>
        <div className="check-grid">
          {(teams.data ?? []).map((team) => (
            <label key={team.id} className="check">
              <input
                type="checkbox"
                checked={teamIds.includes(team.id)}
                onChange={(event) =>
                  setTeamIds((current) => (event.target.checked ? [...current, team.id] : current.filter((t) => t !== team.id)))
                }
              />
              {team.name}
            </label>
          ))}
        </div>
        {error('teamIds')}
      </fieldset>
    </Dialog>
  );
}
