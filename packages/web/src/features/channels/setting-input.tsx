import { useId } from 'react';
import { Button } from '../../components/button';
import type { SettingField } from './channel-settings';

type SettingInputProps = {
  field: SettingField;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  /** For secrets: the server already holds a value (the form shows "Set" and offers "Change"). */
  secretSet?: boolean;
  /** For secrets that are set: the admin chose to replace the value. */
  changing?: boolean;
  onChangingChange?: (changing: boolean) => void;
};

/** One channel setting; a write-only secret that is already set shows "Set · Change", never the value. */
export function SettingInput({ field, value, onChange, error, secretSet = false, changing = false, onChangingChange }: SettingInputProps) {
  const id = useId();
  const describedBy = [field.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const showInput = !field.secret || !secretSet || changing;
  const hint = field.hint ? (
    <p className="field-hint" id={`${id}-hint`}>
      {field.hint}
    </p>
  ) : null;
  const errorText = error ? (
    <p className="field-error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;

  if (!showInput) {
    return (
      <fieldset className={field.wide ? 'field field-wide' : 'field'} aria-labelledby={`${id}-label`}>
        <span className="field-label" id={`${id}-label`}>
          {field.label}
        </span>
        <div className="secret-row">
          <span className="chip chip-ready" title="Stored encrypted; it is never shown again.">
            Set
          </span>
          <Button size="sm" onClick={() => onChangingChange?.(true)} aria-label={`Change ${field.label.toLowerCase()}`}>
            Change
          </Button>
        </div>
        {errorText}
      </fieldset>
    );
  }
  return (
    <div className={field.wide ? 'field field-wide' : 'field'}>
      <label htmlFor={id}>
        {field.label}
        {field.required || field.type === 'select' || field.group ? null : <span className="muted"> (optional)</span>}
      </label>
      <div className={field.secret && secretSet ? 'copy-row' : undefined}>
        {field.type === 'select' ? (
          <select id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={describedBy}>
            {field.options?.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        ) : field.type === 'textarea' ? (
          <textarea
            id={id}
            rows={4}
            maxLength={2000}
            value={value}
            placeholder={field.placeholder}
            onChange={(event) => onChange(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
          />
        ) : (
          <input
            id={id}
            type={field.secret ? 'password' : field.type === 'color' ? 'text' : (field.type ?? 'text')}
            autoComplete={field.secret ? 'new-password' : 'off'}
            value={value}
            placeholder={field.secret && secretSet ? 'New value' : field.placeholder}
            onChange={(event) => onChange(event.target.value)}
            required={field.required && !(field.secret && secretSet)}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            spellCheck={false}
            {...(field.type === 'number' ? { inputMode: 'numeric' as const, min: 1, max: 65535 } : {})}
          />
        )}
        {field.secret && secretSet ? (
          <Button
            onClick={() => {
              onChange('');
              onChangingChange?.(false);
            }}
          >
            Keep current
          </Button>
        ) : null}
      </div>
      {hint}
      {errorText}
    </div>
  );
}
