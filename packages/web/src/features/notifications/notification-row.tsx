import { Link } from 'react-router';
import { formatWhen } from '../../lib/time';
import { NOTIFICATION_TYPE_LABELS, type NotificationItem } from './notifications-api';

const ICON_PATHS: Record<NotificationItem['type'], string> = {
  'case.assigned': 'M10 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm-6 7c0-3 2.7-5 6-5s6 2 6 5',
  'case.customer_replied': 'M3 4h14v9H8l-4 3v-3H3z',
  'case.mentioned': 'M13 10a3 3 0 1 1-6 0 3 3 0 0 1 6 0Zm0 0v1.5a2 2 0 0 0 4 0V10a7 7 0 1 0-3 5.7',
  'case.woke': 'M10 17a7 7 0 1 0 0-14 7 7 0 0 0 0 14Zm0-10v3.5l2.5 1.5',
  'case.follow_activity': 'M2.5 10s2.8-5 7.5-5 7.5 5 7.5 5-2.8 5-7.5 5-7.5-5-7.5-5Zm7.5 2a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z',
  'case.sla_breached': 'M10 3 2 17h16L10 3Zm0 5v4m0 2.5v.5',
};

/** One notification: what happened (a link to the case), when, and whether it is unread. */
export function NotificationRow({
  n,
  timeZone,
  onOpen,
  onMarkRead,
}: {
  n: NotificationItem;
  timeZone: string;
  onOpen?: () => void;
  onMarkRead?: () => void;
}) {
  const unread = n.readAt === null;
  return (
    <li className={`notification-row${unread ? ' is-unread' : ''}`}>
      <span className={`notification-icon type-${n.type.replace('case.', '')}`} aria-hidden="true">
        <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
          <path d={ICON_PATHS[n.type]} fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </span>
      <div className="notification-body">
        <Link to={`/cases/${n.caseId}`} className="notification-link" onClick={onOpen}>
          {unread ? <span className="visually-hidden">Unread: </span> : null}
          {n.summary}
        </Link>
        <span className="notification-meta">
          {NOTIFICATION_TYPE_LABELS[n.type].title} · <time dateTime={n.createdAt}>{formatWhen(n.createdAt, timeZone)}</time>
        </span>
      </div>
      {unread && onMarkRead ? (
        <button type="button" className="notification-mark" onClick={onMarkRead} aria-label={`Mark read: ${n.summary}`} title="Mark read">
          <span className="unread-dot" aria-hidden="true" />
        </button>
      ) : (
        <span className="notification-mark-spacer" aria-hidden="true" />
      )}
    </li>
  );
}
