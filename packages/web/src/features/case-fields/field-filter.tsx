import { useId, useState } from 'react';
import { fieldFilters, type FieldFilterKey } from '../cases-list/filters';
import { formatFieldValue, useCaseFields, type CaseField } from './fields-api';

type Props = { params: URLSearchParams; onChange: (updates: Partial<Record<FieldFilterKey, string | null>>) => void };

/** Cases-list filter by a custom field (`field.<key>=value` in the URL and the API): the chosen ones as removable chips, then a picker. */
export function FieldFilter({ params, onChange }: Props) {
  const fields = useCaseFields().data ?? [];
  const id = useId();
  const [key, setKey] = useState('');
  const active = fieldFilters(params);
  const field = fields.find((f) => f.key === key);
  if (!fields.length) return null;
  const label = (k: string) => fields.find((f) => `field.${f.key}` === k)?.label ?? k.slice('field.'.length);
  const apply = (value: string) => {
    if (!field || !value) return;
    onChange({ [`field.${field.key}`]: value });
    setKey('');
  };
  return (
    <div className="filter-field field-filter">
      <label htmlFor={id}>Field</label>
      <div className="field-filter-row">
        <select id={id} value={key} onChange={(event) => setKey(event.target.value)}>
          <option value="">Choose a field…</option>
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </select>
        {field ? <ValuePicker field={field} onPick={apply} /> : null}
      </div>
      {active.length ? (
        <span className="chip-row">
          {active.map(([k, value]) => (
            <button
              key={k}
              type="button"
              className="chip chip-removable"
              onClick={() => onChange({ [k]: null })}
              aria-label={`Remove filter ${label(k)}: ${value}`}
            >
              {label(k)}: {value} <span aria-hidden="true">×</span>
            </button>
          ))}
        </span>
      ) : null}
    </div>
  );
}

function ValuePicker({ field, onPick }: { field: CaseField; onPick: (value: string) => void }) {
  const [text, setText] = useState('');
  const name = `${field.label} value`;
  if (field.type === 'select' || field.type === 'multiselect' || field.type === 'checkbox') {
    const options = field.type === 'checkbox' ? ['true', 'false'] : (field.options ?? []);
    return (
      <select aria-label={name} value="" onChange={(event) => onPick(event.target.value)}>
        <option value="">Any value…</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {field.type === 'checkbox' ? formatFieldValue(o === 'true') : o}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      aria-label={name}
      type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
      value={text}
      placeholder="Value, then Enter"
      onChange={(event) => {
        setText(event.target.value);
        if (field.type === 'date' && event.target.value) onPick(event.target.value);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          onPick(text.trim());
        }
      }}
    />
  );
}
