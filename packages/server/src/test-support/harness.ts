import pg from 'pg';
import { newProcessState } from '../process-state.ts';
import { closeServer } from '../http/close-server.ts';
import pino from 'pino';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { openPGlite, openPostgres, type Db } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { ensureBaseline } from '../db/bootstrap.ts';
import { buildApp } from '../app.ts';
import { readConfig, type Config } from '../config.ts';
import { fixedClock, systemClock, type Clock } from '../clock.ts';
import { LiveHub } from '../realtime/hub.ts';
import { Presence } from '../realtime/presence.ts';
import type { Deps } from '../deps.ts';
import type { App } from '../http/route-types.ts';
import { randomToken, sha256, uuidv7 } from '../ids.ts';
import { Announcer } from '../realtime/announcer.ts';
import { IdentityCache } from '../auth/identity-cache.ts';
import { OutboundSenders } from '../channels/outbound/senders.ts';
import { createClaimBatcher } from '../use-cases/claim-next.ts';

export type DbKind = 'pglite' | 'postgres';

/** Databases the HTTP tests run on (both unless CASEWORK_TEST_DBS narrows it). */
export const DB_KINDS: DbKind[] = (process.env.CASEWORK_TEST_DBS?.split(',') as DbKind[] | undefined) ?? ['pglite', 'postgres'];

/**
 * Test receivers (webhook endpoints, SMTP sinks, SMS provider fakes) listen on loopback, which
 * outbound targets may reach only when allowed (CASEWORK_OUTBOUND_ALLOW): test apps allow it
 * unless a test passes its own `outboundAllow`.
 */
export const LOOPBACK_ALLOW = ['127.0.0.0/8', '::1'];

export const PG_ADMIN_URL = process.env.CASEWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let template: Promise<Blob> | undefined;

/** A migrated embedded database, cloned from a snapshot made once per test worker. */
async function pgliteDb(): Promise<Db> {
  template ??= (async () => {
    const db = await openPGlite();
    await migrate(db);
    await ensureBaseline(db);
    const blob = await db.dump!();
    await db.close();
    return blob;
  })();
  return openPGlite({ loadDataDir: await template });
}

/** A fresh PostgreSQL database of its own, dropped again by `drop`. */
async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `casework_test_${uuidv7().replace(/-/g, '').slice(-16)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export type TestApp = {
  kind: DbKind;
  app: App;
  deps: Deps;
  db: Db;
  clock: Clock;
  /** PostgreSQL only: the test database, so a second app (another "server process") can attach to it. */
  databaseUrl?: string;
  close(): Promise<void>;
};

/** Builds the real app over a fresh database of the given kind. */
export async function startTestApp(
  kind: DbKind,
  opts: { clock?: Clock; config?: Partial<Config>; poolSize?: number; attachTo?: string } = {},
): Promise<TestApp> {
  let db: Db;
  let drop = async () => {};
  let databaseUrl: string | undefined;
  if (kind === 'pglite') {
    db = await pgliteDb();
  } else if (opts.attachTo) {
    // Another app over an existing test database: its owner drops it.
    databaseUrl = opts.attachTo;
    db = await openPostgres(databaseUrl, opts.poolSize ?? 20);
  } else {
    const created = await createPgDatabase();
    drop = created.drop;
    databaseUrl = created.url;
    db = await openPostgres(created.url, opts.poolSize ?? 20);
    await migrate(db);
    await ensureBaseline(db);
  }
  const log = pino({ level: process.env.CASEWORK_TEST_LOG ?? 'silent' });
  const clock = opts.clock ?? systemClock;
  const config = readConfig({}, { rateLimit: 1_000_000, loginRateLimit: 1000, outboundAllow: LOOPBACK_ALLOW, ...opts.config });
  const hub = new LiveHub(db, log, config.liveSweepMs);
  await hub.start();
  const presence = new Presence(db, () => clock.now());
  await presence.start();
  const deps: Deps = {
    db,
    clock,
    config,
    log,
    hub,
    presence,
    announcer: new Announcer(db),
    identities: new IdentityCache(db),
    claims: createClaimBatcher(db.kind, () => deps),
    outbound: new OutboundSenders(),
    demoOutbox: null,
    state: newProcessState(),
  };
  const app = await buildApp(deps);
  await app.ready();
  // Requests whose answer has not finished, to name them if the server cannot close.
  const unfinished = new Set<{ method: string; url: string }>();
  app.server.on('request', (req, res) => {
    const entry = { method: req.method ?? '?', url: req.url ?? '?' };
    unfinished.add(entry);
    res.once('close', () => unfinished.delete(entry));
    res.once('finish', () => unfinished.delete(entry));
  });
  return {
    kind,
    app,
    deps,
    db,
    clock,
    databaseUrl,
    async close() {
      await hub.stop();
      await presence.stop();
      // As the product's stop does (main.ts). A connection still busy after 10 s is cut, and its request named.
      const running = () => [...unfinished].map((u) => `${u.method} ${u.url}`).join('; ') || 'none';
      await closeServer(app, 10_000, {
        beforeCut: () => console.warn(`test app: connections still busy 10 s after close are cut; answers running: ${running()}`),
      });
      await deps.announcer.settled();
      await db.close();
      await drop();
    },
  };
}

export type TestUser = { id: string; email: string; token: string; headers: Record<string, string> };

/** Creates a team directly in the database. */
export async function makeTeam(db: Db, name: string): Promise<string> {
  const id = uuidv7();
  await db.kysely.insertInto('teams').values({ id, name }).execute();
  return id;
}

/** Creates a user with a role, teams and zone, and an API token to act as them. */
export async function makeUser(
  db: Db,
  opts: { role: string; teamIds?: string[]; timeZone?: string | null; name?: string; email?: string },
): Promise<TestUser> {
  const id = uuidv7();
  const email = opts.email ?? `${opts.role}-${id.slice(-8)}@example.test`;
  await db.kysely
    .insertInto('users')
    .values({
      id,
      email,
      name: opts.name ?? `${opts.role} ${id.slice(-4)}`,
      password_hash: null,
      role_id: opts.role,
      time_zone: opts.timeZone ?? null,
      active: true,
      updated_at: new Date(),
    })
    .execute();
  for (const t of opts.teamIds ?? []) await db.kysely.insertInto('team_members').values({ team_id: t, user_id: id }).execute();
  const token = randomToken('cw_');
  await db.kysely
    .insertInto('api_tokens')
    .values({ id: uuidv7(), user_id: id, name: 'test', token_hash: sha256(token) })
    .execute();
  return { id, email, token, headers: { authorization: `Bearer ${token}` } };
}

export async function setOrganisation(
  db: Db,
  set: { time_zone?: string; max_open_per_user?: number | null; auto_close_days?: number },
): Promise<void> {
  await db.kysely.updateTable('organisation').set(set).where('id', '=', 1).execute();
}

/** Shorthand for JSON requests through the app without a network. */
export async function call(
  t: TestApp,
  user: TestUser | null,
  method: string,
  url: string,
  body?: unknown,
): Promise<LightMyRequestResponse & { data: any }> {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(user?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  let data: unknown = null;
  try {
    data = res.body ? JSON.parse(res.body) : null;
  } catch {
    data = res.body;
  }
  return Object.assign(res, { data });
}

export { fixedClock, sql };

/** Serves a test app on a free loopback port, for clients that need a real socket (SSE); its base URL. */
export async function listenOnLoopback(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}
