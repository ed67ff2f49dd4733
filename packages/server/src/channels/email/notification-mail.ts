import nodemailer from 'nodemailer';
import { deliverableTo, nextDigestAt, notificationSummary, type NotificationType } from '@casework/domain';
import type { Deps } from '../../deps.ts';
import type { ChannelOptions } from '../config.ts';
import { backoffMs } from '../config.ts';
import { smtpRelayOf } from '../outbound/delivery.ts';
import { inTransaction } from '../../outbox/outbox.ts';
import {
  claimDueDigests,
  claimDueMails,
  findRecipients,
  notifiedCase,
  settleDigest,
  settleMail,
  waitingForDigest,
  type MailNotification,
} from '../../db/repos/notifications.ts';
import { visibleTo } from '../../db/sql-rules.ts';

/** How long a claimed mail or digest stays this process's: far longer than one send may take. */
const leaseMs = (opts: Pick<ChannelOptions, 'httpTimeoutMs'>) => Math.max(60_000, 4 * opts.httpTimeoutMs);

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The app's address as users open it (CASEWORK_PUBLIC_URL; else where this server listens). */
function appUrl(deps: Pick<Deps, 'config'>): string {
  const c = deps.config;
  if (c.publicUrl) return c.publicUrl.replace(/\/+$/, '');
  const host = c.host === '0.0.0.0' || c.host === '::' ? 'localhost' : c.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${c.port}`;
}

/** Who notification mail comes from: CASEWORK_NOTIFY_FROM, else notifications@ the app's host. */
function sender(deps: Pick<Deps, 'config'>): { name: string; address: string } {
  const own = process.env.CASEWORK_NOTIFY_FROM;
  if (own) return { name: 'Casework', address: own };
  let host = 'casework.local';
  try {
    const h = new URL(appUrl(deps)).hostname;
    if (h.includes('.') && !/^[\d.]+$/.test(h)) host = h;
  } catch {
    /* keep the default */
  }
  return { name: 'Casework', address: `notifications@${host}` };
}

const summaryOf = (m: MailNotification) =>
  notificationSummary(m.type as NotificationType, {
    actorName: m.actorName,
    reference: m.reference,
    subject: m.subject,
    customerName: m.customerName,
  });

type Composed = { subject: string; text: string; html: string };

/** One notification's mail: what happened, a link to the case, where to change the settings. */
export function composeNotificationMail(base: string, m: MailNotification): Composed {
  const summary = summaryOf(m);
  const link = `${base}/cases/${m.caseId}`;
  const settings = `${base}/settings/notifications`;
  return {
    subject: summary,
    text: `${summary}\n\nOpen the case: ${link}\n\n--\nYou get this mail because of your Casework notification settings: ${settings}\n`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1d2330">
<p style="font-size:15px">${escapeHtml(summary)}</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:8px 14px;border-radius:8px;background:#2459d6;color:#fff;text-decoration:none">Open case #${escapeHtml(m.reference)}</a></p>
<p style="color:#5e6776;font-size:12px">You get this mail because of your <a href="${escapeHtml(settings)}">Casework notification settings</a>.</p>
</body></html>`,
  };
}

