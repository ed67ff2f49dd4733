import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { firstLine, matchesQuery, scopeText, useCannedReplies, type CannedReply } from './canned-api';

type Props = {
  /** Picked: the caller renders and inserts it. */
  onPick: (reply: CannedReply) => void;
  /** Closed without a pick (Escape, or focus left the picker). */
  onClose: (how: 'escape' | 'blur') => void;
  busy?: boolean;
};

/**
 * Search the canned replies this user may use (ARIA 1.2 combobox with a list): typing filters by
 * title and text, arrows move, Enter picks, Escape closes. The list comes from the server, which
 * offers only the user's own, their teams' and the organisation's.
 */
export function CannedPicker({ onPick, onClose, busy }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const replies = useCannedReplies();
  const options = (replies.data ?? []).filter((r) => matchesQuery(r, query));
  const current = Math.min(active, Math.max(options.length - 1, 0));
  const optionId = (i: number) => `${id}-option-${i}`;

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    document.getElementById(optionId(current))?.scrollIntoView({ block: 'nearest' });
  });

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(options.length ? (current + step + options.length) % options.length : 0);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      setActive(event.key === 'Home' ? 0 : options.length - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const picked = options[current];
      if (picked && !busy) onPick(picked);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose('escape');
    }
  }

  const status = replies.isPending
    ? 'Loading canned replies…'
    : busy
      ? 'Inserting…'
      : options.length
        ? `${options.length} canned repl${options.length === 1 ? 'y' : 'ies'}`
        : query
          ? 'No canned reply matches'
          : 'No canned replies yet';

  return (
    <div className="canned-picker">
      <div className="canned-picker-search">
        <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
          <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
          <path d="M13 13l4 4" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
        <label htmlFor={id} className="visually-hidden">
          Search canned replies
        </label>
        <input
          ref={input}
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          placeholder="Search canned replies"
          aria-autocomplete="list"
          aria-expanded={options.length > 0}
          aria-controls={`${id}-list`}
          aria-activedescendant={options.length ? optionId(current) : undefined}
          aria-describedby={`${id}-keys`}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onBlur={(event) => {
            if (!event.currentTarget.closest('.canned-picker')?.contains(event.relatedTarget as Node | null)) onClose('blur');
          }}
          onKeyDown={onKeyDown}
        />
        <span className="canned-picker-keys muted" id={`${id}-keys`}>
          ↑↓ to choose · Enter to insert · Esc to close
        </span>
      </div>
      <div id={`${id}-list`} role="listbox" aria-label="Canned replies" className="canned-picker-list">
        {options.map((r, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's input handles the keys (aria-activedescendant)
          <div
            key={r.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === current}
            className="canned-option"
            tabIndex={-1}
            onMouseDown={(event) => event.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => !busy && onPick(r)}
          >
            <span className="canned-option-head">
              <span className="canned-option-title">{r.title}</span>
              <span className={`chip chip-scope chip-scope-${r.scope}`}>{scopeText(r)}</span>
            </span>
            <span className="canned-option-text">{firstLine(r.body)}</span>
          </div>
        ))}
      </div>
      <p className={options.length ? 'visually-hidden' : 'canned-picker-status muted'} role="status" aria-live="polite">
        {status}
        {!options.length && !query && !replies.isPending ? ' Add them on the Canned replies page.' : ''}
      </p>
    </div>
  );
}
