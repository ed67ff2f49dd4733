import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { serve } from './main.ts';
import { readConfig } from './config.ts';
import { openFromEnv } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { countUsers, createAdmin, ensureBaseline } from './db/bootstrap.ts';
import { loadDemo } from './demo/load-demo.ts';
import { systemClock } from './clock.ts';
import { backupTo, restoreFrom } from './ops/backup.ts';
import { runDoctor } from './ops/doctor.ts';
import { moveToPostgres } from './ops/move-to-postgres.ts';

const HELP = `Usage: casework <command> [options]

Commands:
  serve [--demo] [--port N]     Start the server (PORT, HOST, CASEWORK_DATA_DIR or DATABASE_URL).
                                --demo loads the demo organisation into an empty database
                                (same as CASEWORK_DEMO=1; CASEWORK_DEMO=0 never loads it).
  migrate                       Apply pending database migrations and exit.
  create-admin --email E --password P [--name N]
                                Create an administrator.
  demo                          Load the demo organisation into an empty database and print its logins.
  backup --to FILE              Back up the embedded database (CASEWORK_DATA_DIR) to FILE, consistent
                                even while the server runs. For PostgreSQL use pg_dump (docs/OPERATIONS.md).
  restore --from FILE           Restore a backup into CASEWORK_DATA_DIR, which must be empty or new.
  doctor                        Check a database (after a restore or a move): migrations, constraints,
                                orphan rows, timers due. Exits 1 when something is wrong.
  migrate-to-postgres --database-url URL
                                Copy the embedded database (CASEWORK_DATA_DIR, server stopped) into an
                                empty PostgreSQL database, and compare the row counts of every table.
  help                          Show this help.
`;

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openFromEnv>>, applied: string[]) => Promise<T>): Promise<T> {
  const db = await openFromEnv(process.env);
  try {
    const applied = await migrate(db);
    await ensureBaseline(db, { timeZone: process.env.CASEWORK_TIME_ZONE });
    return await fn(db, applied);
  } finally {
    await db.close();
  }
}

const dataDir = () => path.resolve(process.env.CASEWORK_DATA_DIR ?? './data');
const hasEmbedded = () => fs.existsSync(path.join(dataDir(), 'pg', 'PG_VERSION'));

function usage(message: string): number {
  console.error(message);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, port: { type: 'string' } } });
      const demoEnv = process.env.CASEWORK_DEMO;
      const demo = demoEnv === '0' ? false : demoEnv === '1' ? true : Boolean(values.demo);
      const server = await serve({ demo, ...(values.port ? { port: Number(values.port) } : {}) });
      const stop = () => {
        // A stop that hangs is ended: after the drain and the requests' time, with some margin.
        const config = readConfig(process.env);
        setTimeout(
          () => {
            console.error('Casework did not stop in time: exiting.');
            process.exit(1);
          },
          config.shutdownDelayMs + config.shutdownTimeoutMs + 15_000,
        ).unref();
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return -1;
    }
    case 'migrate': {
      const applied = await withDb(async (_db, applied) => applied);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      return 0;
    }
    case 'create-admin': {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
      });
      if (!values.email || !values.password) {
        console.error('create-admin needs --email and --password');
        return 2;
      }
      const id = await withDb((db) => createAdmin(db, values.email!, values.password!, values.name));
      console.log(`Created administrator ${values.email} (${id}).`);
      return 0;
    }
    case 'demo': {
      return withDb(async (db) => {
        if ((await countUsers(db)) > 0) {
          console.error('The database already has users: the demo loads only into an empty database.');
          return 1;
        }
        const logins = await loadDemo({ db, clock: systemClock, log: pino({ level: 'warn' }) });
        for (const l of logins) console.log(`${l.role.padEnd(11)} ${l.email.padEnd(32)} ${l.password}`);
        return 0;
      });
    }
    case 'backup': {
      const { values } = parseArgs({ args: rest, options: { to: { type: 'string' } } });
      if (!values.to) return usage('backup needs --to FILE');
      if (process.env.DATABASE_URL)
        return usage('backup is for the embedded database; for PostgreSQL use pg_dump -Fc (docs/OPERATIONS.md)');
      const info = await backupTo(dataDir(), path.resolve(values.to));
      console.log(`Backup written to ${values.to} (${(info.bytes / 1e6).toFixed(1)} MB, last migration ${info.lastMigration}).`);
      return 0;
    }
    case 'restore': {
      const { values } = parseArgs({ args: rest, options: { from: { type: 'string' } } });
      if (!values.from) return usage('restore needs --from FILE');
      if (process.env.DATABASE_URL)
        return usage('restore is for the embedded database; for PostgreSQL use pg_restore (docs/OPERATIONS.md)');
      const info = await restoreFrom(path.resolve(values.from), dataDir());
      console.log(`Restored the backup of ${info.createdAt} into ${dataDir()}. Check it with \`casework doctor\`.`);
      return 0;
    }
    case 'doctor': {
      if (!process.env.DATABASE_URL && !hasEmbedded()) return usage(`There is no embedded database in ${dataDir()} (CASEWORK_DATA_DIR).`);
      const db = await openFromEnv(process.env);
      try {
        const checks = await runDoctor(db);
        for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
        return checks.every((c) => c.ok) ? 0 : 1;
      } finally {
        await db.close();
      }
    }
    case 'migrate-to-postgres': {
      const { values } = parseArgs({ args: rest, options: { 'database-url': { type: 'string' } } });
      const url = values['database-url'];
      if (!url) return usage('migrate-to-postgres needs --database-url URL (an empty PostgreSQL database)');
      if (!hasEmbedded()) return usage(`There is no embedded database in ${dataDir()} (CASEWORK_DATA_DIR).`);
      const env = { ...process.env, DATABASE_URL: '' };
      const source = await openFromEnv(env);
      try {
        await migrate(source);
        const counts = await moveToPostgres(source, url, (s) => console.log(s));
        const rows = counts.reduce((n, c) => n + c.target, 0);
        console.log(
          `Copied ${rows} rows in ${counts.length} tables; every table's count matches. Start the server with DATABASE_URL set to it.`,
        );
        return 0;
      } finally {
        await source.close();
      }
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return 0;
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
