import type { InboundPayload } from '../../use-cases/receive-customer-message.ts';
import type { FormParams } from './twilio-signature.ts';

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

/** Field problems of a Twilio-style SMS webhook (MessageSid and From are required). */
export function smsFieldErrors(p: FormParams): { field: string; message: string }[] {
  return ['MessageSid', 'From'].filter((k) => !one(p[k])).map((field) => ({ field, message: 'is required' }));
}

/** The MMS media of an inbound message (Twilio's NumMedia, MediaUrl0…, MediaContentType0…), at most 10. */
export function smsMedia(p: FormParams): { url: string; contentType: string }[] {
  const media: { url: string; contentType: string }[] = [];
  for (let i = 0; i < Math.min(10, Number(one(p.NumMedia)) || 0); i++) {
    const url = one(p[`MediaUrl${i}`]);
    if (/^https?:\/\//i.test(url)) media.push({ url, contentType: one(p[`MediaContentType${i}`]) || 'application/octet-stream' });
  }
  return media;
}

/**
 * An inbound SMS as a customer message: the sender's number identifies the conversation (and the
 * customer). Its media become attachments (channels/sms/sms-media.ts fetches them); `mediaLines`
 * names those that could not be fetched, so the message still says they were sent.
 */
export function smsPayload(p: FormParams, mediaLines: string[] = []): { providerId: string; payload: InboundPayload } {
  const from = one(p.From);
  const text = one(p.Body);
  const body = [text, ...mediaLines].filter(Boolean).join('\n') || (smsMedia(p).length ? '' : '(empty message)');
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
