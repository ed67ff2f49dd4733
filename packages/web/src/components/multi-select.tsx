import { useEffect, useId, useRef, useState } from 'react';

type Option = { value: string; label: string };
type Props = { label: string; options: Option[]; selected: string[]; onChange: (values: string[]) => void; anyLabel?: string };

/** A compact dropdown of checkboxes (for multi-value filters). */
export function MultiSelect({ label, options, selected, onChange, anyLabel = 'Any' }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onPointer);
    return () => document.removeEventListener('mousedown', onPointer);
  }, [open]);

  const names = options.filter((option) => selected.includes(option.value)).map((option) => option.label);
  const summary = names.length === 0 ? anyLabel : names.length <= 2 ? names.join(', ') : `${names.length} selected`;

  function toggle(value: string, checked: boolean) {
    const next = checked ? [...selected, value] : selected.filter((item) => item !== value);
    onChange(options.map((option) => option.value).filter((item) => next.includes(item)));
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape pressed on the button or a checkbox inside bubbles here and closes the panel
    <div
      className="multi-select"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className={`filter-trigger${names.length ? ' is-active' : ''}`}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="filter-label">{label}:</span> {summary}
        <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true">
          <path d="M5 8l5 5 5-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
      </button>
      {open ? (
        <fieldset id={panelId} className="multi-select-panel">
          <legend className="visually-hidden">{label}</legend>
          {options.map((option) => (
            <label key={option.value} className="check">
              <input
                type="checkbox"
                checked={selected.includes(option.value)}
                onChange={(event) => toggle(option.value, event.target.checked)}
              />
              {option.label}
            </label>
          ))}
          {options.length === 0 ? <p className="muted">Nothing to choose</p> : null}
          {selected.length ? (
            <button type="button" className="link-btn" onClick={() => onChange([])}>
              Clear
            </button>
          ) : null}
        </fieldset>
      ) : null}
    </div>
  );
}
