import type { CaseStatus } from '../api/types';
import { useTimeZone } from '../api/queries';
import { formatAge, formatDateTime } from '../lib/time';
import { useNow } from '../lib/use-now';

const AMBER_MS = 5 * 60_000;
const RED_MS = 10 * 60_000;

/** Age since creation; a new case turns amber after 5 minutes and red after 10. */
export function AgeBadge({ createdAt, status }: { createdAt: string; status: CaseStatus }) {
  const now = useNow();
  const timeZone = useTimeZone();
  const age = now - new Date(createdAt).getTime();
  let tone = 'neutral';
  let note = '';
  if (status === 'new') {
    if (age >= RED_MS) {
      tone = 'red';
      note = ', waiting over 10 minutes';
    } else if (age >= AMBER_MS) {
      tone = 'amber';
      note = ', waiting over 5 minutes';
    } else tone = 'fresh';
  }
  return (
    <span className={`age age-${tone}`} title={`Created ${formatDateTime(createdAt, timeZone)}`}>
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6">
        <circle cx="8" cy="8" r="6" />
        <path d="M8 4.8V8l2.2 1.6" strokeLinecap="round" />
      </svg>
      <span className="visually-hidden">Age </span>
      {formatAge(age)}
      {note ? <span className="visually-hidden">{note}</span> : null}
    </span>
  );
}
