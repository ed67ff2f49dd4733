import { useEffect, useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { FIELD_LIMITS, isFieldSet } from '@casework/domain';
import { ApiError } from '../../api/client';
import { keys, storeCase } from '../../api/queries';
import type { Case } from '../../api/types';
import { useToast } from '../../components/toast';
import { fieldsForCase, formatFieldValue, saveFieldValue, useCaseFields, type CaseField, type FieldValue } from './fields-api';

/**
 * The case's custom fields, each edited in place by its type (SPEC §10): saved as soon as it
 * changes (text and numbers when leaving the box or on Enter). Required fields are marked, and
 * flagged while unset, since the case cannot be resolved without them.
 */
type MarkOwn = (phase: 'start' | 'end') => void;

export function CaseFieldsPanel({ caseItem, markOwn }: { caseItem: Case; markOwn: MarkOwn }) {
  const fields = useCaseFields();
  const shown = fieldsForCase(fields.data ?? [], caseItem);
  const editable = caseItem.actions.includes('edit');
  if (!shown.length) return null;
  return (
    <section className="panel" id="fields" aria-labelledby="fields-title">
      <h2 id="fields-title">Fields</h2>
      <div className="case-fields">
        {shown.map((field) => (
          <FieldRow key={field.key} caseItem={caseItem} field={field} editable={editable} markOwn={markOwn} />
        ))}
      </div>
    </section>
  );
}

function FieldRow({ caseItem, field, editable, markOwn }: { caseItem: Case; field: CaseField; editable: boolean; markOwn: MarkOwn }) {
  const client = useQueryClient();
  const toast = useToast();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const value = caseItem.fields?.[field.key];
  const missing = field.required && !isFieldSet(field, value);

  async function save(next: FieldValue | null) {
    setBusy(true);
    setError(null);
    markOwn('start'); // our own change: not a collision
    try {
      storeCase(client, await saveFieldValue(caseItem.id, field.key, next));
      void client.invalidateQueries({ queryKey: keys.caseEvents(caseItem.id) });
    } catch (err) {
      const message = err instanceof ApiError ? err.fields?.[`fields.${field.key}`] : undefined;
      if (message) setError(`${field.label} ${message}`);
      else toast.error(err);
    } finally {
      markOwn('end');
      setBusy(false);
    }
  }

  const labelId = `${id}-label`;
  return (
    <div className={`case-field${missing ? ' is-missing' : ''}`} aria-busy={busy || undefined}>
      <div className="case-field-label" id={labelId}>
        {field.type === 'multiselect' || !editable ? field.label : <label htmlFor={id}>{field.label}</label>}
        {field.required ? (
          <span className={`chip ${missing ? 'chip-waiting' : 'chip-ready'}`} title="Required to resolve">
            Required
          </span>
        ) : null}
      </div>
      {editable ? (
        <FieldEditor id={id} labelId={labelId} field={field} value={value} onSave={(next) => void save(next)} disabled={busy} />
      ) : (
        <div className={value === undefined ? 'muted' : undefined}>{value === undefined ? 'Not set' : formatFieldValue(value)}</div>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type EditorProps = {
  id: string;
  labelId: string;
  field: CaseField;
  value: FieldValue | undefined;
  disabled: boolean;
  onSave: (value: FieldValue | null) => void;
};

function FieldEditor({ id, labelId, field, value, disabled, onSave }: EditorProps) {
  switch (field.type) {
    case 'checkbox':
      return (
        <label className="check">
          <input id={id} type="checkbox" checked={value === true} disabled={disabled} onChange={(e) => onSave(e.target.checked)} />
          {value === true ? 'Yes' : 'No'}
        </label>
      );
    case 'select':
      return (
        <select id={id} value={typeof value === 'string' ? value : ''} disabled={disabled} onChange={(e) => onSave(e.target.value || null)}>
          <option value="">Not set</option>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
          {typeof value === 'string' && !field.options?.includes(value) ? <option value={value}>{value} (removed)</option> : null}
        </select>
      );
    case 'multiselect': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset className="case-field-options" aria-labelledby={labelId}>
          {(field.options ?? []).map((option) => (
            <label key={option} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(option)}
                disabled={disabled}
                onChange={(e) => onSave(e.target.checked ? [...chosen, option] : chosen.filter((o) => o !== option))}
              />
              {option}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'date':
      return (
        <input
          id={id}
          type="date"
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e) => onSave(e.target.value || null)}
        />
      );
    default:
      return <TextEditor id={id} field={field} value={value} disabled={disabled} onSave={onSave} />;
  }
}

/** Text and numbers: typed freely, saved when leaving the box or on Enter, Escape restores. */
function TextEditor({ id, field, value, disabled, onSave }: Omit<EditorProps, 'labelId'>) {
  const saved = value === undefined ? '' : String(value);
  const [draft, setDraft] = useState(saved);
  useEffect(() => setDraft(saved), [saved]);
  const number = field.type === 'number';
  const commit = () => {
    if (draft.trim() === saved) return;
    if (!draft.trim()) onSave(null);
    else if (number) onSave(Number(draft));
    else onSave(draft);
  };
  return (
    <input
      id={id}
      type={number ? 'number' : 'text'}
      inputMode={number ? 'decimal' : undefined}
      step={number ? 'any' : undefined}
      maxLength={number ? undefined : FIELD_LIMITS.text}
      value={draft}
      disabled={disabled}
      placeholder="Not set"
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit();
        } else if (e.key === 'Escape') setDraft(saved);
      }}
    />
  );
}
