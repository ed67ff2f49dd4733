import { useId, useState } from 'react';
import { api, randomKey } from '../../api/client';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useAdminAction } from '../admin/use-admin-action';
import { WEBHOOK_EVENTS, type WebhookEvent } from '@casework/domain';
import { WEBHOOK_EVENT_LABELS, channelKeys, isWebhookEvent, type Webhook } from './channel-api';

const MIN_SECRET = 8;

/** Subscribe a URL to case events, or change one; the signing secret is write-only. */
export function WebhookDialog({ webhook, onClose }: { webhook: Webhook | null; onClose: () => void }) {
  const { run, busy, fields } = useAdminAction([channelKeys.webhooks]);
  const [url, setUrl] = useState(webhook?.url ?? 'https://');
  const [events, setEvents] = useState<WebhookEvent[]>(webhook ? webhook.events.filter(isWebhookEvent) : [...WEBHOOK_EVENTS]);
  const [secret, setSecret] = useState('');
  const [changingSecret, setChangingSecret] = useState(!webhook?.hasSecret);
  const [active, setActive] = useState(webhook?.active ?? true);
  const id = useId();
  const secretTooShort = changingSecret && secret.length > 0 && secret.length < MIN_SECRET;
  const canSave = /^https?:\/\/.+/.test(url.trim()) && events.length > 0 && (!changingSecret || secret.length >= MIN_SECRET);

  async function save() {
    const body = { url: url.trim(), events, active };
    const saved = webhook
      ? await run(
          () => api.patch<'/webhooks/{id}'>(`/webhooks/${webhook.id}`, { ...body, ...(changingSecret && secret ? { secret } : {}) }),
          'Webhook saved',
        )
      : // A new webhook always has a secret: the form cannot be saved without one.
        await run(() => api.post<'/webhooks'>('/webhooks', { ...body, secret }), 'Webhook added');
    if (saved) onClose();
  }

  const error = (key: string) => (fields[key] ? <p className="field-error">{fields[key]}</p> : null);
  return (
    <Dialog
      title={webhook ? 'Edit webhook' : 'New webhook'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!canSave}>
          {webhook ? 'Save' : 'Add webhook'}
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-url`}>Payload URL</label>
        <input
          id={`${id}-url`}
          type="url"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          required
          spellCheck={false}
          aria-describedby={`${id}-url-hint`}
        />
        <p className="field-hint" id={`${id}-url-hint`}>
          Casework sends a JSON POST here for each event and retries with backoff until it answers 2xx.
        </p>
        {error('url')}
      </div>
      <fieldset className="fieldset">
        <legend>Events</legend>
        <div className="check-grid">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="check">
              <input
                type="checkbox"
                checked={events.includes(event)}
                onChange={(change) =>
                  setEvents((current) => (change.target.checked ? [...current, event] : current.filter((item) => item !== event)))
                }
              />
              <span>
                {WEBHOOK_EVENT_LABELS[event]} <code className="muted">{event}</code>
              </span>
            </label>
          ))}
        </div>
        {events.length === 0 ? <p className="field-error">Choose at least one event.</p> : null}
        {error('events')}
      </fieldset>
      {changingSecret ? (
        <div className="field">
          <label htmlFor={`${id}-secret`}>Signing secret</label>
          <div className="copy-row">
            <input
              id={`${id}-secret`}
              className="mono"
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              minLength={MIN_SECRET}
              required
              aria-invalid={secretTooShort || undefined}
              aria-describedby={`${id}-secret-hint`}
            />
            <Button onClick={() => setSecret(randomKey())}>Generate</Button>
            {webhook?.hasSecret ? (
              <Button
                onClick={() => {
                  setSecret('');
                  setChangingSecret(false);
                }}
              >
                Keep current
              </Button>
            ) : null}
          </div>
          <p className="field-hint" id={`${id}-secret-hint`}>
            At least {MIN_SECRET} characters. Requests carry <code>X-Casework-Signature: sha256=…</code> (HMAC-SHA256 of the body). Copy it
            now: it is never shown again.
          </p>
          {secretTooShort ? <p className="field-error">The secret needs at least {MIN_SECRET} characters.</p> : null}
          {error('secret')}
        </div>
      ) : (
        <fieldset className="field" aria-labelledby={`${id}-secret-label`}>
          <span className="field-label" id={`${id}-secret-label`}>
            Signing secret
          </span>
          <div className="secret-row">
            <span className="chip chip-ready">Set</span>
            <span className="muted">Stored encrypted; it is never shown again.</span>
            <Button size="sm" onClick={() => setChangingSecret(true)} aria-label="Change signing secret">
              Change
            </Button>
          </div>
        </fieldset>
      )}
      <label className="check">
        <input type="checkbox" checked={active} onChange={(event) => setActive(event.target.checked)} />
        Active (paused webhooks receive nothing)
      </label>
    </Dialog>
  );
}
