import { useId, useState, type KeyboardEvent } from 'react';
import { TAG_LIMITS } from '@casework/domain';
import { normaliseTag } from './case-data-api';

type Props = {
  label: string;
  /** The tags chosen so far, each shown as a chip with a remove button. */
  tags: readonly string[];
  /** Tags to offer as the user types (most used first); chosen ones are left out. */
  suggestions: readonly string[];
  /** A managed list: only these may be added (null or undefined: any tag). */
  allowed?: readonly string[] | null;
  onAdd: (tag: string) => void;
  onRemove: (tag: string) => void;
  disabled?: boolean;
  /** A refusal to show under the box (e.g. the server's). */
  error?: string | null;
  placeholder?: string;
  /** Show the label (a filter); the case page's box sits beside its own "Tags" heading. */
  showLabel?: boolean;
};

/**
 * Chips plus a combobox (ARIA 1.2, list autocomplete): typing offers matching tags, arrows move,
 * Enter adds the highlighted suggestion or the typed text, Backspace in an empty box does nothing
 * surprising, each chip has a "Remove tag …" button. With a managed list, a tag outside it is
 * refused here with a message saying so, before anything is sent.
 */
export function TagInput({ label, tags, suggestions, allowed, onAdd, onRemove, disabled, error, placeholder, showLabel }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [refusal, setRefusal] = useState<string | null>(null);
  const typed = normaliseTag(text);
  const pool = allowed ?? suggestions;
  const options = pool.filter((tag) => !tags.includes(tag) && (!typed || tag.includes(typed))).slice(0, 8);
  const expanded = open && options.length > 0;
  const optionId = (i: number) => `${id}-option-${i}`;
  const message = refusal ?? error ?? null;

  function add(tag: string) {
    const value = normaliseTag(tag);
    if (!value) return;
    if (tags.includes(value)) {
      setText('');
      return;
    }
    if (allowed && !allowed.includes(value)) {
      setRefusal(`“${value}” is not on the organisation's tag list. Choose one of the listed tags, or ask an administrator to add it.`);
      return;
    }
    setRefusal(null);
    onAdd(value);
    setText('');
    setActive(-1);
    // The list closes after a pick; typing or ArrowDown opens it again.
    setOpen(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (options.length ? (i + 1) % options.length : -1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => (options.length ? (i <= 0 ? options.length - 1 : i - 1) : -1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = expanded && active >= 0 ? options[active] : undefined;
      add(chosen ?? text);
    } else if (event.key === 'Escape' && expanded) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  }

  return (
    <div className="tag-input combobox">
      <label htmlFor={id} className={showLabel ? undefined : 'visually-hidden'}>
        {label}
      </label>
      {tags.length ? (
        <ul className="tag-list tag-list-editable" aria-label={`${label}: chosen`}>
          {tags.map((tag) => (
            <li key={tag} className="tag">
              <span className="tag-name">{tag}</span>
              <button
                type="button"
                className="tag-remove"
                aria-label={`Remove tag ${tag}`}
                title={`Remove ${tag}`}
                disabled={disabled}
                onClick={() => onRemove(tag)}
              >
                <svg viewBox="0 0 12 12" width="10" height="10" aria-hidden="true">
                  <path d="M3 3l6 6M9 3l-6 6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        maxLength={TAG_LIMITS.length}
        placeholder={placeholder ?? 'Add a tag…'}
        disabled={disabled}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : `${id}-hint`}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
          setRefusal(null);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <p className="visually-hidden" id={`${id}-hint`}>
        Type a tag and press Enter{allowed ? '; only tags from the organisation’s list can be used' : ''}.
      </p>
      <div id={`${id}-list`} role="listbox" aria-label={`${label} suggestions`} className="combobox-list" hidden={!expanded}>
        {options.map((tag, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's input handles the keys (aria-activedescendant)
          <div
            key={tag}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className="combobox-option"
            tabIndex={-1}
            onMouseDown={(event) => event.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => add(tag)}
          >
            {tag}
          </div>
        ))}
      </div>
      {message ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}
