import net from 'node:net';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Deps } from '../../deps.ts';
import { findCaseView, type CaseView } from '../../db/repos/case-views.ts';
import type { ChannelOptions } from '../config.ts';
import { channelSecrets, type ChannelRecord } from '../../db/repos/channels.ts';
import { registerConversation } from '../../db/repos/conversations.ts';
import { resolveTarget } from '../outbound/target-guard.ts';
import { PermanentDeliveryError, smtpRelayOf } from '../outbound/delivery.ts';
import { trustedCas } from '../imap/imap-connect.ts';
import { mailServerOf } from './mail-server-settings.ts';
import { withSignature } from './reply-html.ts';
import { mailAttachments } from './mail-attachments.ts';

/** "Re: <subject> [#REF]", without stacking "Re:" or repeating the reference. */
function replySubject(subject: string, reference: string): string {
  const base = subject.replace(/\s*\[#[A-Z0-9]{6}\]\s*/g, ' ').trim();
  const re = /^re:/i.test(base) ? base : `Re: ${base}`;
  return `${re} [#${reference}]`;
}

const domainOf = (address: string) => address.split('@')[1] ?? 'casework.local';

/**
 * Opens the relay connection to the address target-guard approved for the relay's host (resolved
 * and checked at every connection, then pinned); TLS and STARTTLS still verify the host name.
 */
export function guardedSmtpSocket(allow: readonly string[], timeoutMs: number): NonNullable<SMTPTransport.Options['getSocket']> {
  return (options, callback) => {
    const host = options.host ?? 'localhost';
    const port = Number(options.port) || (options.secure ? 465 : 587);
    resolveTarget(host, allow).then(
      (target) => {
        const socket = net.connect({ host: target.address, port, family: target.family });
        const fail = (err: Error) => {
          socket.destroy();
          callback(err, null as never);
        };
        socket.setTimeout(timeoutMs, () => fail(new Error(`no connection within ${timeoutMs} ms`)));
        socket.once('error', fail);
        socket.once('connect', () => {
          socket.setTimeout(0);
          socket.off('error', fail);
          callback(null, { connection: socket });
        });
      },
      (err: Error) => callback(err, null as never),
    );
  };
}

/**
 * The transport replies of this channel leave through: the channel's own submission server
 * (host, port, TLS / STARTTLS, login), else its relay URL, else the server's `CASEWORK_SMTP_URL`;
 * null when there is none. Admin-typed servers are guarded like every outbound target; the
 * operator's CASEWORK_SMTP_URL is trusted.
 */
export async function smtpTransportFor(
  deps: Deps,
  ch: ChannelRecord,
  timeoutMs: number,
): Promise<{ transport: Transporter<SMTPTransport.SentMessageInfo>; via: string } | null> {
  const secrets = await channelSecrets(deps.db.kysely, ch);
  const timeouts = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs };
  const tls = { ...(deps.config.mailCa ? { ca: trustedCas(deps.config.mailCa) } : {}), minVersion: 'TLSv1.2' as const };
  const guarded = { getSocket: guardedSmtpSocket(deps.config.outboundAllow, timeoutMs) };
  const own = mailServerOf('smtp', ch.settings);
  if (own) {
    const options: SMTPTransport.Options = {
      host: own.host.replace(/^\[|\]$/g, ''),
      port: own.port,
      secure: own.security === 'tls',
      requireTLS: own.security === 'starttls',
      ignoreTLS: own.security === 'none',
      ...(own.user ? { auth: { user: own.user, pass: secrets.smtpPassword ?? '' } } : {}),
      tls,
      ...timeouts,
      ...guarded,
    };
    return { transport: nodemailer.createTransport(options), via: `${own.host}:${own.port}` };
  }
  const relay = ch.settings.smtpUrl ?? smtpRelayOf(deps.outbound);
  if (!relay) return null;
  const auth = ch.settings.smtpUser ? { user: ch.settings.smtpUser, pass: secrets.smtpPassword ?? '' } : undefined;
  const transport = nodemailer.createTransport({
    url: relay,
    ...(auth ? { auth } : {}),
    tls,
    ...timeouts,
    ...(ch.settings.smtpUrl ? guarded : {}),
  } as SMTPTransport.Options);
  return { transport, via: ch.settings.smtpUrl ? 'the channel relay' : 'the server relay (CASEWORK_SMTP_URL)' };
}

/** The customer's last inbound mail on the case: what our mail answers (In-Reply-To, References). */
async function threadOf(deps: Deps, caseId: string): Promise<{ inReplyTo: string; references: string[] } | null> {
  const last = await deps.db.kysely
    .selectFrom('message_channel_refs')
    .select(['external_id', 'refs'])
    .where('case_id', '=', caseId)
    .where('direction', '=', 'inbound')
    .where('external_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last ? { inReplyTo: last.external_id!, references: [...new Set([...last.refs, last.external_id!])].slice(-20) } : null;
}

/** Sends one mail through the channel's transport (never left open). */
async function sendThrough(deps: Deps, opts: ChannelOptions, ch: ChannelRecord, mail: SendMailOptions): Promise<void> {
  const transport = await smtpTransportFor(deps, ch, opts.httpTimeoutMs);
  if (!transport) throw new PermanentDeliveryError('No SMTP relay configured (set CASEWORK_SMTP_URL)');
  try {
    await transport.transport.sendMail({ from: { name: ch.settings.fromName ?? ch.name, address: ch.address! }, ...mail });
  } finally {
    transport.transport.close();
  }
}

const requireRelay = (deps: Deps, ch: ChannelRecord) => {
  if (!mailServerOf('smtp', ch.settings) && !ch.settings.smtpUrl && !smtpRelayOf(deps.outbound))
    throw new PermanentDeliveryError('No SMTP relay configured (set CASEWORK_SMTP_URL)');
};

/**
 * Sends an agent's reply by SMTP: From the channel address, To the customer, threaded with
 * In-Reply-To/References of the customer's last message so mail clients keep the conversation.
 * Returns the Message-ID it used (registered so the customer's answer threads back).
 */
export async function sendEmailReply(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord & { customerAddress: string | null },
  caseId: string,
  messageId: string,
): Promise<string> {
  const db = deps.db.kysely;
  requireRelay(deps, ch);
  const c = await findCaseView(db, caseId);
  const msg = await db.selectFrom('messages').select(['body', 'html', 'cc', 'bcc']).where('id', '=', messageId).executeTakeFirst();
  if (!c || !msg) throw new PermanentDeliveryError('The case or the message is gone.');
  const to = ch.customerAddress ?? c.customer?.email;
  if (!to) throw new PermanentDeliveryError('The customer has no email address.');
  const thread = await threadOf(deps, caseId);
  const ownId = `<${messageId}@${domainOf(ch.address ?? 'casework.local')}>`;
  await db.transaction().execute(async (trx) => {
    await registerConversation(trx, ch.id, caseId, [{ kind: 'message_id', id: ownId }], deps.clock.now());
    await trx
      .insertInto('message_channel_refs')
      .values({
        message_id: messageId,
        case_id: caseId,
        channel_id: ch.id,
        external_id: ownId,
        refs: thread?.references ?? [],
        direction: 'outbound',
        created_at: deps.clock.now(),
      })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
  });
  await sendThrough(deps, opts, ch, {
    to,
    ...(msg.cc.length ? { cc: msg.cc } : {}),
    ...(msg.bcc.length ? { bcc: msg.bcc } : {}),
    // The first mail of a conversation an agent started is no reply: its subject as written.
    subject: thread
      ? replySubject(c.subject, c.reference)
      : `${c.subject.replace(/\s*\[#[A-Z0-9]{6}\]\s*/g, ' ').trim()} [#${c.reference}]`,
    ...withSignature(msg, ch.settings.signature),
    attachments: await mailAttachments(deps.db, messageId),
    messageId: ownId,
    ...(thread ? { inReplyTo: thread.inReplyTo, references: thread.references } : {}),
    headers: { 'X-Casework-Case': c.reference },
  });
  return ownId;
}

/**
 * Sends a case's satisfaction survey by mail (SPEC §12): From the channel address, threaded into
 * the conversation like a reply, marked `Auto-Submitted: auto-generated` (RFC 3834) so
 * auto-responders do not answer it, with a plain and an HTML part carrying the survey's link.
 * A customer's answer by mail threads back into the case. Returns the Message-ID it used.
 */
export async function sendSurveyMail(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord & { customerAddress: string | null },
  c: CaseView,
  survey: { id: string; link: string; organisation: string },
): Promise<string> {
  requireRelay(deps, ch);
  const to = ch.customerAddress ?? c.customer?.email;
  if (!to) throw new PermanentDeliveryError('The customer has no email address.');
  const thread = await threadOf(deps, c.id);
  const ownId = `<survey-${survey.id}@${domainOf(ch.address ?? 'casework.local')}>`;
  await deps.db.kysely.transaction().execute(async (trx) => {
    await registerConversation(trx, ch.id, c.id, [{ kind: 'message_id', id: ownId }], deps.clock.now());
  });
  const mail = surveyMailText(c.reference, survey.organisation, survey.link);
  await sendThrough(deps, opts, ch, {
    to,
    subject: `How did we do? [#${c.reference}]`,
    text: mail.text,
    html: mail.html,
    messageId: ownId,
    ...(thread ? { inReplyTo: thread.inReplyTo, references: thread.references } : {}),
    headers: { 'X-Casework-Case': c.reference, 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  });
  return ownId;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** The survey mail's words: one question, five links that open the page with those stars chosen. */
function surveyMailText(reference: string, organisation: string, link: string): { text: string; html: string } {
  const intro = `Your request ${reference} has been resolved. How would you rate the help you received from ${organisation}?`;
  const choices = [5, 4, 3, 2, 1].map((n) => ({ n, url: `${link}?stars=${n}`, label: `${'★'.repeat(n)}${'☆'.repeat(5 - n)}` }));
  const text = [
    intro,
    '',
    ...choices.map((c) => `${c.n} of 5: ${c.url}`),
    '',
    'Choose one; the page lets you add a comment before you send your rating.',
    '',
  ].join('\n');
  const html = `<p>${escapeHtml(intro)}</p><p>${choices
    .map((c) => `<a href="${escapeHtml(c.url)}" style="font-size:20px;color:#b45309;text-decoration:none">${c.label}</a>`)
    .join('<br>')}</p><p>Choose one; the page lets you add a comment before you send your rating.</p>`;
  return { text, html };
}
