import { readFileSync } from 'node:fs';
import { DEMO_OUTBOUND_ALLOW, outboundAllowList } from './channels/outbound/target-guard.ts';

/** Runtime settings, read once from the environment (SPEC §8). */
export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  publicUrl: string | null;
  demo: boolean;
  adminEmail: string | null;
  adminPassword: string | null;
  sessionDays: number;
  /** Requests per minute per session, token or address. */
  rateLimit: number;
  loginRateLimit: number;
  timerIntervalMs: number;
  webDist: string | null;
  /** The built chat widget served at /widget.js (`CASEWORK_WIDGET_FILE`; default packages/widget/dist/widget.js). */
  widgetFile: string | null;
  logLevel: string;
  secureCookies: boolean;
  /**
   * How long an unfinished Idempotency-Key reservation stays its request's (at most 60 s; a
   * running request renews it). After that a repeat with the key takes it over and runs.
   */
  idempotencyLeaseMs: number;
  /** How long a repeat waits for the first request with its key to finish before 409. */
  idempotencyWaitMs: number;
  /**
   * Hosts, addresses and CIDR ranges that admin-configured outbound targets (webhooks, SMS
   * provider, a channel's SMTP relay) may reach although internal (`CASEWORK_OUTBOUND_ALLOW`;
   * the demo defaults to loopback). See channels/outbound/target-guard.ts.
   */
  outboundAllow: string[];
  /**
   * Extra certificate authorities (PEM) trusted for channels' IMAP and SMTP servers besides the
   * system's (`CASEWORK_MAIL_CA_FILE`): a company's own CA, or a test server's self-signed certificate.
   */
  mailCa: string | null;
  /** Behind a reverse proxy (`CASEWORK_TRUST_PROXY=1`): the client address comes from X-Forwarded-For. */
  trustProxy: boolean;
  /**
   * `CASEWORK_METRICS_TOKEN`: /metrics answers only to `Authorization: Bearer <it>`; unset, only
   * to loopback clients that did not come through a proxy.
   */
  metricsToken: string | null;
  /** The From of account mails (invitations, password resets): `CASEWORK_MAIL_FROM`. */
  mailFrom: string;
  /** Password reset requests per hour: per address, and per client address. */
  passwordResetRateLimit: number;
  passwordResetIpRateLimit: number;
  /**
   * After SIGTERM, how long `/readyz` answers 503 while requests are still served, so a load
   * balancer stops sending new ones (`CASEWORK_SHUTDOWN_DELAY_MS`; it ends early after a second
   * without a request other than /readyz).
   */
  shutdownDelayMs: number;
  /** After the delay, how long in-flight requests may take before their connections are cut (`CASEWORK_SHUTDOWN_TIMEOUT_MS`). */
  shutdownTimeoutMs: number;
  /**
   * Bytes a live stream may have waiting to be sent before its client counts as not reading and is
   * dropped (`CASEWORK_LIVE_BUFFER_BYTES`): it resumes with Last-Event-ID when it reads again.
   */
  liveBufferBytes: number;
  /**
   * How often (ms) each process checks the history for case events committed but never announced
   * (their writer stopped between commit and announcement), on PostgreSQL (`CASEWORK_LIVE_SWEEP_MS`;
   * 0: never). Such an event reaches the streams within about two checks.
   */
  liveSweepMs: number;
  /**
   * How far the JavaScript heap may grow past what a full collection left live before the next
   * one, in percent (`CASEWORK_HEAP_GROWTH_PERCENT`, default 50; 0: V8's own policy, which lets a
   * busy process grow to several times its live heap). Applied by `serve` (heapFlags).
   */
  heapGrowthPercent: number;
};

export function readConfig(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
  const config: Config = {
    port: num(env.PORT, 3000),
    host: env.HOST ?? '127.0.0.1',
    dataDir: env.CASEWORK_DATA_DIR ?? './data',
    databaseUrl: env.DATABASE_URL || null,
    publicUrl: env.CASEWORK_PUBLIC_URL || null,
    demo: env.CASEWORK_DEMO === '1',
    adminEmail: env.CASEWORK_ADMIN_EMAIL || null,
    adminPassword: env.CASEWORK_ADMIN_PASSWORD || null,
    sessionDays: num(env.CASEWORK_SESSION_DAYS, 7),
    rateLimit: num(env.CASEWORK_RATE_LIMIT, 3000),
    loginRateLimit: num(env.CASEWORK_LOGIN_RATE_LIMIT, 10),
    timerIntervalMs: num(env.CASEWORK_TIMER_INTERVAL_MS, 5000),
    webDist: env.CASEWORK_WEB_DIST ?? null,
    widgetFile: env.CASEWORK_WIDGET_FILE ?? null,
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.CASEWORK_SECURE_COOKIES === '1',
    idempotencyLeaseMs: Math.min(60_000, num(env.CASEWORK_IDEMPOTENCY_LEASE_MS, 30_000)),
    idempotencyWaitMs: num(env.CASEWORK_IDEMPOTENCY_WAIT_MS, 5000),
    outboundAllow: [],
    mailCa: env.CASEWORK_MAIL_CA_FILE ? readFileSync(env.CASEWORK_MAIL_CA_FILE, 'utf8') : null,
    trustProxy: env.CASEWORK_TRUST_PROXY === '1',
    metricsToken: env.CASEWORK_METRICS_TOKEN || null,
    mailFrom: env.CASEWORK_MAIL_FROM || 'Casework <no-reply@casework.invalid>',
    passwordResetRateLimit: num(env.CASEWORK_PASSWORD_RESET_RATE_LIMIT, 5),
    passwordResetIpRateLimit: num(env.CASEWORK_PASSWORD_RESET_IP_RATE_LIMIT, 30),
    shutdownDelayMs: num(env.CASEWORK_SHUTDOWN_DELAY_MS, 5000),
    shutdownTimeoutMs: num(env.CASEWORK_SHUTDOWN_TIMEOUT_MS, 25_000),
    liveBufferBytes: num(env.CASEWORK_LIVE_BUFFER_BYTES, 256 * 1024),
    liveSweepMs: num(env.CASEWORK_LIVE_SWEEP_MS, 1000),
    heapGrowthPercent: num(env.CASEWORK_HEAP_GROWTH_PERCENT, 50),
    ...overrides,
  };
  if (!overrides.outboundAllow)
    config.outboundAllow = outboundAllowList(env.CASEWORK_OUTBOUND_ALLOW ?? (config.demo ? DEMO_OUTBOUND_ALLOW : ''));
  return config;
}

/**
 * The V8 flags that apply `heapGrowthPercent`. A steady stream of short-lived objects that outlive
 * young-generation collections (a million rows of an export, parsed by the database driver) would
 * otherwise fill the old generation to V8's limit, several times the live heap, before each full
 * collection: +200–250 MB of RSS for such an export (docs/PERFORMANCE.md).
 */
export function heapFlags(config: Pick<Config, 'heapGrowthPercent'>): string[] {
  const percent = Math.round(config.heapGrowthPercent);
  return percent > 0 && percent <= 1000 ? [`--heap-growing-percent=${percent}`] : [];
}
