/**
 * Mail that answers itself: loops, auto-replies, bounces, bulk mail and blocked senders (SPEC §13).
 * Pure rules over header facts and stored facts; the server reads headers and rows and asks here.
 */

/**
 * What kind of automatic mail an inbound mail is, if any (RFC 3834 and the headers mail systems
 * actually send): `bounce` a delivery status notification (RFC 3464), `auto_replied` an
 * out-of-office or autoresponder, `auto_generated` a system's notification, `bulk` list or
 * newsletter mail. `null`: a person wrote it.
 */
export const AUTOMATIC_KINDS = ['bounce', 'auto_replied', 'auto_generated', 'bulk'] as const;
export type AutomaticKind = (typeof AUTOMATIC_KINDS)[number];

/** The header facts classifyMail reads (values as received; missing headers are null). */
export type MailHeaderFacts = {
  autoSubmitted: string | null;
  precedence: string | null;
  /** `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress` present (autoresponders set them). */
  autoreplyHeader: boolean;
  /** `List-Id` or `List-Unsubscribe` present. */
  listHeader: boolean;
  /** The top-level Content-Type, e.g. `multipart/report; report-type=delivery-status`. */
  contentType: string | null;
  /** The sender's address (From), lower-case. */
  from: string | null;
};

/** Mail from these local parts with a report is a bounce even without the report-type parameter. */
const DAEMONS = /^(mailer-daemon|postmaster)@/i;

/**
 * Classifies an inbound mail from its headers: a DSN is a bounce; `Auto-Submitted: auto-replied`
 * (or an autoresponder's X- header, `Precedence: auto_reply`) an auto-reply; any other
 * Auto-Submitted value but `no` auto-generated; `Precedence: bulk|list|junk` or a mailing list's
 * headers bulk. Checked in that order: a bounce that also says auto-replied is still a bounce.
 */
