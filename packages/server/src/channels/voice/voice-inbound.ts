import type { InboundPayload } from '../../use-cases/receive-customer-message.ts';
import type { FormParams } from '../sms/twilio-signature.ts';

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

export const DEFAULT_GREETING = 'Thank you for calling. Your call has been logged and an agent will get back to you shortly.';

export function voiceFieldErrors(p: FormParams): { field: string; message: string }[] {
  return ['CallSid', 'From'].filter((k) => !one(p[k])).map((field) => ({ field, message: 'is required' }));
}

/** An incoming call: a phone case for the caller (a caller's still-open phone case continues). */
export function callPayload(p: FormParams): { providerId: string; payload: InboundPayload } {
  const sid = one(p.CallSid);
  const from = one(p.From);
  return {
    providerId: `call:${sid}`,
    payload: {
      kind: 'message',
      customer: { phone: from },
      replyTo: from,
      subject: `Call from ${from}`,
      body: `Incoming call from ${from}${one(p.To) ? ` to ${one(p.To)}` : ''} (${one(p.CallStatus) || 'ringing'}).`,
      lookup: [
        { kind: 'call', id: sid },
        { kind: 'caller', id: from, openOnly: true },
      ],
      register: [
        { kind: 'call', id: sid },
        { kind: 'caller', id: from },
      ],
      externalId: sid,
    },
  };
}

/** A call status callback (completed, duration, recording) as a note on the call's case. */
export function callStatusPayload(p: FormParams): { providerId: string; payload: InboundPayload } {
  const sid = one(p.CallSid);
  const status = one(p.CallStatus) || 'unknown';
  const parts = [`Call ${status}`];
  if (one(p.CallDuration)) parts.push(`duration ${one(p.CallDuration)} s`);
  if (one(p.RecordingUrl)) parts.push(`recording: ${one(p.RecordingUrl)}`);
  return {
    providerId: `call-status:${sid}:${status}:${one(p.RecordingUrl)}`,
    payload: {
      kind: 'note',
      customer: {},
      replyTo: null,
      subject: '',
      body: `${parts.join(' · ')}.`,
      lookup: [{ kind: 'call', id: sid }],
      register: [],
    },
  };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** TwiML that greets the caller. */
export function greetingTwiml(greeting: string): string {
  const text = greeting.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]!);
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${text}</Say></Response>`;
}

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
