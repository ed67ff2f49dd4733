import nodemailer from 'nodemailer';
import type { Deps } from '../../deps.ts';
import { smtpRelayOf } from '../outbound/delivery.ts';

/** An account mail (invitation, password reset): plain text and HTML parts. */
export type AccountMail = { to: string; subject: string; text: string; html: string };

/** No relay is configured, so account mails cannot be sent (answered 503 where someone waits). */
export class MailUnavailable extends Error {}

/** Whether account mails can be sent at all (the operator set CASEWORK_SMTP_URL). */
export const accountMailRelay = (deps: Pick<Deps, 'outbound'>): string | null => smtpRelayOf(deps.outbound);

/**
 * Sends an account mail through the operator's relay (`CASEWORK_SMTP_URL`, trusted like the reply
 * sender's), From `CASEWORK_MAIL_FROM`. Throws MailUnavailable without a relay, or the relay's error.
 */
export async function sendAccountMail(deps: Pick<Deps, 'outbound' | 'config'>, mail: AccountMail, timeoutMs = 10_000): Promise<void> {
  const relay = accountMailRelay(deps);
  if (!relay) throw new MailUnavailable('No SMTP relay is configured (set CASEWORK_SMTP_URL).');
  const transport = nodemailer.createTransport({
    url: relay,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({ from: deps.config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  } finally {
    transport.close();
  }
}
