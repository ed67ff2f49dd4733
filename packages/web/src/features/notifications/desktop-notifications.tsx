import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { Button } from '../../components/button';
import { subscribeLive } from '../../live/live-events';
import { notificationKeys } from './notifications-api';

const supported = () => typeof window !== 'undefined' && 'Notification' in window;

/**
 * Desktop notifications (SPEC §11): while the app is open in a background tab, a new notification
 * the user wants on the desktop is shown by the browser. Only with permission, which is asked for
 * from the settings page (never on load); in the foreground the bell is enough.
 */
export function useDesktopNotifications(enabled: boolean): void {
  const client = useQueryClient();
  const navigate = useNavigate();
  useEffect(() => {
    if (!enabled || !supported()) return;
    return subscribeLive((event) => {
      if (event.type !== 'notification.created' || !event.notification?.desktop) return;
      if (document.visibilityState !== 'hidden' || Notification.permission !== 'granted') return;
      const { id } = event.notification;
      const caseId = event.caseId;
      void client
        .fetchQuery({ queryKey: notificationKeys.bell, queryFn: () => api.get<'/me/notifications'>('/me/notifications'), staleTime: 0 })
        .then((bell) => {
          const found = bell.notifications.find((n) => n.id === id);
          if (!found) return; // no longer there (read elsewhere, or the case is out of sight)
          const shown = new Notification('Casework', { body: found.summary, tag: id });
          shown.onclick = () => {
            window.focus();
            if (caseId) navigate(`/cases/${caseId}`);
            void api.post<'/me/notifications/read'>('/me/notifications/read', { ids: [id] }).catch(() => {});
            shown.close();
          };
        })
        .catch(() => {});
    });
  }, [enabled, client, navigate]);
}

/** The settings page's desktop section: the browser's permission, and a button to ask for it. */
export function DesktopPermission() {
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() =>
    supported() ? Notification.permission : 'unsupported',
  );
  if (permission === 'unsupported') {
    return <p className="field-hint">This browser does not show desktop notifications.</p>;
  }
  if (permission === 'granted') {
    return (
      <p className="desktop-state" role="status">
        <span className="status-dot ok" aria-hidden="true" /> Desktop notifications are on in this browser. They appear while Casework is
        open in a background tab, for the types ticked under Desktop.
      </p>
    );
  }
  if (permission === 'denied') {
    return (
      <p className="desktop-state" role="status">
        <span className="status-dot off" aria-hidden="true" /> This browser blocks notifications from Casework. Allow them in the site
        settings of your browser, then reload.
      </p>
    );
  }
  return (
    <div className="desktop-ask">
      <p className="field-hint">Get a desktop notification while Casework is open in a background tab. Your browser asks you once.</p>
      <Button
        onClick={() => {
          void Notification.requestPermission().then((p) => setPermission(p));
        }}
      >
        Allow desktop notifications
      </Button>
    </div>
  );
}
