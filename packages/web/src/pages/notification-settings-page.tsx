import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { NOTIFICATION_MEDIA, NOTIFICATION_TYPES, type EmailDigest, type NotificationMedium } from '@casework/domain';
import { api } from '../api/client';
import { Button } from '../components/button';
import { ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { useToast } from '../components/toast';
import {
  NOTIFICATION_TYPE_LABELS,
  notificationKeys,
  useNotificationSettings,
  type NotificationSettingsData,
} from '../features/notifications/notifications-api';
import { DesktopPermission } from '../features/notifications/desktop-notifications';
import { usePageTitle } from '../lib/use-page-title';

const MEDIUM_LABELS: Record<NotificationMedium, string> = { inApp: 'In the app', email: 'Email', desktop: 'Desktop' };
const DIGEST_LABELS: Record<EmailDigest, string> = {
  off: 'One email per notification',
  hourly: 'One digest email per hour',
  daily: 'One digest email a day (08:00 your time)',
};

/** The user's notification settings (SPEC §11): per type and medium, the email digest, desktop permission. */
export function NotificationSettingsPage() {
  usePageTitle('Notification settings');
  const settings = useNotificationSettings();
  return (
    <div className="page page-narrow page-notification-settings">
      <div className="page-header">
        <h1>Notification settings</h1>
        <Link to="/notifications" className="btn btn-ghost btn-sm">
          All notifications
        </Link>
      </div>
      {settings.isPending ? (
        <LoadingState />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <SettingsForm value={settings.data} />
      )}
    </div>
  );
}

function SettingsForm({ value }: { value: NotificationSettingsData }) {
  const [draft, setDraft] = useState(value);
  const [busy, setBusy] = useState(false);
  const client = useQueryClient();
  const toast = useToast();
  useEffect(() => setDraft(value), [value]);
  const changed = JSON.stringify(draft) !== JSON.stringify(value);

  async function save() {
    setBusy(true);
    try {
      const saved = await api.put<'/me/notification-settings'>('/me/notification-settings', draft);
      client.setQueryData(notificationKeys.settings, saved);
      toast.success('Notification settings saved');
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="notification-settings"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <section className="panel" aria-labelledby="notify-types">
        <h2 id="notify-types">What you are told, and how</h2>
        <div className="table-wrap notify-table-wrap">
          <table className="notify-table">
            <caption className="visually-hidden">Notification types and media</caption>
            <thead>
              <tr>
                <th scope="col">Notification</th>
                {NOTIFICATION_MEDIA.map((m) => (
                  <th scope="col" key={m}>
                    {MEDIUM_LABELS[m]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_TYPES.map((t) => (
                <tr key={t}>
                  <th scope="row">
                    <span className="notify-type">{NOTIFICATION_TYPE_LABELS[t].title}</span>
                    <span className="notify-hint">{NOTIFICATION_TYPE_LABELS[t].hint}</span>
                  </th>
                  {NOTIFICATION_MEDIA.map((m) => (
                    <td key={m} data-label={MEDIUM_LABELS[m]}>
                      <input
                        type="checkbox"
                        aria-label={`${NOTIFICATION_TYPE_LABELS[t].title}: ${MEDIUM_LABELS[m]}`}
                        checked={draft.types[t]?.[m] ?? false}
                        onChange={(event) =>
                          setDraft((d) => ({ ...d, types: { ...d.types, [t]: { ...d.types[t]!, [m]: event.target.checked } } }))
                        }
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="notify-email">
        <h2 id="notify-email">Email</h2>
        <fieldset className="radio-list">
          <legend className="visually-hidden">Email delivery</legend>
          {(Object.keys(DIGEST_LABELS) as EmailDigest[]).map((d) => (
            <label key={d}>
              <input
                type="radio"
                name="emailDigest"
                value={d}
                checked={draft.emailDigest === d}
                onChange={() => setDraft((x) => ({ ...x, emailDigest: d }))}
              />
              {DIGEST_LABELS[d]}
            </label>
          ))}
        </fieldset>
        <p className="field-hint">Emails link to the case and go to the address of your account.</p>
      </section>
      <section className="panel" aria-labelledby="notify-desktop">
        <h2 id="notify-desktop">Desktop</h2>
        <DesktopPermission />
      </section>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!changed}>
          Save settings
        </Button>
      </div>
    </form>
  );
}