export function classifyMail(h: MailHeaderFacts): AutomaticKind | null {
  const type = (h.contentType ?? '').toLowerCase();
  if (/^multipart\/report\b/.test(type) && (/report-type\s*=\s*"?delivery-status/.test(type) || DAEMONS.test(h.from ?? '')))
    return 'bounce';
  const submitted = (h.autoSubmitted ?? '').trim().toLowerCase().split(/[;\s]/)[0] ?? '';
  const precedence = (h.precedence ?? '').trim().toLowerCase();
  if (submitted === 'auto-replied' || h.autoreplyHeader || precedence === 'auto_reply') return 'auto_replied';
  if (submitted !== '' && submitted !== 'no') return 'auto_generated';
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk' || h.listHeader) return 'bulk';
  return null;
}

/** Automatic mail other than a bounce or an auto-reply still opens a case (a system may report a real problem). */
export function opensCase(kind: AutomaticKind | null): boolean {
  return kind !== 'bounce' && kind !== 'auto_replied';
}

export type BlockKind = 'email' | 'domain';
export type BlockEntry = { kind: BlockKind; value: string };

/** The domain part of an address, lower-case ('' when there is none). */
export const domainOfAddress = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** Normalises a blocklist value of its kind; null when it is not one (an address needs an @, a domain a dot and no @). */
export function normaliseBlockValue(kind: BlockKind, value: string): string | null {
  const v = value.trim().toLowerCase().replace(/^@/, '');
  if (v.length === 0 || v.length > 254 || /\s/.test(v)) return null;
  if (kind === 'email') return /^[^@]+@[^@]+\.[^@]+$/.test(v) ? v : null;
  return /^[^@]+\.[^@]+$/.test(v) && !v.startsWith('.') && !v.endsWith('.') ? v : null;
}

/** The entry that blocks this address, if any: the address itself, or its domain or a parent domain of it. */
export function blockedBy(address: string, entries: readonly BlockEntry[]): BlockEntry | null {
  const a = address.trim().toLowerCase();
  const domain = domainOfAddress(a);
  for (const e of entries) {
    if (e.kind === 'email' && e.value === a) return e;
    if (e.kind === 'domain' && (domain === e.value || domain.endsWith(`.${e.value}`))) return e;
  }
  return null;
}

/** The domains an address could be blocked by (its domain and each parent), for an indexed lookup. */
export function blockingDomains(address: string): string[] {
  const parts = domainOfAddress(address).split('.');
  const out: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) out.push(parts.slice(i).join('.'));
  return out;
}

/**
 * Whether an inbound mail becomes a spam case directly (SPEC §13), and why: its sender is blocked
 * (`blocked_sender`), or it failed DMARC and its domain asks receivers to reject such mail
 * (`dmarc_reject`). Null: an ordinary mail. A mail is never dropped for it.
 */
export function inboundSpamReason(f: {
  blocked: boolean;
  auth: { dmarc?: string | null; dmarcPolicy?: string | null } | null;
}): 'blocked_sender' | 'dmarc_reject' | null {
  if (f.blocked) return 'blocked_sender';
  const dmarc = (f.auth?.dmarc ?? '').trim().toLowerCase();
  const policy = (f.auth?.dmarcPolicy ?? '').trim().toLowerCase();
  return dmarc === 'fail' && policy === 'reject' ? 'dmarc_reject' : null;
}

/** The facts mayAutoMail weighs, read by the server. */
export type AutoMailFacts = {
  address: string | null;
  /** The organisation's own mailbox addresses (every email channel's). */
  ownAddresses: readonly string[];
  blocked: boolean;
  bounced: boolean;
  /** What kind of automatic mail the customer's last mail on the case was (null: a person's, or no case given). */
  lastInboundAutomatic: AutomaticKind | null;
  /** Whether the case the mail is about is spam (SPEC §13: nothing automatic answers spam). */
  caseIsSpam: boolean;
};

export type AutoMailRefusal = 'no_address' | 'own_address' | 'spam' | 'blocked' | 'bounced' | 'automatic_sender';

/**
 * May automatic mail (acknowledgement, survey, notification) go to this address? Never about a
 * spam case, never to an address of our own (a loop), a blocked one, one that bounced, or in answer to mail that was
 * itself automatic (SPEC §13: auto-submitted, bulk, bounces). Replies an agent writes are not
 * automatic and are not asked about.
 */
export function mayAutoMail(f: AutoMailFacts): { ok: true } | { ok: false; reason: AutoMailRefusal } {
  const a = f.address?.trim().toLowerCase() ?? '';
  if (!a.includes('@')) return { ok: false, reason: 'no_address' };
  if (f.ownAddresses.some((o) => o.toLowerCase() === a)) return { ok: false, reason: 'own_address' };
  if (f.caseIsSpam) return { ok: false, reason: 'spam' };
  if (f.blocked) return { ok: false, reason: 'blocked' };
  if (f.bounced) return { ok: false, reason: 'bounced' };
  if (f.lastInboundAutomatic !== null) return { ok: false, reason: 'automatic_sender' };
  return { ok: true };
}

/**
 * The per-sender hold: a sender who already sent `limit` mails to one mailbox within the window
 * is held (a loop between two autoresponders, a flood): the mail is kept, but opens no case and
 * draws no answer. A limit of 0 switches the hold off.
 */
export function senderHeld(recentFromSender: number, limit: number): boolean {
  return limit > 0 && recentFromSender >= limit;
}

/** A bounce's verdict on the address it reports: a permanent failure (5.x.x, Action: failed) marks it bounced. */
export function bounceIsPermanent(report: { action: string | null; status: string | null }): boolean {
  const action = (report.action ?? '').trim().toLowerCase();
  const status = (report.status ?? '').trim();
  if (action && action !== 'failed') return false;
  return status === '' ? action === 'failed' : status.startsWith('5');
}

/** At most this many addresses in a reply's Cc and Bcc together. */
export const MAX_COPIES = 20;

const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\.]+$/;

/** Whether a string is a plain mail address (local@domain.tld; no display name, no list). */
export const isMailAddress = (v: string): boolean => v.length <= 254 && ADDRESS.test(v);

/**
 * Reads a reply's copies (SPEC §13): each a plain address, lower-cased, duplicates and the
 * recipient dropped (an address in both Cc and Bcc stays in Cc), at most MAX_COPIES together.
 * A bad address is named by its field and position.
 */
export function readCopies(
  input: { cc?: readonly string[] | null; bcc?: readonly string[] | null },
  to: string | null,
): { ok: true; cc: string[]; bcc: string[] } | { ok: false; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const seen = new Set<string>(to ? [to.trim().toLowerCase()] : []);
  const read = (field: 'cc' | 'bcc', list: readonly string[] | null | undefined): string[] => {
    const out: string[] = [];
    (list ?? []).forEach((raw, i) => {
      const a = raw.trim().toLowerCase();
      if (!isMailAddress(a)) problems.push({ field: `${field}[${i}]`, message: 'is not an email address' });
      else if (!seen.has(a)) {
        seen.add(a);
        out.push(a);
      }
    });
    return out;
  };
  const cc = read('cc', input.cc);
  const bcc = read('bcc', input.bcc);
  if (cc.length + bcc.length > MAX_COPIES) problems.push({ field: 'cc', message: `at most ${MAX_COPIES} copies (Cc and Bcc together)` });
  return problems.length ? { ok: false, problems } : { ok: true, cc, bcc };
}
