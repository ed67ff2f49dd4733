import { useId, useRef } from 'react';
import { Button } from './button';
import { useToast } from './toast';

type CopyFieldProps = {
  label: string;
  value: string;
  /** Multi-line values (a script tag) show in a textarea. */
  multiline?: boolean;
  hint?: string;
  /** Give the Copy button the first focus in a dialog. */
  autoFocus?: boolean;
};

/** A read-only value with a Copy button; falls back to selecting the text where the clipboard is blocked. */
export function CopyField({ label, value, multiline = false, hint, autoFocus = false }: CopyFieldProps) {
  const id = useId();
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const toast = useToast();

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      toast.success(`${label} copied`);
    } catch {
      field.current?.select();
      toast.show('info', 'Press Ctrl+C to copy', 'The text is selected.');
    }
  }

  const common = {
    id,
    ref: field,
    value,
    readOnly: true,
    className: 'mono copy-value',
    onFocus: (event: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => event.target.select(),
    'aria-describedby': hint ? `${id}-hint` : undefined,
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        {multiline ? <textarea {...common} rows={3} spellCheck={false} /> : <input {...common} spellCheck={false} />}
        <Button onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`} data-autofocus={autoFocus || undefined}>
          Copy
        </Button>
      </div>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
