import type { Deps } from '../deps.ts';
import type { ChannelOptions } from '../channels/config.ts';
import { deliverDueReplies } from '../channels/outbound/replies.ts';
import { deliverDueWebhooks } from '../channels/outbound/webhooks.ts';
import { retryDueInbound } from '../use-cases/receive-customer-message.ts';
import { deliverDueDigests, deliverDueNotificationMail } from '../channels/email/notification-mail.ts';

export type Worker = { kick(): void; stop(): Promise<void> };

/**
 * Runs a queue drain now, on every kick, and at least every poll interval; never two runs at
 * once in this process (other processes share the queue through SKIP LOCKED).
 */
function startWorker(deps: Deps, name: string, pollMs: number, drain: () => Promise<number>): Worker {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
        } while ((await drain()) > 0 && !stopped);
      } catch (err) {
        deps.log.error({ err }, `${name} failed`);
      }
    })().finally(() => {
      running = null;
      if (again) run();
    });
  };
  const timer = setInterval(run, pollMs);
  timer.unref();
  run();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The channel queues: replies out (email, SMS), webhooks out, inbound messages awaiting a retry,
 * and notification mail (single mails and due digests).
 */
export function startChannelJobs(
  deps: Deps,
  opts: ChannelOptions,
): { replies: Worker; webhooks: Worker; inbound: Worker; notifications: Worker } {
  return {
    notifications: startWorker(
      deps,
      'notification mail',
      opts.pollMs,
      async () => (await deliverDueNotificationMail(deps, opts)) + (await deliverDueDigests(deps, opts)),
    ),
    replies: startWorker(deps, 'reply delivery', opts.pollMs, () => deliverDueReplies(deps, opts)),
    webhooks: startWorker(deps, 'webhook delivery', opts.pollMs, () => deliverDueWebhooks(deps, opts)),
    inbound: startWorker(deps, 'inbound retry', Math.max(opts.pollMs, 5000), () => retryDueInbound(deps)),
  };
}
