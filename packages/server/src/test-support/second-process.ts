import pino from 'pino';
import { sql } from 'kysely';
import { PG_ADMIN_URL } from './harness.ts';
import { openPostgres, type Db } from '../db/connect.ts';
import { LiveHub } from '../realtime/hub.ts';
import { buildApp } from '../app.ts';
import type { App } from '../http/route-types.ts';
import type { Deps } from '../deps.ts';

/**
 * A second server process on the same PostgreSQL database as a running test app: its own pool,
 * live hub (LISTEN) and app, as several processes behind a load balancer are. `close` stops all three.
 */
export async function startSecondProcess(t: { db: Db; deps: Deps }): Promise<{ app: App; close(): Promise<void> }> {
  const dbName = (await sql<{ name: string }>`SELECT current_database() AS name`.execute(t.db.kysely)).rows[0]!.name;
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${dbName}`;
  const db = await openPostgres(url.toString(), 4);
  const log = pino({ level: 'silent' });
  const hub = new LiveHub(db, log, t.deps.config.liveSweepMs);
  let app: App | undefined;
  try {
    await hub.start();
    app = await buildApp({ ...t.deps, db, hub, log });
  } catch (err) {
    await hub.stop();
    await db.close();
    throw err;
  }
  const built = app;
  return {
    app: built,
    async close() {
      await hub.stop();
      await built.close();
      await db.close();
    },
  };
}
