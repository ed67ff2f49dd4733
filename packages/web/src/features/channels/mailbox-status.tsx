import { useMutation } from '@tanstack/react-query';
import { api, type Answer } from '../../api/client';
import { useTimeZone } from '../../api/queries';
import { Button } from '../../components/button';
import { formatDateTime } from '../../lib/time';
import type { Channel } from './channel-api';

type TestResult = Answer<'/channels/{id}/test-connection', 'post'>;
type Server = { host: string; port: number; security: string; user?: string | null; folder?: string };

const SECURITY_LABEL: Record<string, string> = { tls: 'TLS', starttls: 'STARTTLS', none: 'no encryption' };

function server(value: unknown): Server | null {
  return value && typeof value === 'object' && 'host' in value ? (value as Server) : null;
}

/**
 * An email channel's mail servers on its card: where mail is fetched from and how fetching
 * stands (last successful check, last error), where replies leave, and a Test connection button
 * that tries both with the saved settings.
 */
export function MailboxStatus({ channel }: { channel: Channel }) {
  const timeZone = useTimeZone();
  const imap = server(channel.settings.imap);
  const smtp = server(channel.settings.smtp);
  const fetch = channel.mailFetch ?? null;
  const test = useMutation({
    mutationFn: () => api.post<'/channels/{id}/test-connection'>(`/channels/${channel.id}/test-connection`),
  });
  const statusId = `channel-${channel.id}-mail-test`;
  return (
    <div className="mailbox-status">
      <dl className="channel-meta">
        <div>
          <dt>Incoming</dt>
          <dd>
            {imap ? (
              <>
                <span className="mono">
                  {imap.host}:{imap.port}
                </span>{' '}
                · {imap.folder ?? 'INBOX'} · {SECURITY_LABEL[imap.security] ?? imap.security}
              </>
            ) : (
              <span className="muted">Built-in SMTP listener (no mailbox to fetch)</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Outgoing</dt>
          <dd>
            {smtp ? (
              <>
                <span className="mono">
                  {smtp.host}:{smtp.port}
                </span>{' '}
                · {SECURITY_LABEL[smtp.security] ?? smtp.security}
              </>
            ) : typeof channel.settings.smtpUrl === 'string' ? (
              <span className="mono">{channel.settings.smtpUrl}</span>
            ) : channel.canDeliver ? (
              <span className="muted">The server's relay</span>
            ) : (
              <span className="muted">Not configured</span>
            )}
          </dd>
        </div>
      </dl>
      {imap && fetch ? (
        <div className={`mailbox-fetch${fetch.lastError ? ' has-error' : ''}`} role={fetch.lastError ? 'alert' : undefined}>
          {fetch.lastError ? (
            <p>
              <strong>Cannot fetch mail.</strong> {fetch.lastError}
              {fetch.lastErrorAt ? <span className="muted"> ({formatDateTime(fetch.lastErrorAt, timeZone)})</span> : null}
            </p>
          ) : null}
          <p className="muted">
            {fetch.lastSuccessAt ? `Last successful check ${formatDateTime(fetch.lastSuccessAt, timeZone)}` : 'No successful check yet'}
            {fetch.fetchedCount ? ` · ${fetch.fetchedCount} mail${fetch.fetchedCount === 1 ? '' : 's'} taken` : ''}
          </p>
        </div>
      ) : null}
      <div className="mailbox-test">
        <Button size="sm" onClick={() => test.mutate()} disabled={test.isPending} aria-describedby={statusId}>
          {test.isPending ? 'Testing…' : 'Test connection'}
        </Button>
        <div id={statusId} role="status" aria-live="polite" className="mailbox-test-result">
          {test.isPending ? <span className="muted">Connecting to the mail servers…</span> : null}
          {test.isError ? <span className="text-bad">The test could not run: {(test.error as Error).message}</span> : null}
          {test.data ? <TestLines result={test.data} /> : null}
        </div>
      </div>
    </div>
  );
}

function TestLines({ result }: { result: TestResult }) {
  const lines = [
    ['Incoming (IMAP)', result.imap],
    ['Outgoing (SMTP)', result.smtp],
  ] as const;
  return (
    <ul className="mailbox-test-lines">
      {lines.map(([label, check]) =>
        check ? (
          <li key={label} className={check.ok ? 'text-ok' : 'text-bad'}>
            <span aria-hidden="true">{check.ok ? '✓' : '✕'}</span> <strong>{label}:</strong> <span className="break">{check.message}</span>
          </li>
        ) : null,
      )}
    </ul>
  );
}