/** A digest: every waiting notification, each with its link. */
export function composeDigestMail(base: string, items: MailNotification[]): Composed {
  const settings = `${base}/settings/notifications`;
  const lines = items.map((m) => ({ summary: summaryOf(m), link: `${base}/cases/${m.caseId}` }));
  const subject = items.length === 1 ? lines[0]!.summary : `${items.length} Casework notifications`;
  return {
    subject,
    text: `${lines.map((l) => `- ${l.summary}\n  ${l.link}`).join('\n')}\n\n--\nYour Casework digest. Change how often it comes: ${settings}\n`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1d2330">
<h1 style="font-size:17px">Your Casework digest</h1>
<ul style="padding-left:18px">${lines
      .map((l) => `<li style="margin:0 0 8px"><a href="${escapeHtml(l.link)}">${escapeHtml(l.summary)}</a></li>`)
      .join('')}</ul>
<p style="color:#5e6776;font-size:12px">Change how often it comes in your <a href="${escapeHtml(settings)}">Casework notification settings</a>.</p>
</body></html>`,
  };
}

async function send(deps: Deps, opts: ChannelOptions, relay: string, to: string, mail: Composed): Promise<void> {
  // The operator's CASEWORK_SMTP_URL is trusted (as for replies through it).
  const transport = nodemailer.createTransport({
    url: relay,
    connectionTimeout: opts.httpTimeoutMs,
    greetingTimeout: opts.httpTimeoutMs,
    socketTimeout: opts.httpTimeoutMs,
  });
  try {
    await transport.sendMail({
      from: sender(deps),
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // RFC 3834: no out-of-office or other automatic answers to this.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    });
  } finally {
    transport.close();
  }
}

/**
 * Sends due notification mails, one per notification. Each is checked again before it goes: the
 * user must still be active, may still see the case (canView) and still want mail for its type;
 * otherwise it is skipped. Without a relay (no CASEWORK_SMTP_URL) mails are skipped.
 */
export async function deliverDueNotificationMail(deps: Deps, opts: ChannelOptions, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const due = await claimDueMails(deps.db.kysely, now, leaseMs(opts), limit);
  const relay = smtpRelayOf(deps.outbound);
  const base = appUrl(deps);
  for (const m of due) {
    const users = await findRecipients(deps.db.kysely, [m.userId]);
    const user = users.get(m.userId);
    const c = await notifiedCase(deps.db.kysely, m.caseId);
    const media = user && c ? deliverableTo(user, user.settings, c, m.type) : null;
    if (!relay || !user || !media?.email) {
      await settleMail(deps.db.kysely, m, { status: 'skipped' });
      continue;
    }
    try {
      await send(deps, opts, relay, user.email, composeNotificationMail(base, m));
      await settleMail(deps.db.kysely, m, { status: 'sent' });
    } catch (err) {
      const giveUp = m.attempts >= opts.maxAttempts;
      deps.log.warn({ err: (err as Error).message, notificationId: m.id, attempt: m.attempts }, 'notification mail failed');
      await settleMail(
        deps.db.kysely,
        m,
        giveUp ? { status: 'skipped' } : { retryAt: new Date(deps.clock.now().getTime() + backoffMs(opts, m.attempts)) },
      );
    }
  }
  return due.length;
}

/**
 * Sends the digests that are due: per user one mail with every notification that waited for it
 * and whose case they may still see (the others are skipped). Claimed with SKIP LOCKED and a
 * lease, so one process sends each digest.
 */
export async function deliverDueDigests(deps: Deps, opts: ChannelOptions, limit = 10): Promise<number> {
  const now = deps.clock.now();
  const due = await claimDueDigests(deps.db.kysely, now, leaseMs(opts), limit);
  const relay = smtpRelayOf(deps.outbound);
  const base = appUrl(deps);
  for (const d of due) {
    const user = (await findRecipients(deps.db.kysely, [d.userId])).get(d.userId);
    const waiting = user ? await waitingForDigest(deps.db.kysely, d.userId, now, visibleTo(user)) : [];
    const visible = waiting.filter((w) => w.visible && user?.settings.types[w.type].email);
    const skipped = waiting.filter((w) => !visible.includes(w)).map((w) => w.id);
    const digest = user?.settings.emailDigest;
    const nextDueAt = digest && digest !== 'off' && user ? nextDigestAt(digest, now, user.timeZone) : now;
    try {
      if (visible.length && relay && user) await send(deps, opts, relay, user.email, composeDigestMail(base, visible));
      const sent = relay ? visible.map((v) => v.id) : [];
      await inTransaction(deps, (trx) =>
        settleDigest(trx, d, { sent, skipped: relay ? skipped : [...skipped, ...visible.map((v) => v.id)], nextDueAt }),
      );
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, userId: d.userId, attempt: d.attempts }, 'notification digest failed');
      await inTransaction(deps, (trx) =>
        settleDigest(trx, d, { retryAt: new Date(deps.clock.now().getTime() + backoffMs(opts, d.attempts)) }),
      );
    }
  }
  return due.length;
}
