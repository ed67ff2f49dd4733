import type { CaseType } from './types.ts';

/** Where an outbound message (reply by email, SMS or chat) stands (SPEC §15). */
export const DELIVERY_STATES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** What decides whether a case's channel can carry a reply at all (no I/O: the caller gathers it). */
export type DeliveryRoute = {
  /** The case's channel, or null when the case did not come in through one. */
  channel: { type: CaseType; settings: Record<string, string>; secretNames: readonly string[] } | null;
  /** The server-wide outbound mail relay (`CASEWORK_SMTP_URL`), if any. */
  smtpRelay: string | null;
};

/** Chat replies reach the customer through the open chat itself, not through a provider. */
export const CHAT_CHANNELS: readonly CaseType[] = ['web_connect', 'support_sdk'];

/**
 * Why a reply through this route can never reach the customer, or null if it can. A reply that
 * cannot be delivered fails at once with this reason instead of being retried forever, and the
 * reply box and the channel's admin page show it before anyone writes.
 */
export function deliveryProblem(r: DeliveryRoute): string | null {
  const ch = r.channel;
  if (!ch) return 'This case did not come in through a channel, so there is no address to send a reply to.';
  if (CHAT_CHANNELS.includes(ch.type)) return null;
  if (ch.type === 'email') {
    return ch.settings.smtpHost || ch.settings.smtpUrl || r.smtpRelay
      ? null
      : 'No outgoing mail server is configured: set an SMTP server on this channel or CASEWORK_SMTP_URL on the server.';
  }
  if (ch.type === 'sms') {
    return ch.settings.accountSid && ch.secretNames.includes('authToken')
      ? null
      : 'No SMS provider account is configured: set the account SID and auth token on this channel.';
  }
  if (ch.type === 'phone') return 'Phone calls cannot carry written replies: call the customer back.';
  return 'This channel cannot carry written replies.';
}

/**
 * After a failed attempt: a permanent error (the provider refused the message, the customer has
 * no address) or the last allowed attempt fails the delivery; anything else is tried again later.
 */
export function afterFailedAttempt(attempts: number, maxAttempts: number, permanent: boolean): Extract<DeliveryState, 'queued' | 'failed'> {
  return permanent || attempts >= maxAttempts ? 'failed' : 'queued';
}
