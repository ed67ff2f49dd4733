import { PRIORITY_LABELS, type Priority } from './case-data-api';

type Props = {
  priority: Priority;
  /** Show "Normal" too (the table's column); cards leave the default out to stay quiet. */
  showNormal?: boolean;
};

/**
 * A case's priority as a small badge: urgent and high stand out (red, amber, with an arrow),
 * low is muted, normal is plain text or left out. The word is always there, so colour is never
 * the only signal; screen readers hear "Priority: urgent".
 */
export function PriorityBadge({ priority, showNormal = false }: Props) {
  if (priority === 'normal' && !showNormal) return null;
  return (
    <span className={`priority priority-${priority}`} title={`Priority: ${PRIORITY_LABELS[priority].toLowerCase()}`}>
      {priority === 'urgent' || priority === 'high' ? (
        <svg viewBox="0 0 12 12" width="10" height="10" aria-hidden="true">
          {priority === 'urgent' ? (
            <path d="M3 6.5L6 3.5L9 6.5M3 9.5L6 6.5L9 9.5" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
          ) : (
            <path d="M3 8L6 5L9 8" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
          )}
        </svg>
      ) : null}
      <span className="visually-hidden">Priority: </span>
      {PRIORITY_LABELS[priority]}
    </span>
  );
}
