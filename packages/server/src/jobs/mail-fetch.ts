import { hostname } from 'node:os';
import type { Deps } from '../deps.ts';
import { backoffMs, type ChannelOptions } from '../channels/config.ts';
import { randomToken } from '../ids.ts';
import { findChannel } from '../db/repos/channels.ts';
import { listFetchingChannels, recordFetchError, releaseFetchLease, takeFetchLease } from '../db/repos/mail-fetch.ts';
import { LeaseLost, runMailboxSession, type SessionControl } from '../channels/imap/imap-fetch.ts';
import { describeMailError } from '../channels/imap/imap-connect.ts';
import { mailServerOf } from '../channels/email/mail-server-settings.ts';

export type MailFetch = { kick(): void; stop(): Promise<void> };
type Fetcher = { version: string; control: SessionControl; done: Promise<void> };

const MAX_RETRY_MS = 5 * 60_000;

/** A wake-up that is not lost when it comes while nobody waits (new mail during a fetch). */
function newControl(): SessionControl {
  let waiter: (() => void) | null = null;
  let pending = false;
  const control: SessionControl = {
    stopped: false,
    wake() {
      // Stays pending even when a waiter takes it: the next wait then looks once more (cheap),
      // so a wake-up that raced with a timeout is never lost.
      pending = true;
      const w = waiter;
      waiter = null;
      w?.();
    },
    onWake(fn) {
      if (pending || control.stopped) {
        pending = false;
        fn();
      } else waiter = fn;
    },
  };
  return control;
}

const sleep = (control: SessionControl, ms: number) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    control.onWake(() => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Fetches mail for every active email channel with IMAP settings. Each channel's mailbox is
 * held by one server process at a time (a lease in channel_mail_fetch, renewed while fetching,
 * taken over by another process once it lapses); a channel whose settings change is reconnected.
 * Errors are recorded on the channel (its admin page shows them) and retried with backoff.
 */
export function startMailFetch(deps: Deps, opts: ChannelOptions): MailFetch {
  const owner = `${hostname()}:${process.pid}:${randomToken('', 6)}`;
  const fetchers = new Map<string, Fetcher>();
  let stopped = false;

  const runChannel = async (channelId: string, control: SessionControl): Promise<void> => {
    let failures = 0;
    while (!control.stopped) {
      const state = await takeFetchLease(deps.db.kysely, channelId, owner, deps.clock.now(), opts.imapLeaseMs).catch(() => undefined);
      if (!state) {
        await sleep(control, opts.imapScanMs);
        continue;
      }
      try {
        await runMailboxSession(deps, opts, channelId, owner, state, control);
        failures = 0;
      } catch (err) {
        if (!(err instanceof LeaseLost)) {
          failures++;
          const ch = await findChannel(deps.db.kysely, channelId).catch(() => undefined);
          const server = ch && mailServerOf('imap', ch.settings);
          const message = server ? describeMailError(err, server) : String((err as Error).message);
          deps.log.warn({ channelId, err: message }, 'mail fetch failed');
          await recordFetchError(deps.db.kysely, channelId, message, deps.clock.now()).catch(() => undefined);
        }
      }
      await releaseFetchLease(deps.db.kysely, channelId, owner).catch(() => undefined);
      if (!control.stopped && failures > 0) await sleep(control, Math.min(MAX_RETRY_MS, backoffMs(opts, failures)));
    }
  };

  const stopFetcher = async (id: string) => {
    const f = fetchers.get(id);
    if (!f) return;
    fetchers.delete(id);
    f.control.stopped = true;
    f.control.wake();
    await f.done;
  };

  const scan = async () => {
    const channels = await listFetchingChannels(deps.db.kysely);
    const wanted = new Map(channels.map((c) => [c.id, c.updatedAt]));
    for (const [id, f] of fetchers) if (wanted.get(id) !== f.version) await stopFetcher(id);
    for (const [id, version] of wanted) {
      if (fetchers.has(id) || stopped) continue;
      const control = newControl();
      const done = runChannel(id, control).catch((err) => deps.log.error({ err, channelId: id }, 'mail fetch stopped'));
      fetchers.set(id, { version, control, done });
    }
  };

  let scanning: Promise<void> = Promise.resolve();
  const tick = () => {
    scanning = scanning.then(() => (stopped ? undefined : scan().catch((err) => deps.log.error({ err }, 'mail fetch scan failed'))));
  };
  const timer = setInterval(tick, opts.imapScanMs);
  timer.unref();
  tick();
  return {
    kick: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await scanning;
      await Promise.all([...fetchers.keys()].map(stopFetcher));
    },
  };
}
