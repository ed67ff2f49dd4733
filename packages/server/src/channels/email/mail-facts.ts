import type { AddressObject, ParsedMail } from 'mailparser';
import { classifyMail, type AutomaticKind } from '@casework/domain';

/** A bounce's report (RFC 3464): which of our mails, to whom, and what the receiving server said. */
export type BounceReport = {
  originalMessageId: string | null;
  recipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
};

const header = (m: ParsedMail, name: string): string | null => {
  const v = m.headers.get(name);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'string') {
    const o = v as { value: string; params?: Record<string, string> };
    return [o.value, ...Object.entries(o.params ?? {}).map(([k, p]) => `${k}=${p}`)].join('; ');
  }
  return String(v);
};

/** Every address of a To/Cc header, lower-case. */
export const addressesOf = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : [])
    .flatMap((o) => o.value)
    .flatMap((v) => (v.group ? v.group : [v]))
    .map((v) => v.address?.trim().toLowerCase() ?? '')
    .filter((x) => x.includes('@'));

/** What kind of automatic mail this is (the domain decides from the headers), null for a person's. */
export function automaticKindOf(m: ParsedMail, from: string | null): AutomaticKind | null {
  return classifyMail({
    autoSubmitted: header(m, 'auto-submitted'),
    precedence: header(m, 'precedence'),
    autoreplyHeader: m.headers.has('x-autoreply') || m.headers.has('x-autorespond') || m.headers.has('x-auto-response-suppress'),
    listHeader: m.headers.has('list-id') || m.headers.has('list-unsubscribe'),
    contentType: header(m, 'content-type'),
    from,
  });
}

const field = (text: string, name: string): string | null => {
  const r = new RegExp(`^${name}:[ \\t]*(.+)$`, 'im').exec(text);
  return r?.[1]?.trim() ?? null;
};

/**
 * Reads a delivery status notification: the per-recipient fields of its message/delivery-status
 * part (which the parser gives as text) and the Message-ID of the returned mail (from its
 * text/rfc822-headers or message/rfc822 part).
 */
export function bounceReportOf(m: ParsedMail): BounceReport {
  const text = m.text ?? '';
  const returned = m.attachments
    .filter((a) => /^(text\/rfc822-headers|message\/rfc822|message\/global)/i.test(a.contentType))
    .map((a) => a.content.subarray(0, 64 * 1024).toString('utf8'))
    .join('\n');
  const original =
    /^Message-ID:[ \t]*(<[^>\s]+>)/im.exec(returned)?.[1] ??
    /^Message-ID:[ \t]*(<[^>\s]+>)/im.exec(text.split(/^Final-Recipient:/im)[1] ?? '')?.[1] ??
    null;
  const recipient = field(text, 'Final-Recipient') ?? field(text, 'Original-Recipient');
  return {
    originalMessageId: original,
    recipient: recipient ? (recipient.split(';').pop() ?? '').trim().replace(/^<|>$/g, '').toLowerCase() || null : null,
    action: field(text, 'Action'),
    status: field(text, 'Status'),
    diagnostic:
      field(text, 'Diagnostic-Code')
        ?.replace(/^smtp;\s*/i, '')
        .slice(0, 500) ?? null,
  };
}
