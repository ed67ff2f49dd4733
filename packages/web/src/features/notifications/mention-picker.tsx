import { useEffect, useId, useState, type KeyboardEvent, type RefObject } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

type Candidate = { id: string; name: string; email: string };

/** The `@word` being typed right before the caret, if any: where it starts and what it says so far. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([^\s@]{0,60})$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2]!.length - 1, query: m[2]! } : null;
}

/**
 * The @mention picker of the note box (SPEC §11): typing `@` offers the users who may see the case
 * (GET /cases/:id/mentionable), filtered as one types; ↑/↓ move, Enter or Tab inserts `@email`,
 * Escape closes. The textarea stays the focus (aria-activedescendant points at the option).
 */
export function useMentionPicker(opts: {
  caseId: string;
  enabled: boolean;
  value: string;
  setValue: (v: string) => void;
  textarea: RefObject<HTMLTextAreaElement | null>;
}) {
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const at = opts.enabled ? mentionAt(opts.value, caret) : null;
  const open = at !== null && dismissed !== at.start;
  const found = useQuery({
    queryKey: ['case', opts.caseId, 'mentionable', at?.query ?? ''],
    queryFn: () => api.get<'/cases/{id}/mentionable'>(`/cases/${opts.caseId}/mentionable?q=${encodeURIComponent(at?.query ?? '')}`),
    enabled: open,
    staleTime: 30_000,
  });
  const users: Candidate[] = open ? (found.data?.users ?? []) : [];
  const query = at?.query;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query starts at the first option
  useEffect(() => setActive(0), [query]);

  function pick(user: Candidate) {
    if (!at) return;
    const insert = `@${user.email} `;
    const next = opts.value.slice(0, at.start) + insert + opts.value.slice(caret);
    opts.setValue(next);
    const pos = at.start + insert.length;
    setCaret(pos);
    requestAnimationFrame(() => {
      opts.textarea.current?.focus();
      opts.textarea.current?.setSelectionRange(pos, pos);
    });
  }

  const track = () => setCaret(opts.textarea.current?.selectionStart ?? 0);

  /** Handles the picker's keys; true when the key was the picker's. */
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || users.length === 0) {
      if (open && event.key === 'Escape') {
        event.preventDefault();
        setDismissed(at!.start);
        return true;
      }
      return false;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : users.length - 1)) % users.length);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      if (event.ctrlKey || event.metaKey) return false;
      event.preventDefault();
      pick(users[active] ?? users[0]!);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setDismissed(at!.start);
      return true;
    }
    return false;
  }

  const optionId = (i: number) => `${listId}-opt-${i}`;
  const showing = open && users.length > 0;
  return {
    onKeyDown,
    /** Keeps the caret position known (typing, clicks, selection). */
    track,
    inputProps: {
      'aria-autocomplete': 'list' as const,
      'aria-controls': showing ? listId : undefined,
      'aria-activedescendant': showing ? optionId(active) : undefined,
    },
    popup: open ? (
      <div className="mention-popup">
        {users.length > 0 ? (
          <div id={listId} role="listbox" aria-label="People who can see this case" className="mention-list">
            {users.map((u, i) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the note box handles the keys (aria-activedescendant)
              <div
                key={u.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                tabIndex={-1}
                className={i === active ? 'mention-option is-active' : 'mention-option'}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => pick(u)}
                onMouseEnter={() => setActive(i)}
              >
                <span className="mention-name">{u.name}</span>
                <span className="mention-email">{u.email}</span>
              </div>
            ))}
          </div>
        ) : (
          <p className="mention-none">{found.isPending ? 'Looking…' : 'Nobody who can see this case matches.'}</p>
        )}
        <span className="visually-hidden" role="status">
          {found.isPending ? '' : `${users.length} ${users.length === 1 ? 'person' : 'people'} to mention`}
        </span>
      </div>
    ) : null,
  };
}
