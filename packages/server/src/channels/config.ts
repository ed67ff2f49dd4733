import { cachedResolver, type DnsResolver } from './email/mail-auth.ts';

/** Channel settings read from the environment (SPEC §8–§9); tests pass their own. */
export type ChannelOptions = {
  /** Inbound SMTP listener; null disables it. Port 0 picks a free port (tests). */
  smtp: { port: number; host: string } | null;
  /** Outbound relay for email replies (`CASEWORK_SMTP_URL`), e.g. smtp://127.0.0.1:2526. */
  smtpUrl: string | null;
  /** Largest accepted inbound mail, and the cap for keeping attachment bytes. */
  maxMailBytes: number;
  maxAttachmentBytes: number;
  /** Outbound retries: first delay, cap, and attempts before giving up. */
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  /** How often the workers look for due work (deliveries, retries). */
  pollMs: number;
  /** Timeout of one outbound HTTP call (webhooks, SMS provider). */
  httpTimeoutMs: number;
  /** IMAP fetch: how often a mailbox without IDLE is checked, and how often channels are looked for. */
  imapPollMs: number;
  imapScanMs: number;
  /** How long a server process holds a channel's mailbox without renewing (another takes over after). */
  imapLeaseMs: number;
  /** DNS for SPF, DKIM and DMARC checks of inbound mail (cached); tests give a local one. */
  dnsResolver: DnsResolver;
};

const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

/** Reads channel options; `CASEWORK_SMTP_PORT=0` disables the SMTP listener. */
export function readChannelOptions(env: NodeJS.ProcessEnv, host: string, overrides: Partial<ChannelOptions> = {}): ChannelOptions {
  const port = num(env.CASEWORK_SMTP_PORT, 2525);
  return {
    smtp: port === 0 ? null : { port, host },
    smtpUrl: env.CASEWORK_SMTP_URL || null,
    maxMailBytes: num(env.CASEWORK_MAX_MAIL_BYTES, 25 * 1024 * 1024),
    maxAttachmentBytes: num(env.CASEWORK_MAX_ATTACHMENT_BYTES, 5 * 1024 * 1024),
    retryBaseMs: num(env.CASEWORK_RETRY_BASE_MS, 10_000),
    retryMaxMs: num(env.CASEWORK_RETRY_MAX_MS, 3_600_000),
    maxAttempts: num(env.CASEWORK_RETRY_MAX_ATTEMPTS, 12),
    pollMs: num(env.CASEWORK_CHANNEL_POLL_MS, 2000),
    httpTimeoutMs: num(env.CASEWORK_HTTP_TIMEOUT_MS, 10_000),
    imapPollMs: num(env.CASEWORK_IMAP_POLL_MS, 30_000),
    imapScanMs: num(env.CASEWORK_IMAP_SCAN_MS, 10_000),
    imapLeaseMs: num(env.CASEWORK_IMAP_LEASE_MS, 60_000),
    dnsResolver: cachedResolver(),
    ...overrides,
  };
}

/** Exponential backoff: base × 2^(attempt−1), capped. */
export function backoffMs(opts: Pick<ChannelOptions, 'retryBaseMs' | 'retryMaxMs'>, attempt: number): number {
  return Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}
