import type { Deps } from '../deps.ts';
import { EVENTS_CHANNEL, type LiveNotice } from '../outbox/notices.ts';
import { startChannelJobs } from './channel-jobs.ts';
import type { ChannelOptions } from '../channels/config.ts';
import { startSmtpListener } from '../channels/email/smtp-listener.ts';
import { WEBHOOK_EVENTS } from '../channels/outbound/webhooks.ts';
import { startMailFetch } from './mail-fetch.ts';

export type ChannelRuntime = { smtpPort: number | null; stop(): Promise<void> };

/**
 * Starts what channels need beyond HTTP: the inbound SMTP listener, IMAP fetch and the delivery workers.
 * Committed case events (from any process) wake the webhook sender at once, and notifications
 * with mail to send the notification mail sender.
 */
export async function startChannels(deps: Deps, opts: ChannelOptions): Promise<ChannelRuntime> {
  const smtp = opts.smtp
    ? await startSmtpListener(deps, opts, opts.smtp).catch((err: NodeJS.ErrnoException) => {
        // Several server processes on one host: one of them listens, the others still serve HTTP and run the queues.
        if (err.code !== 'EADDRINUSE') throw err;
        deps.log.warn(`SMTP port ${opts.smtp!.port} is in use: this process does not receive mail`);
        return null;
      })
    : null;
  if (smtp) deps.log.info(`Inbound mail (SMTP) on ${opts.smtp!.host}:${smtp.port}`);
  deps.outbound.smtpRelay = opts.smtpUrl;
  const jobs = startChannelJobs(deps, opts);
  deps.outbound.kickReplies = jobs.replies.kick;
  deps.outbound.kickWebhooks = jobs.webhooks.kick;
  const mailFetch = startMailFetch(deps, opts);
  deps.outbound.kickMailFetch = mailFetch.kick;
  deps.outbound.kickNotifications = jobs.notifications.kick;
  const unlisten = await deps.db.listen(
    EVENTS_CHANNEL,
    (payload) => {
      try {
        const n = JSON.parse(payload) as LiveNotice;
        if (n.types.some((t) => (WEBHOOK_EVENTS as readonly string[]).includes(t))) jobs.webhooks.kick();
        if (n.mail) jobs.notifications.kick();
      } catch {
        /* not ours to judge */
      }
    },
    () => jobs.webhooks.kick(),
  );
  let stopping: Promise<void> | null = null;
  return {
    smtpPort: smtp?.port ?? null,
    stop: () =>
      (stopping ??= (async () => {
        deps.outbound.kickReplies = () => {};
        deps.outbound.smtpRelay = undefined;
        deps.outbound.kickWebhooks = () => {};
        deps.outbound.kickMailFetch = () => {};
        deps.outbound.kickNotifications = () => {};
        await unlisten();
        await smtp?.close();
        await mailFetch.stop();
        await Promise.all([jobs.replies.stop(), jobs.webhooks.stop(), jobs.inbound.stop(), jobs.notifications.stop()]);
      })()),
  };
}
