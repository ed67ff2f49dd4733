import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { Kysely, PGliteDialect, PostgresDialect, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { Mutex } from './mutex.ts';
import { acquireDirLock } from './dir-lock.ts';
import { ACCESS_CHANNEL, watchAccessWrites } from './access-watch.ts';

type DbKind = 'pglite' | 'postgres';

/** A database handle: typed queries plus the few raw abilities the app needs. */
export type Db = {
  kind: DbKind;
  kysely: Kysely<Database>;
  /** Runs a multi-statement SQL script (migrations). */
  execScript(script: string): Promise<void>;
  /**
   * Subscribes to NOTIFY on a channel (committed changes, from every process on PostgreSQL).
   * `onGap` is called after a lost listening connection was restored: notices may have been missed.
   */
  listen(channel: string, onPayload: (payload: string) => void, onGap: () => void): Promise<() => Promise<void>>;
  /**
   * A number that changes whenever a committed change may have altered what a credential
   * resolves to (ACCESS_TABLES), in this process or another; null while changes made elsewhere
   * could go unnoticed (the listening connection is down), when nothing may be cached.
   */
  accessVersion(): number | null;
  /**
   * PGlite only: the folder holding attachment bytes as files (the data folder's `files/`; a
   * temporary folder, removed on close, for a database in memory). PostgreSQL keeps them in rows.
   */
  filesDir?: string;
  /**
   * PGlite only: a consistent snapshot of the whole database, a tar of its folder (backups, test
   * templates). `during` runs in the same pause, reading through `query`: what it reads (and does
   * with it, e.g. link the attachment files the snapshot's rows name) agrees with the snapshot.
   */
  dump?: (during?: (query: (text: string) => Promise<Record<string, unknown>[]>) => Promise<void>) => Promise<Blob>;
  close(): Promise<void>;
};

/** PGlite is one connection: serialise every use so transactions never interleave. */
function serialised(inner: Driver, mutex: Mutex): Driver {
  let release: (() => void) | undefined;
  return {
    init: () => inner.init(),
    async acquireConnection(): Promise<DatabaseConnection> {
      const r = await mutex.acquire();
      release = r;
      return inner.acquireConnection();
    },
    async releaseConnection(conn: DatabaseConnection) {
      await inner.releaseConnection(conn);
      const r = release;
      release = undefined;
      r?.();
    },
    beginTransaction: (c: DatabaseConnection, s: TransactionSettings) => inner.beginTransaction(c, s),
    commitTransaction: (c: DatabaseConnection) => inner.commitTransaction(c),
    rollbackTransaction: (c: DatabaseConnection) => inner.rollbackTransaction(c),
    savepoint: inner.savepoint?.bind(inner),
    rollbackToSavepoint: inner.rollbackToSavepoint?.bind(inner),
    releaseSavepoint: inner.releaseSavepoint?.bind(inner),
    destroy: () => inner.destroy(),
  };
}

class SerialisedPGliteDialect extends PGliteDialect {
  readonly #mutex: Mutex;
  readonly #onAccessChange: () => void;
  constructor(pglite: PGlite, mutex: Mutex, onAccessChange: () => void) {
    super({ pglite });
    this.#mutex = mutex;
    this.#onAccessChange = onAccessChange;
  }
  override createDriver(): Driver {
    return watchAccessWrites(serialised(super.createDriver(), this.#mutex), this.#onAccessChange);
  }
}

class WatchedPostgresDialect extends PostgresDialect {
  readonly #onAccessChange: () => void;
  constructor(pool: pg.Pool, onAccessChange: () => void) {
    super({ pool });
    this.#onAccessChange = onAccessChange;
  }
  override createDriver(): Driver {
    return watchAccessWrites(super.createDriver(), this.#onAccessChange);
  }
}

export type PGliteOptions = { dataDir?: string; loadDataDir?: Blob };

/**
 * Opens the embedded database. With a data folder, an exclusive lock file makes a second
 * process refuse to start instead of silently losing writes.
 */
export async function openPGlite(opts: PGliteOptions = {}): Promise<Db> {
  let unlock = () => {};
  let dataDir: string | undefined;
  let filesDir: string;
  let dropFiles = () => {};
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    unlock = acquireDirLock(opts.dataDir);
    dataDir = path.join(opts.dataDir, 'pg');
    filesDir = path.join(opts.dataDir, 'files');
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-files-'));
    filesDir = dir;
    dropFiles = () => fs.rmSync(dir, { recursive: true, force: true });
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir, loadDataDir: opts.loadDataDir, extensions: { pg_trgm, btree_gin } });
  } catch (err) {
    unlock();
    dropFiles();
    throw err;
  }
  const mutex = new Mutex();
  // One process owns the embedded database: its own writes are all the changes there are. The
  // driver sees them by their SQL; the access triggers' notices (migration 009) also catch what
  // SQL text alone would not show (a function's writes, a schema-qualified name).
  let accessVersion = 0;
  const kysely = new Kysely<Database>({
    dialect: new SerialisedPGliteDialect(pglite, mutex, () => {
      accessVersion++;
    }),
  });
  await pglite.listen(ACCESS_CHANNEL, () => {
    accessVersion++;
  });
  return {
    kind: 'pglite',
    kysely,
    filesDir,
    execScript: (script) =>
      mutex.run(async () => {
        try {
          await pglite.exec(`BEGIN;\n${script}\nCOMMIT;`);
        } catch (err) {
          await pglite.exec('ROLLBACK;').catch(() => {});
          throw err;
        } finally {
          accessVersion++;
        }
      }),
    accessVersion: () => accessVersion,
    // A checkpoint first: the files then hold every committed change, and no statement runs meanwhile.
    dump: (during) =>
      mutex.run(async () => {
        await pglite.exec('CHECKPOINT');
        const tar = (await pglite.dumpDataDir('none')) as Blob;
        await during?.(async (text) => (await pglite.query<Record<string, unknown>>(text)).rows);
        return tar;
      }),
    async listen(channel, onPayload) {
      const stop = await pglite.listen(channel, onPayload);
      return async () => {
        if (!pglite.closed) await stop();
      };
    },
    async close() {
      await kysely.destroy();
      unlock();
      dropFiles();
    },
  };
}

/** Opens PostgreSQL at a connection string, with a pool sized for the process. */
export async function openPostgres(url: string, poolSize = Number(process.env.CASEWORK_DB_POOL ?? 10)): Promise<Db> {
  // JIT compiling costs more than these short queries take (hundreds of ms on a busy 2-core machine).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c jit=off' });
  pool.on('error', () => {
    /* idle client lost; the pool replaces it */
  });
  // A client in use when its session ends (a database restart) also emits 'error': without a
  // listener that would end the process. The statement running on it fails and says why.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  // This process's writes count at once (after their commit); other processes' arrive by NOTIFY
  // (migration 009). While that connection is down, nothing counts as unchanged.
  let accessVersion = 0;
  let hearing = false;
  const changed = () => {
    accessVersion++;
  };
  const kysely = new Kysely<Database>({ dialect: new WatchedPostgresDialect(pool, changed) });
  const stopHearing = await listenPostgres(
    url,
    ACCESS_CHANNEL,
    changed,
    () => {
      changed();
      hearing = true;
    },
    () => {
      hearing = false;
      changed();
    },
  );
  hearing = true;
  return {
    kind: 'postgres',
    kysely,
    async execScript(script) {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN;\n${script}\nCOMMIT;`);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
        changed();
      }
    },
    accessVersion: () => (hearing ? accessVersion : null),
    listen: (channel, onPayload, onGap) => listenPostgres(url, channel, onPayload, onGap),
    async close() {
      hearing = false;
      await stopHearing();
      await kysely.destroy();
    },
  };
}

/** DATABASE_URL selects PostgreSQL; otherwise the embedded database in the data folder. */
export function openFromEnv(env: NodeJS.ProcessEnv): Promise<Db> {
  if (env.DATABASE_URL) return openPostgres(env.DATABASE_URL);
  return openPGlite({ dataDir: path.resolve(env.CASEWORK_DATA_DIR ?? './data') });
}

/**
 * A dedicated LISTEN connection that reconnects by itself (reporting the gap): after a lost
 * connection it tries again every second, then less often (up to every 5 s), for as long as it
 * takes (a restarted database), without the process restarting.
 */
async function listenPostgres(
  url: string,
  channel: string,
  onPayload: (p: string) => void,
  onGap: () => void,
  onLost: () => void = () => {},
) {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = (waitMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      connect().then(
        () => onGap(),
        () => retry(Math.min(5000, waitMs * 2)),
      );
    }, waitMs);
  };
  const connect = async (): Promise<void> => {
    // Keep-alive probes notice a connection dropped silently (it is idle between notices).
    const c = new pg.Client({ connectionString: url, keepAlive: true });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload) onPayload(n.payload);
    });
    c.on('error', () => {
      /* 'end' follows */
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    c.on('end', () => {
      if (stopped || client !== c) return;
      client = null;
      onLost();
      retry(1000);
    });
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await client?.end().catch(() => {});
  };
}
