import { parseArgs } from 'node:util';
import pino from 'pino';
import { serve } from './main.ts';
import { openFromEnv } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { countUsers, createAdmin, ensureBaseline } from './db/bootstrap.ts';
import { loadDemo } from './demo/load-demo.ts';
import { systemClock } from './clock.ts';

const HELP = `Usage: casework <command> [options]

Commands:
  serve [--demo] [--port N]     Start the server (PORT, HOST, CASEWORK_DATA_DIR or DATABASE_URL).
                                --demo loads the demo organisation into an empty database
                                (same as CASEWORK_DEMO=1; CASEWORK_DEMO=0 never loads it).
  migrate                       Apply pending database migrations and exit.
  create-admin --email E --password P [--name N]
                                Create an administrator.
  demo                          Load the demo organisation into an empty database and print its logins.
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

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, port: { type: 'string' } } });
      const demoEnv = process.env.CASEWORK_DEMO;
      const demo = demoEnv === '0' ? false : demoEnv === '1' ? true : Boolean(values.demo);
      const server = await serve({ demo, ...(values.port ? { port: Number(values.port) } : {}) });
      const stop = () => {
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
