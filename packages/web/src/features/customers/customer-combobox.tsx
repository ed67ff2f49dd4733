import { useId, useState, type KeyboardEvent } from 'react';
import { customerLabel, useCustomerSearch, type CustomerListItem } from './customers-api';
import { formatPhone } from '../../lib/phone';

type Props = {
  label: string;
  hint?: string;
  placeholder?: string;
  /** A customer not to offer (the one being merged). */
  excludeId?: string;
  onSelect: (customer: CustomerListItem) => void;
  autoFocus?: boolean;
};

/**
 * Find a customer as you type (ARIA 1.2 combobox with a list): arrows move through the matches,
 * Enter picks, Escape closes. Offers only customers the user may see (the API's rule).
 */
export function CustomerCombobox({ label, hint, placeholder, excludeId, onSelect, autoFocus }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const search = useCustomerSearch(text, open);
  const options = (search.data?.customers ?? []).filter((c) => c.id !== excludeId);
  const expanded = open && text.trim().length > 0;
  const optionId = (i: number) => `${id}-option-${i}`;

  function pick(customer: CustomerListItem | undefined) {
    if (!customer) return;
    onSelect(customer);
    setText('');
    setOpen(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (options.length ? (i + 1) % options.length : 0));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => (options.length ? (i - 1 + options.length) % options.length : 0));
    } else if (event.key === 'Enter' && expanded && options.length) {
      event.preventDefault();
      pick(options[Math.min(active, options.length - 1)]);
    } else if (event.key === 'Escape' && expanded) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  }

  const status = !expanded
    ? ''
    : search.isFetching && !search.data
      ? 'Searching…'
      : options.length
        ? `${options.length} customer${options.length === 1 ? '' : 's'} found`
        : 'No customer found';

  return (
    <div className="field combobox">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        // biome-ignore lint/a11y/noAutofocus: the picker is the only field of its dialog
        autoFocus={autoFocus}
        placeholder={placeholder}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded && options.length ? optionId(Math.min(active, options.length - 1)) : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div id={`${id}-list`} role="listbox" aria-label={label} className="combobox-list" hidden={!expanded || options.length === 0}>
        {options.map((c, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's input handles the keys (aria-activedescendant)
          <div
            key={c.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === Math.min(active, options.length - 1)}
            className="combobox-option"
            tabIndex={-1}
            onMouseDown={(event) => event.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => pick(c)}
          >
            <span className="combobox-name">{customerLabel(c)}</span>
            <span className="combobox-meta">
              {[c.name ? c.email : null, c.phone ? formatPhone(c.phone) : null, `${c.caseCount} case${c.caseCount === 1 ? '' : 's'}`]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </div>
        ))}
      </div>
      <span className="visually-hidden" role="status" aria-live="polite">
        {status}
      </span>
    </div>
  );
}
