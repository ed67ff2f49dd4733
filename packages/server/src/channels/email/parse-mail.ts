import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { InboundPayload } from '../../use-cases/receive-customer-message.ts';
import { capAttachments } from '../attachments.ts';
import { addressesOf, automaticKindOf, bounceReportOf } from './mail-facts.ts';

const REF_IN_SUBJECT = /\[#([A-HJ-NP-Z2-9]{6})\]/i;
const MAX_BODY = 100_000;

const firstAddress = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];
const ids = (v: string | string[] | undefined): string[] =>
  (v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/)).filter((x) => x.includes('@'));

/** Drops the quoted history a mail client appends under "On … wrote:" (agents already have it). */
function stripQuoted(text: string): string {
  const lines = text.split(/\r?\n/);
  const cut = lines.findIndex(
    (l, i) => i > 0 && (/^On .{4,300} wrote:\s*$/.test(l.trim()) || /^-{2,}\s*Original Message\s*-{2,}$/i.test(l.trim())),
  );
  const kept = cut > 0 ? lines.slice(0, cut) : lines;
  while (kept.length && (kept[kept.length - 1]!.trim() === '' || kept[kept.length - 1]!.startsWith('>'))) kept.pop();
  return kept.join('\n').trim();
}

/** Text of a mail: the plain part, else its HTML reduced to text (never rendered as HTML). */
function textOf(m: ParsedMail): string {
  if (m.text?.trim()) return m.text;
  if (typeof m.html === 'string') return htmlToText(m.html);
  return '';
}

/** A safe text rendering of HTML: scripts and styles dropped, tags removed, entities decoded. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The id of a mail without a Message-ID: made from where it was received (`arrival`: an IMAP
 * mailbox position, which is the same when the mail is fetched again; an SMTP transaction), never
 * from its bytes alone — two empty mails are two mails, not one mail received twice.
 */
export const arrivalMessageId = (arrival: string): string =>
  `<${createHash('sha256').update(arrival).digest('hex').slice(0, 32)}@casework.generated>`;

/**
 * Turns a raw RFC 5322 mail into a customer message: threads by In-Reply-To and References
 * (newest first), falls back to a `[#REF]` token in the subject, and keeps attachments within the cap.
 * `arrival` names where the mail was received (see arrivalMessageId): the id of a mail without one.
 */
export async function parseMail(
  raw: Buffer,
  maxAttachmentBytes: number,
  arrival: string,
): Promise<{ providerId: string; payload: InboundPayload; from: string | null }> {
  // cid: links are kept (not turned into data: URLs): they point at the stored attachment.
  const m = await simpleParser(raw, { skipHtmlToText: false, keepCidLinks: true });
  const from = firstAddress(m.from);
  const replyTo = firstAddress(m.replyTo);
  const messageId = m.messageId?.trim() || arrivalMessageId(arrival);
  const refs = ids(m.references);
  const lookupIds = [...ids(m.inReplyTo), ...[...refs].reverse()];
  const attachments = capAttachments(
    m.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, content: a.content, contentId: a.cid ?? null })),
    maxAttachmentBytes,
  );
  // Attachments are listed with the message (with download links), not written into its text.
  const text = stripQuoted(textOf(m)) || (attachments.length > 0 ? '' : '(empty message)');
  const subject = m.subject?.trim() || '(no subject)';
  const sender = from?.address?.trim().toLowerCase() || null;
  const automatic = automaticKindOf(m, sender);
  const bounce = automatic === 'bounce' ? bounceReportOf(m) : null;
  // A bounce names the returned mail's Message-ID: that finds the case (and the reply) it reports on.
  if (bounce?.originalMessageId) lookupIds.unshift(bounce.originalMessageId);
  return {
    providerId: messageId,
    from: from?.address ?? null,
    payload: {
      kind: 'message',
      customer: { name: from?.name || null, email: from?.address ?? null },
      replyTo: replyTo?.address ?? from?.address ?? null,
      subject:
        subject
          .replace(REF_IN_SUBJECT, '')
          .replace(/^(re|fwd?|aw):\s*/i, '')
          .trim() || subject,
      body: text.slice(0, MAX_BODY),
      html: typeof m.html === 'string' && m.html.trim() ? m.html : null,
      lookup: [...new Set(lookupIds)].map((id) => ({ kind: 'message_id', id })),
      reference: REF_IN_SUBJECT.exec(subject)?.[1]?.toUpperCase() ?? null,
      register: [{ kind: 'message_id', id: messageId }],
      externalId: messageId,
      refs,
      attachments,
      sender,
      automatic,
      cc: addressesOf(m.cc),
      ...(bounce ? { bounce } : {}),
    },
  };
}

/** A mail that cannot be parsed, kept as a message with the raw mail attached (never refused, never retried). */
export function unreadableMail(raw: Buffer, maxAttachmentBytes: number, arrival: string): Awaited<ReturnType<typeof parseMail>> {
  const id = arrivalMessageId(`unreadable:${arrival}`);
  const payload: InboundPayload = {
    kind: 'message',
    customer: { name: null, email: null },
    replyTo: null,
    subject: '(unreadable mail)',
    body: 'This mail could not be read; the original is attached.',
    lookup: [],
    register: [{ kind: 'message_id', id }],
    externalId: id,
    refs: [],
    attachments: capAttachments([{ filename: 'message.eml', contentType: 'message/rfc822', content: raw }], maxAttachmentBytes),
  };
  return { providerId: id, payload, from: null };
}
