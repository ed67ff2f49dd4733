import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../components/button';
import { NotificationRow } from './notification-row';
import { useBell, useMarkRead } from './notifications-api';

const SHOWN = 8;

/** The header's bell: the unread count (live), and a panel with the latest notifications. */
export function NotificationBell({ timeZone }: { timeZone: string }) {
  const bell = useBell();
  const markRead = useMarkRead();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const unread = bell.data?.unreadCount ?? 0;
  const label = unread === 0 ? 'Notifications, none unread' : `Notifications, ${unread} unread`;

  useEffect(() => {
    if (!open) return;
    panel.current?.focus();
    const onPointer = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('mousedown', onPointer);
    return () => document.removeEventListener('mousedown', onPointer);
  }, [open]);

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  };
  const items = bell.data?.notifications.slice(0, SHOWN) ?? [];

  return (
    <div className="bell">
      <button
        ref={button}
        type="button"
        className="bell-button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((v) => !v)}
      >
        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
          <path
            d="M10 2.5a5 5 0 0 0-5 5v2.8L3.5 13.5h13L15 10.3V7.5a5 5 0 0 0-5-5Zm-2 13a2 2 0 0 0 4 0"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.7"
            strokeLinejoin="round"
          />
        </svg>
        {unread > 0 ? (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          ref={panel}
          id={panelId}
          className="bell-panel"
          role="dialog"
          aria-label="Notifications"
          tabIndex={-1}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              close(true);
            }
          }}
        >
          <div className="bell-panel-head">
            <h2>Notifications</h2>
            <Button
              size="sm"
              variant="ghost"
              disabled={unread === 0}
              busy={markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
            >
              Mark all read
            </Button>
          </div>
          {items.length === 0 ? (
            <p className="bell-empty">{bell.isPending ? 'Loading…' : 'Nothing new. You will hear here when a case needs you.'}</p>
          ) : (
            <ul className="notification-list" aria-label="Latest notifications">
              {items.map((n) => (
                <NotificationRow
                  key={n.id}
                  n={n}
                  timeZone={timeZone}
                  onOpen={() => {
                    if (n.readAt === null) markRead.mutate({ ids: [n.id] });
                    close(false);
                  }}
                  onMarkRead={() => markRead.mutate({ ids: [n.id] })}
                />
              ))}
            </ul>
          )}
          <div className="bell-panel-foot">
            <Link to="/notifications" onClick={() => close(false)}>
              See all notifications
            </Link>
            <Link to="/settings/notifications" onClick={() => close(false)}>
              Settings
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}
