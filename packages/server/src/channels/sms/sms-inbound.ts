import type { InboundPayload } from '../../use-cases/receive-customer-message.ts';
import type { FormParams } from './twilio-signature.ts';

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

/** Field problems of a Twilio-style SMS webhook (MessageSid and From are required). */
export function smsFieldErrors(p: FormParams): { field: string; message: string }[] {
  return ['MessageSid', 'From'].filter((k) => !one(p[k])).map((field) => ({ field, message: 'is required' }));
}

/**
 * An inbound SMS as a customer message: the sender's number identifies the conversation (and the
 * customer); media attachments are listed by URL.
 */
export function smsPayload(p: FormParams): { providerId: string; payload: InboundPayload } {
  const from = one(p.From);
  const text = one(p.Body);
  const media: string[] = [];
  for (let i = 0; i < Math.min(10, Number(one(p.NumMedia)) || 0); i++) {
    const url = one(p[`MediaUrl${i}`]);
    if (url) media.push(`[Media: ${url}]`);
  }
  const body = [text, ...media].filter(Boolean).join('\n') || '(empty message)';
  return {
    providerId: `sms:${one(p.MessageSid)}`,
    payload: {
      kind: 'message',
      customer: { phone: from },
      replyTo: from,
      subject: `SMS from ${from}${text ? `: ${text.slice(0, 60)}` : ''}`,
      body,
      lookup: [{ kind: 'sender', id: from }],
      register: [{ kind: 'sender', id: from }],
      externalId: one(p.MessageSid),
    },
  };
}
