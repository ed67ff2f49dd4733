import path from 'node:path';
import v8 from 'node:v8';
import pino from 'pino';
import { openControlSocket } from './ops/backup.ts';
import { heapFlags, readConfig, type Config } from './config.ts';
import { openFromEnv } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { countUsers, createAdmin, ensureBaseline } from './db/bootstrap.ts';
import { systemClock } from './clock.ts';
import { LiveHub } from './realtime/hub.ts';
import { Presence } from './realtime/presence.ts';
import { buildApp } from './app.ts';
import { startTimers } from './jobs/timers.ts';
import { analyzeNeverAnalyzed, startMaintenance } from './jobs/maintenance.ts';
import { loadDemo } from './demo/load-demo.ts';
import type { Deps } from './deps.ts';
import { startChannels } from './jobs/channel-runtime.ts';
import { readChannelOptions } from './channels/config.ts';
import { pointDemoChannelsAt, seedDemoChannels } from './demo/demo-channels.ts';
import { DemoOutbox } from './demo/demo-outbox.ts';
import { Announcer } from './realtime/announcer.ts';
import { IdentityCache } from './auth/identity-cache.ts';
import { OutboundSenders } from './channels/outbound/senders.ts';
import { createClaimBatcher } from './use-cases/claim-next.ts';
import { drain, newProcessState } from './process-state.ts';
import { closeServer } from './http/close-server.ts';

/** Starts the server: database, migrations, first admin or demo, live hub, timers, HTTP. */
export async function serve(overrides: Partial<Config> = {}): Promise<{ close(): Promise<void>; url: string }> {
  const config = readConfig(process.env, overrides);
  // Before the startup's own collections, so every old-generation limit follows the setting.
  for (const flag of heapFlags(config)) v8.setFlagsFromString(flag);
  const log = pino({ level: config.logLevel });
  const db = await openFromEnv({ ...process.env, CASEWORK_DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '' });
  await migrate(db);
  await ensureBaseline(db, { timeZone: process.env.CASEWORK_TIME_ZONE });
  let demoLoaded = false;
  if ((await countUsers(db)) === 0) {
    if (config.adminEmail && config.adminPassword) {
      // Several processes starting at once on an empty database: one creates the administrator.
      const created = await createAdmin(db, config.adminEmail, config.adminPassword).catch(async (err: Error) => {
        if ((await countUsers(db)) === 0) throw err;
        return null;
      });
      if (created) log.info({ email: config.adminEmail }, 'created the first administrator');
    } else if (config.demo) {
      const logins = await loadDemo({ db, clock: systemClock, log });
      printLogins(logins);
      demoLoaded = true;
    } else {
      log.warn('The database has no users: set CASEWORK_ADMIN_EMAIL and CASEWORK_ADMIN_PASSWORD, or run `casework create-admin`.');
    }
  }
  const hub = new LiveHub(db, log, config.liveSweepMs);
  await hub.start();
  const presence = new Presence(db, () => systemClock.now());
  await presence.start();
  // The demo delivers replies somewhere real: a mail relay and an SMS provider inside this process.
  const outbox = config.demo ? new DemoOutbox() : null;
  await outbox?.start();
  const deps: Deps = {
    db,
    clock: systemClock,
    config,
    log,
    hub,
    presence,
    announcer: new Announcer(db),
    identities: new IdentityCache(db),
    claims: createClaimBatcher(db.kind, () => deps),
    outbound: new OutboundSenders(),
    demoOutbox: outbox,
    state: newProcessState(),
  };
  const app = await buildApp(deps);
  const timers = startTimers(deps);
  await analyzeNeverAnalyzed(deps);
  const maintenance = startMaintenance(deps);
  if (demoLoaded) await seedDemoChannels(deps);
  if (outbox) await pointDemoChannelsAt(deps, outbox.smsApiBaseUrl);
  const relay = outbox && !process.env.CASEWORK_SMTP_URL ? { smtpUrl: outbox.smtpUrl } : {};
  const channels = await startChannels(deps, readChannelOptions(process.env, config.host, relay));
  await app.listen({ port: config.port, host: config.host });
  // The embedded database: `casework backup` asks this process for a consistent snapshot.
  const control = db.kind === 'pglite' ? await openControlSocket(path.resolve(config.dataDir), db, log) : null;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  log.info(`Casework is serving at ${url} (database: ${db.kind})`);
  if (outbox) log.info(`Demo outbox (replies sent by email and SMS): ${url}/demo/outbox`);
  let closing: Promise<void> | null = null;
  // The stop sequence (SIGTERM): /readyz fails first; requests are still served until the load
  // balancer has seen it; then no new connection is taken, event streams end with a reconnect
  // hint (browsers resume from their Last-Event-ID on another process), requests in flight
  // finish (cut after the timeout), and only then do the jobs and the database close.
  const close = () =>
    (closing ??= (async () => {
      await drain(deps.state, config.shutdownDelayMs);
      log.info('stopping: no longer ready, closing connections');
      if ((await closeServer(app, config.shutdownTimeoutMs, { andThen: () => hub.closeForGood() })) === 'cut')
        log.warn('requests still running after the shutdown timeout: their connections were cut');
      await timers.stop();
      await maintenance.stop();
      await channels.stop();
      await outbox?.stop();
      await hub.stop();
      await presence.stop();
      await deps.announcer.settled();
      await control?.close();
      await db.close();
    })());
  return { close, url };
}

function printLogins(logins: { email: string; password: string; role: string; name: string }[]): void {
  const lines = ['', 'Demo organisation loaded. Sign in with any of these (password for all: as shown):'];
  for (const l of logins) lines.push(`  ${l.role.padEnd(11)} ${l.email.padEnd(32)} ${l.password}   (${l.name})`);
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}
